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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.util.AtomicFiles;

/**
 * The safetensors format (no pickle): an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian data. Files are written
 * atomically; the reader checks every range against the file and names what is wrong.
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

        public float[] floats() {
            if (!dtype.equals("F32")) throw new IllegalStateException("tensor is " + dtype + ", not F32");
            float[] values = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
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

    static long elementCount(long[] shape) {
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

    /** Reads a file; a truncated or corrupt file is an {@link IllegalArgumentException} naming the file. */
    public static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        String problem = "not a valid safetensors file: " + file + " (";
        if (bytes.length < 8) throw new IllegalArgumentException(problem + "only " + bytes.length + " bytes)");
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
            throw new IllegalArgumentException(problem + "header length " + headerLength + " does not fit a file of "
                    + bytes.length + " bytes; truncated or not safetensors)");
        }
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
            header = parsed.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(problem + "header is not a JSON object: " + e.getMessage() + ")", e);
        }
        long dataStart = 8 + headerLength;
        long dataLength = bytes.length - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
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
                byte[] data = java.util.Arrays.copyOfRange(bytes, (int) (dataStart + begin), (int) (dataStart + end));
                tensors.put(entry.getKey(), new Tensor(dtype, shape, data));
            } catch (NullPointerException | IllegalStateException | UnsupportedOperationException | ArithmeticException e) {
                throw new IllegalArgumentException(problem + "entry '" + entry.getKey() + "' is malformed)", e);
            }
        }
        return new Contents(tensors, metadata);
    }
}
