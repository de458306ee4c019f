package org.tinymem.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinymem.util.AtomicFiles;

/**
 * A matrix of token ids, one sequence per row: the format of Chang et al. (2024)'s memorized Pythia
 * sequences (§7, App. A.4.1: [N, 80] int64). Read from NumPy {@code .npy} files (versions 1–3,
 * C order, little-endian {@code <i8}, {@code <i4}, {@code <i2}, {@code <u2}, {@code <u4}, {@code |u1}) or from
 * raw little-endian int64 with a given row length; written as {@code .npy} version 1, {@code <i8}, so that
 * {@code numpy.load} reads it.
 *
 * @param rows the sequences, all of the same length
 */
public record TokenMatrix(List<int[]> rows) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public TokenMatrix {
        rows = List.copyOf(rows);
        if (!rows.isEmpty()) {
            int length = rows.get(0).length;
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).length != length) {
                    throw new IllegalArgumentException("row " + i + " has " + rows.get(i).length + " tokens, row 0 has " + length);
                }
            }
        }
    }

    /** Number of sequences. */
    public int size() {
        return rows.size();
    }

    /** Tokens per sequence (0 when empty). */
    public int columns() {
        return rows.isEmpty() ? 0 : rows.get(0).length;
    }

    /** The largest token id, or −1 when empty: a file made for another vocabulary shows here. */
    public int maxToken() {
        int max = -1;
        for (int[] row : rows) for (int token : row) max = Math.max(max, token);
        return max;
    }

    /** Refuses ids outside a {@code vocabSize} vocabulary, naming the first one found. */
    public TokenMatrix requireVocabulary(int vocabSize, Path source) {
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < rows.get(r).length; c++) {
                int token = rows.get(r)[c];
                if (token < 0 || token >= vocabSize) {
                    throw new IllegalArgumentException(source + ": token " + token + " at row " + r + ", column " + c
                            + " is outside the model's vocabulary of " + vocabSize + " (a file for another tokenizer?)");
                }
            }
        }
        return this;
    }

    /**
     * Reads {@code file}: {@code .npy} by its header, anything else as raw little-endian int64 with
     * {@code rawColumns} tokens per row.
     */
    public static TokenMatrix read(Path file, int rawColumns) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no token file " + file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        if (startsWithMagic(bytes)) return parseNpy(bytes, file);
        if (file.getFileName().toString().endsWith(".npy")) {
            throw new IllegalArgumentException(file + " is named .npy but does not start with the NumPy magic bytes");
        }
        return parseRaw(bytes, rawColumns, file);
    }

    /** Reads a {@code .npy} file (see the class comment for the dtypes). */
    public static TokenMatrix readNpy(Path file) {
        return read(file, -1);
    }

    private static boolean startsWithMagic(byte[] bytes) {
        if (bytes.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (bytes[i] != MAGIC[i]) return false;
        return true;
    }

    private static TokenMatrix parseRaw(byte[] bytes, int columns, Path file) {
        if (columns <= 0) throw new IllegalArgumentException(file + " is not a .npy file: give its row length for raw int64 tokens");
        if (bytes.length % (8L * columns) != 0) {
            throw new IllegalArgumentException(file + " has " + bytes.length + " bytes, not a whole number of int64 rows of "
                    + columns + " tokens");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> rows = new ArrayList<>();
        for (int r = 0; r < bytes.length / (8 * columns); r++) {
            int[] row = new int[columns];
            for (int c = 0; c < columns; c++) row[c] = toInt(buffer.getLong(), file);
            rows.add(row);
        }
        return new TokenMatrix(rows);
    }

    private static TokenMatrix parseNpy(byte[] bytes, Path file) {
        if (bytes.length < 10) throw new IllegalArgumentException(file + " is a truncated .npy file");
        int major = bytes[6] & 0xff;
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = buffer.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = buffer.getInt(8);
            headerStart = 12;
        } else {
            throw new IllegalArgumentException(file + " is .npy format version " + major + "; versions 1–3 are supported");
        }
        if (headerLength < 0 || headerStart + headerLength > bytes.length) {
            throw new IllegalArgumentException(file + " has a .npy header longer than the file");
        }
        String header = new String(bytes, headerStart, headerLength, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr", file);
        if (group(FORTRAN, header, "fortran_order", file).equals("True")) {
            throw new IllegalArgumentException(file + " is in Fortran order; save it with numpy.ascontiguousarray first");
        }
        String[] dims = group(SHAPE, header, "shape", file).split(",");
        List<Long> shape = new ArrayList<>();
        for (String dim : dims) if (!dim.isBlank()) shape.add(Long.parseLong(dim.trim()));
        if (shape.size() != 2) {
            throw new IllegalArgumentException(file + " holds an array of shape " + shape + "; a token matrix is 2-D [sequences, tokens]");
        }
        int rowsCount = Math.toIntExact(shape.get(0));
        int columns = Math.toIntExact(shape.get(1));
        int width = switch (descr) {
            case "<i8", "<u8" -> 8;
            case "<i4", "<u4" -> 4;
            case "<i2", "<u2" -> 2;
            case "|u1", "|i1" -> 1;
            default -> throw new IllegalArgumentException(file + " has dtype " + descr
                    + "; token ids must be little-endian integers (<i8, <i4, <i2, <u2, <u4, |u1)");
        };
        int dataStart = headerStart + headerLength;
        long expected = (long) rowsCount * columns * width;
        if (bytes.length - dataStart != expected) {
            throw new IllegalArgumentException(file + " should hold " + expected + " data bytes for shape " + shape + " and "
                    + descr + ", has " + (bytes.length - dataStart));
        }
        buffer.position(dataStart);
        List<int[]> rows = new ArrayList<>(rowsCount);
        for (int r = 0; r < rowsCount; r++) {
            int[] row = new int[columns];
            for (int c = 0; c < columns; c++) {
                row[c] = switch (descr) {
                    case "<i8", "<u8" -> toInt(buffer.getLong(), file);
                    case "<i4" -> buffer.getInt();
                    case "<u4" -> toInt(buffer.getInt() & 0xffffffffL, file);
                    case "<i2" -> buffer.getShort();
                    case "<u2" -> buffer.getShort() & 0xffff;
                    case "|i1" -> buffer.get();
                    default -> buffer.get() & 0xff;
                };
            }
            rows.add(row);
        }
        return new TokenMatrix(rows);
    }

    private static String group(Pattern pattern, String header, String key, Path file) {
        Matcher matcher = pattern.matcher(header);
        if (!matcher.find()) throw new IllegalArgumentException(file + " has a .npy header without '" + key + "': " + header.trim());
        return matcher.group(1);
    }

    private static int toInt(long value, Path file) {
        if (value < 0 || value > Integer.MAX_VALUE) throw new IllegalArgumentException(file + " holds token id " + value + ", not a vocabulary index");
        return (int) value;
    }

    /** Writes the matrix as {@code .npy} version 1, {@code <i8}, C order (atomically). */
    public void writeNpy(Path file) {
        String dict = String.format(Locale.ROOT, "{'descr': '<i8', 'fortran_order': False, 'shape': (%d, %d), }", size(), columns());
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + 8 * size() * columns()).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buffer.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int[] row : rows) for (int token : row) buffer.putLong(token);
        byte[] bytes = buffer.array();
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
