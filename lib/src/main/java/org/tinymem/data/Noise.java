package org.tinymem.data;

import java.util.Random;

/**
 * The noise artifact (Def. 2.2): every element (a number of a math sequence, or a token id of a
 * language chunk) is shifted by δ ∈ {−1, 0, +1} drawn with probabilities {pDown, 1 − pDown − pUp, pUp}.
 *
 * @param pDown probability of δ = −1 (0.05 in the paper)
 * @param pUp probability of δ = +1 (0.05 in the paper)
 */
public record Noise(double pDown, double pUp) implements Artifact {

    public Noise {
        if (pDown < 0 || pUp < 0 || pDown + pUp > 1) {
            throw new IllegalArgumentException("noise probabilities must be ≥ 0 and sum to ≤ 1, got "
                    + pDown + " and " + pUp);
        }
    }

    /** The paper's noise: ±1 with probability 0.05 each. */
    public static Noise paper() {
        return new Noise(0.05, 0.05);
    }

    @Override
    public Kind kind() {
        return Kind.NOISE;
    }

    /** Draws δ. */
    public int delta(Random random) {
        double u = random.nextDouble();
        if (u < pDown) return -1;
        if (u < pDown + pUp) return 1;
        return 0;
    }

    /**
     * Returns a perturbed copy of {@code values}. Ours: a shift that would leave [min, max] is
     * dropped (the element keeps its value), so noise never produces a negative number or an invalid
     * token id.
     */
    public long[] perturb(long[] values, Random random, long min, long max) {
        long[] noisy = values.clone();
        for (int i = 0; i < noisy.length; i++) {
            long shifted = noisy[i] + delta(random);
            if (shifted >= min && shifted <= max) noisy[i] = shifted;
        }
        return noisy;
    }
}
