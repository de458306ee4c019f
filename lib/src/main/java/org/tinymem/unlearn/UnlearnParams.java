package org.tinymem.unlearn;

/**
 * Hyper-parameters shared by every unlearning method; each method's record adds its own and
 * validates all of them in its canonical constructor.
 */
public interface UnlearnParams {
    /** Fraction of eligible weights (or MLP units per layer) to ablate, in (0, 1]. */
    double ratio();

    /** Checks a ratio (shared message for every method and the command line). */
    static double checkRatio(double ratio) {
        if (!(ratio > 0 && ratio <= 1)) throw new IllegalArgumentException("ratio must be in (0, 1], got " + ratio);
        return ratio;
    }

    static int checkPositive(String name, int value) {
        if (value <= 0) throw new IllegalArgumentException(name + " must be positive, got " + value);
        return value;
    }
}
