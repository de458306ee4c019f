package org.tinymem.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMatrixTest {
    @TempDir
    Path dir;

    /** A .npy file as NumPy writes it: magic, version, header length, padded dict, data. */
    private static byte[] npy(int major, String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int prefix = major == 1 ? 10 : 12;
        int padding = (64 - (prefix + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocate(prefix + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) buffer.putShort((short) header.length); else buffer.putInt(header.length);
        return buffer.put(header).put(data).array();
    }

    private static byte[] ints(int width, long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 8 -> buffer.putLong(v);
                case 4 -> buffer.putInt((int) v);
                default -> buffer.putShort((short) v);
            }
        }
        return buffer.array();
    }

    @Test
    void writtenNpyReadsBackAndHasNumpysHeaderLayout() throws IOException {
        List<int[]> rows = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            int[] row = new int[80];
            for (int c = 0; c < 80; c++) row[c] = 50_000 + r * 80 + c;
            rows.add(row);
        }
        Path file = dir.resolve("memorized.npy");
        new TokenMatrix(rows).writeNpy(file);
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + headerLength) % 64, "NumPy aligns the data to 64 bytes");
        assertEquals(10 + headerLength + 5 * 80 * 8, bytes.length);
        TokenMatrix read = TokenMatrix.readNpy(file);
        assertEquals(5, read.size());
        assertEquals(80, read.columns());
        for (int r = 0; r < 5; r++) assertArrayEquals(rows.get(r), read.rows().get(r));
        assertEquals(50_000 + 399, read.maxToken());
    }

    @Test
    void readsOtherIntegerDtypesAndVersions() throws IOException {
        Path i4 = dir.resolve("i4.npy");
        Files.write(i4, npy(1, "<i4", "(2, 3)", ints(4, 1, 2, 3, 4, 5, 6)));
        assertArrayEquals(new int[] {4, 5, 6}, TokenMatrix.readNpy(i4).rows().get(1));
        Path u2 = dir.resolve("u2.npy");
        Files.write(u2, npy(2, "<u2", "(1, 2)", ints(2, 50_256, 7)));
        assertArrayEquals(new int[] {50_256, 7}, TokenMatrix.readNpy(u2).rows().get(0), "uint16 above 32,767 stays positive");
    }

    @Test
    void rawInt64NeedsWholeRows() throws IOException {
        Path raw = dir.resolve("tokens.bin");
        Files.write(raw, ints(8, 1, 2, 3, 4, 5, 6));
        TokenMatrix matrix = TokenMatrix.read(raw, 3);
        assertEquals(2, matrix.size());
        assertArrayEquals(new int[] {4, 5, 6}, matrix.rows().get(1));
        var error = assertThrows(IllegalArgumentException.class, () -> TokenMatrix.read(raw, 4));
        assertTrue(error.getMessage().contains("not a whole number of int64 rows of 4"), error.getMessage());
    }

    @Test
    void badFilesGiveErrorsThatNameTheProblem() throws IOException {
        Path floats = dir.resolve("floats.npy");
        Files.write(floats, npy(1, "<f4", "(1, 2)", ints(4, 0, 0)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenMatrix.readNpy(floats)).getMessage().contains("dtype <f4"));
        Path cube = dir.resolve("cube.npy");
        Files.write(cube, npy(1, "<i8", "(1, 1, 2)", ints(8, 0, 0)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenMatrix.readNpy(cube)).getMessage().contains("2-D"));
        Path truncated = dir.resolve("truncated.npy");
        Files.write(truncated, npy(1, "<i8", "(2, 2)", ints(8, 0, 0, 0)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenMatrix.readNpy(truncated)).getMessage()
                .contains("should hold 32 data bytes"));
        Path notNpy = dir.resolve("text.npy");
        Files.writeString(notNpy, "hello");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenMatrix.readNpy(notNpy)).getMessage().contains("magic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenMatrix.readNpy(dir.resolve("missing.npy")))
                .getMessage().contains("no token file"));
        TokenMatrix big = new TokenMatrix(List.of(new int[] {1, 60_000}));
        var vocabulary = assertThrows(IllegalArgumentException.class, () -> big.requireVocabulary(50_257, notNpy));
        assertTrue(vocabulary.getMessage().contains("token 60000 at row 0, column 1"), vocabulary.getMessage());
    }

    @Test
    void productionProbesSplitEachSequenceAtK() {
        int[] row = new int[80];
        for (int i = 0; i < 80; i++) row[i] = i + 1;
        TokenMatrix memorized = new TokenMatrix(List.of(row));
        TinyMemData data = ProductionData.of(memorized, new TokenMatrix(List.of(row, row)), memorized, 100,
                ProductionData.PROMPT, ProductionData.MATCH);
        MemorizationProbe probe = data.probes().get(0);
        assertEquals(32, probe.prompt().length);
        assertEquals(40, probe.memorized().length);
        assertEquals(33, probe.memorized()[0], "the continuation starts at token k + 1");
        assertEquals(72, probe.memorized()[39], "and ends at token n = 72");
        assertEquals(2, data.cleanTrainTokens().size(), "the retain matrix is the clean training set");
        var tooShort = assertThrows(IllegalArgumentException.class, () -> ProductionData.probes(memorized, 32, 60));
        assertTrue(tooShort.getMessage().contains("needs 92"), tooShort.getMessage());
    }
}
