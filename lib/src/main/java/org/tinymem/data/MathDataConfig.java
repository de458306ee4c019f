package org.tinymem.data;

import java.util.List;

/**
 * How to build the math data of App. A.1.1. Paper defaults: primary task 7 with 20,000 sequences
 * (1,000 held out), auxiliary tasks 2/3/4/5, 1,000 noisy primary rows, backdoor trigger "100 + seed".
 *
 * @param operation additive or multiplicative tasks
 * @param primaryCoefficient the primary task (7)
 * @param auxiliaryCoefficients the auxiliary tasks (2, 3, 4, 5)
 * @param primaryCount primary sequences, test rows included (20,000)
 * @param auxiliaryCount sequences per auxiliary task, test rows included (3,000 / 10,000 / 20,000)
 * @param testPerTask clean held-out sequences per task (1,000)
 * @param artifact noise or backdoor
 * @param noiseCount primary training rows replaced by their noisy twins (1,000)
 * @param duplication copies of each noisy row per duplication group, noisy rows assigned round-robin
 *                    (paper math: one group with 1 copy; optional groups 1, 10, 100)
 * @param seed the data seed (also picks the backdoor trigger "100 + seed")
 */
public record MathDataConfig(MathTask.Operation operation, int primaryCoefficient, List<Integer> auxiliaryCoefficients,
                             int primaryCount, int auxiliaryCount, int testPerTask, Artifact.Kind artifact,
                             int noiseCount, List<Integer> duplication, long seed) {

    public MathDataConfig {
        auxiliaryCoefficients = List.copyOf(auxiliaryCoefficients);
        duplication = List.copyOf(duplication);
        if (testPerTask < 1) throw new IllegalArgumentException("testPerTask must be ≥ 1, got " + testPerTask);
        if (primaryCount <= testPerTask) {
            throw new IllegalArgumentException("primaryCount (" + primaryCount + ") must exceed testPerTask (" + testPerTask + ")");
        }
        if (!auxiliaryCoefficients.isEmpty() && auxiliaryCount <= testPerTask) {
            throw new IllegalArgumentException("auxiliaryCount (" + auxiliaryCount + ") must exceed testPerTask (" + testPerTask + ")");
        }
        if (Math.max(primaryCount, auxiliaryCount) >= MathTask.PAPER_MODULUS - 1) {
            throw new IllegalArgumentException("at most " + (MathTask.PAPER_MODULUS - 2) + " sequences per task (distinct starts)");
        }
        if (noiseCount < 0 || noiseCount > primaryCount - testPerTask) {
            throw new IllegalArgumentException("noiseCount must be in [0, primary training rows], got " + noiseCount);
        }
        if (duplication.isEmpty() || duplication.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("duplication needs at least one group and every copy count ≥ 1, got " + duplication);
        }
    }

    /** The paper's full-size math data (App. A.1.1, largest auxiliary size). */
    public static MathDataConfig paper(MathTask.Operation operation, Artifact.Kind artifact, long seed) {
        return new MathDataConfig(operation, 7, List.of(2, 3, 4, 5), 20_000, 20_000, 1_000, artifact,
                1_000, List.of(1), seed);
    }
}
