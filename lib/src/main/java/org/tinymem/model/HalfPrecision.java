package org.tinymem.model;

/**
 * IEEE 754 half precision (safetensors {@code F16}) and bfloat16 ({@code BF16}) bit patterns to and
 * from float32, written out because {@code Float.float16ToFloat} only arrived in Java 20 and this
 * library targets Java 17. Widening is exact; narrowing to half rounds to nearest, ties to even,
 * as PyTorch's {@code tensor.half()} does.
 */
public final class HalfPrecision {
    private static final int HALF_EXPONENT_BIAS = 15;
    private static final int FLOAT_EXPONENT_BIAS = 127;
    /** Halves whose magnitude is at least this round to infinity (65504 is the largest finite half). */
    private static final float HALF_OVERFLOW = 65520f;
    /** The smallest normal half, 2^−14; below it halves are subnormal, multiples of 2^−24. */
    private static final float HALF_MIN_NORMAL = 0x1p-14f;

    private HalfPrecision() {}

    public static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = bits >>> 15;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) { // zero or subnormal: mantissa · 2^−24
            float magnitude = Math.scalb((float) mantissa, -24);
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) { // infinity or NaN
            return mantissa == 0 ? (sign == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY) : Float.NaN;
        }
        return Float.intBitsToFloat((sign << 31) | ((exponent - HALF_EXPONENT_BIAS + FLOAT_EXPONENT_BIAS) << 23) | (mantissa << 13));
    }

    /** The nearest half (ties to even); beyond ±65504 (after rounding) ±infinity, NaN stays NaN. */
    public static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(value)) return (short) (sign | 0x7e00);
        float magnitude = Math.abs(value);
        if (magnitude >= HALF_OVERFLOW) return (short) (sign | 0x7c00);
        if (magnitude < HALF_MIN_NORMAL) {
            // Subnormal: a whole number of 2^−24 steps; rint rounds ties to even, and 1024 steps is
            // exactly the smallest normal's bit pattern.
            return (short) (sign | (int) Math.rint(magnitude * 0x1p24f));
        }
        int magnitudeBits = bits & 0x7fffffff;
        // Round the 23-bit mantissa to 10 bits, ties to even; a carry correctly bumps the exponent.
        int rounded = magnitudeBits + 0xfff + ((magnitudeBits >>> 13) & 1);
        return (short) (sign | ((rounded >>> 13) - ((FLOAT_EXPONENT_BIAS - HALF_EXPONENT_BIAS) << 10)));
    }

    /** bfloat16 is the upper 16 bits of a float32. */
    public static float bfloat16ToFloat(short bfloat16) {
        return Float.intBitsToFloat((bfloat16 & 0xffff) << 16);
    }
}
