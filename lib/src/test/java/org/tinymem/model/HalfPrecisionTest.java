package org.tinymem.model;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HalfPrecisionTest {

    @Test
    void knownBitPatterns() {
        assertEquals(1f, HalfPrecision.halfToFloat((short) 0x3c00));
        assertEquals(-2f, HalfPrecision.halfToFloat((short) 0xc000));
        assertEquals(65504f, HalfPrecision.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, HalfPrecision.halfToFloat((short) 0x0001), "smallest subnormal");
        assertEquals(0x1p-14f, HalfPrecision.halfToFloat((short) 0x0400), "smallest normal");
        assertEquals(Float.NEGATIVE_INFINITY, HalfPrecision.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(HalfPrecision.halfToFloat((short) 0x7e00)));
        assertEquals((short) 0x3555, HalfPrecision.toHalf(1f / 3));
        assertEquals(1.5f, HalfPrecision.bfloat16ToFloat((short) 0x3fc0));
    }

    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = HalfPrecision.halfToFloat((short) bits);
            if (Float.isNaN(value)) continue;
            assertEquals((short) bits, HalfPrecision.toHalf(value), "half 0x" + Integer.toHexString(bits));
        }
    }

    @Test
    void narrowingRoundsToNearestTiesToEven() {
        assertEquals((short) 0x3c00, HalfPrecision.toHalf(1f + 0x1p-11f), "tie between 1 and 1+2^-10 goes to even 1");
        assertEquals((short) 0x3c02, HalfPrecision.toHalf(1f + 3 * 0x1p-11f), "tie goes to even 1+2^-9");
        assertEquals((short) 0x3c01, HalfPrecision.toHalf(1f + 0x1p-11f + 0x1p-20f), "above the tie rounds up");
        assertEquals((short) 0x0000, HalfPrecision.toHalf(0x1p-25f), "half the smallest subnormal rounds to even 0");
        assertEquals((short) 0x0002, HalfPrecision.toHalf(3 * 0x1p-25f), "1.5 subnormal steps round to even 2");
        assertEquals((short) 0x7bff, HalfPrecision.toHalf(65519f));
        assertEquals((short) 0x7c00, HalfPrecision.toHalf(65520f), "rounds to infinity");
        assertEquals((short) 0x8000, HalfPrecision.toHalf(-0f));
    }

    @Test
    void safetensorsWidensHalfAndBfloat16Tensors(@TempDir Path dir) {
        float[] values = {0.1f, -3.25f, 1000f, 1e-6f};
        Safetensors.Tensor half = Safetensors.Tensor.ofHalves(values, 2, 2);
        byte[] bf16 = new byte[8];
        for (int i = 0; i < 4; i++) {
            int bits = Float.floatToRawIntBits(values[i]) >>> 16; // truncation is a valid bfloat16 value
            bf16[2 * i] = (byte) bits;
            bf16[2 * i + 1] = (byte) (bits >>> 8);
        }
        Path file = dir.resolve("mixed.safetensors");
        Safetensors.write(file, Map.of("h", half, "b", new Safetensors.Tensor("BF16", new long[] {4}, bf16)), Map.of());
        Safetensors.Listing listing = Safetensors.list(file);
        float[] widened = listing.tensor("h").floats();
        for (int i = 0; i < 4; i++) {
            assertEquals(values[i], widened[i], Math.abs(values[i]) * 1e-3 + 1e-7, "F16 " + i);
            assertEquals(Float.intBitsToFloat(Float.floatToRawIntBits(values[i]) & 0xffff0000), listing.tensor("b").floats()[i], "BF16 " + i);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Safetensors.Tensor("I64", new long[] {1}, new byte[8]).floats());
        assertTrue(e.getMessage().contains("I64"), e.getMessage());
    }
}
