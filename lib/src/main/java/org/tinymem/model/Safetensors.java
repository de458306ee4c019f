package org.tinymem.model;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.util.AtomicFiles;

/**
 * The safetensors format (no pickle): an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian data. Files are written
 * atomically; the reader checks every range against the file and names what is wrong, and can read
 * tensors one at a time ({@link #list}) so that large checkpoint shards stream.
 */
public final class Safetensors {
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /** One tensor: a dtype ({@code F32}, {@code I64}, ...), a shape and its little-endian bytes. */
    public record Tensor(String dtype, long[] shape, byte[] data) {
        public Tensor {
            long expected = elementCount(shape) * dtypeSize(dtype);
            if (expected != data.length) {
                throw new IllegalArgumentException(dtype + " tensor of shape " + java.util.Arrays.toString(shape)
                        + " needs " + expected + " bytes, got " + data.length);
            }
        }

        public static Tensor ofFloats(float[] values, long... shape) {
            ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(values);
            return new Tensor("F32", shape, buffer.array());
        }

        /** Float16 tensor of float values, each rounded to the nearest half (ties to even), as PyTorch's {@code .half()}. */
        public static Tensor ofHalves(float[] values, long... shape) {
            ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float value : values) buffer.putShort(HalfPrecision.toHalf(value));
            return new Tensor("F16", shape, buffer.array());
        }

        /**
         * The values as float32: F32 as stored, F16 and BF16 widened exactly (every half and bfloat16
         * value is a float32 value), so checkpoints saved in half precision compute in fp32.
         */
        public float[] floats() {
            ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            return switch (dtype) {
                case "F32" -> {
                    float[] values = new float[data.length / 4];
                    buffer.asFloatBuffer().get(values);
                    yield values;
                }
                case "F16", "BF16" -> {
                    float[] values = new float[data.length / 2];
                    var shorts = buffer.asShortBuffer();
                    boolean half = dtype.equals("F16");
                    for (int i = 0; i < values.length; i++) {
                        short bits = shorts.get(i);
                        values[i] = half ? HalfPrecision.halfToFloat(bits) : HalfPrecision.bfloat16ToFloat(bits);
                    }
                    yield values;
                }
                default -> throw new IllegalStateException("tensor is " + dtype + "; only F32, F16 and BF16 convert to float32");
            };
        }
    }

    /** Bytes per element of a safetensors dtype. */
    public static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> throw new IllegalArgumentException("unsupported safetensors dtype '" + dtype + "'");
        };
    }

    /** Elements of a tensor of {@code shape} (overflow is an error, not a wrap). */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /** Writes the tensors (in map order) and string metadata atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            JsonObject info = new JsonObject();
            info.addProperty("dtype", entry.getValue().dtype());
            JsonArray shape = new JsonArray();
            for (long dim : entry.getValue().shape()) shape.add(dim);
            info.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += entry.getValue().data().length;
            offsets.add(offset);
            info.add("data_offsets", offsets);
            header.add(entry.getKey(), info);
        }
        StringBuilder json = new StringBuilder(new Gson().toJson(header));
        while (json.length() % 8 != 0) json.append(' ');
        byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(length.array());
            out.write(headerBytes);
            for (Tensor tensor : tensors.values()) out.write(tensor.data());
        });
    }

    /** A file's tensors (in header order) and metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Where one tensor lies in a file: dtype, shape and byte range relative to the data section. */
    public record Entry(String dtype, long[] shape, long begin, long end) {}

    /**
     * A file's header, read without its data: tensors are then read one at a time
     * ({@link #tensor(String)}), so a multi-gigabyte shard never has to fit in memory (or in one Java
     * array, which holds at most 2 GiB) — only its largest tensor does.
     */
    public record Listing(Path file, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        /** Reads one tensor's bytes from the file. */
        public Tensor tensor(String name) {
            Entry entry = entries.get(name);
            if (entry == null) throw new IllegalArgumentException(file + " has no tensor '" + name + "'");
            long length = entry.end() - entry.begin();
            if (length > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + name + "' in " + file + " has " + length
                        + " bytes, more than one Java array holds; split it or use a smaller dtype");
            }
            ByteBuffer data = ByteBuffer.allocate((int) length);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long position = dataStart + entry.begin();
                while (data.hasRemaining()) {
                    int read = channel.read(data, position + data.position());
                    if (read < 0) throw new IllegalArgumentException("not a valid safetensors file: " + file + " (ends inside tensor '" + name + "')");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
            }
            return new Tensor(entry.dtype(), entry.shape(), data.array());
        }
    }

    /** Reads a whole file; a truncated or corrupt file is an {@link IllegalArgumentException} naming the file. */
    public static Contents read(Path file) {
        Listing listing = list(file);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : listing.entries().keySet()) tensors.put(name, listing.tensor(name));
        return new Contents(tensors, listing.metadata());
    }

    /** Reads a file's header and checks every tensor's byte range against the file's size. */
    public static Listing list(Path file) {
        long fileSize;
        byte[] headerBytes;
        long headerLength;
        String problem = "not a valid safetensors file: " + file + " (";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            fileSize = channel.size();
            if (fileSize < 8) throw new IllegalArgumentException(problem + "only " + fileSize + " bytes)");
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            while (length.hasRemaining() && channel.read(length, length.position()) >= 0) {
                // a regular file delivers its 8 bytes; the loop only guards against short reads
            }
            headerLength = length.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER || headerLength > fileSize - 8) {
                throw new IllegalArgumentException(problem + "header length " + headerLength + " does not fit a file of "
                        + fileSize + " bytes; truncated or not safetensors)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            while (header.hasRemaining() && channel.read(header, 8 + header.position()) >= 0) {
                // as above
            }
            headerBytes = header.array();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(new String(headerBytes, StandardCharsets.UTF_8));
            header = parsed.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(problem + "header is not a JSON object: " + e.getMessage() + ")", e);
        }
        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
            if (entry.getKey().equals("__metadata__")) {
                entry.getValue().getAsJsonObject().entrySet().forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                continue;
            }
            try {
                JsonObject info = entry.getValue().getAsJsonObject();
                String dtype = info.get("dtype").getAsString();
                JsonArray shapeJson = info.getAsJsonArray("shape");
                long[] shape = new long[shapeJson.size()];
                for (int i = 0; i < shape.length; i++) shape[i] = shapeJson.get(i).getAsLong();
                JsonArray offsets = info.getAsJsonArray("data_offsets");
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                if (begin < 0 || end < begin || end > dataLength) {
                    throw new IllegalArgumentException(problem + "tensor '" + entry.getKey() + "' spans bytes " + begin
                            + ".." + end + " but the data section has " + dataLength + " bytes; truncated?)");
                }
                if (end - begin != elementCount(shape) * dtypeSize(dtype)) {
                    throw new IllegalArgumentException(problem + "tensor '" + entry.getKey() + "' has " + (end - begin)
                            + " bytes for shape " + java.util.Arrays.toString(shape) + " of " + dtype + ")");
                }
                entries.put(entry.getKey(), new Entry(dtype, shape, begin, end));
            } catch (NullPointerException | IllegalStateException | UnsupportedOperationException | ArithmeticException e) {
                throw new IllegalArgumentException(problem + "entry '" + entry.getKey() + "' is malformed)", e);
            }
        }
        return new Listing(file, dataStart, entries, metadata);
    }
}
