package org.tinymem.experiment;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The best value of a regularizer's grid (App. A.2.1): the training setting with the best average
 * over seeds of
 * <ul>
 *   <li><b>language</b> (Eq. 2): perplexity + % memorized, lowest wins;</li>
 *   <li><b>math</b> (Eq. 3): the paper writes "highest average (test accuracy + percent memorized)",
 *   which would reward memorizing. Ours: highest accuracy − % memorized, i.e. accuracy plus the
 *   share <em>not</em> memorized (100 − % memorized) up to a constant, the reading consistent with
 *   Eq. 2 and with "% Mem ↓, Acc ↑" in Table 1.</li>
 * </ul>
 * Unlike the unlearning selection ({@link Selection}), this compares finished training runs by their
 * own measures, not by differences to a baseline, and has no time criterion.
 */
public final class RegularizerSelection {
    private RegularizerSelection() {}

    /**
     * One training setting (a grid value), its measures averaged over seeds.
     *
     * @param label e.g. {@code "λ = 0.01"}
     * @param performance mean accuracy (%) for math, perplexity for language
     * @param percentMemorized % memorized (Eq. 1)
     */
    public record Candidate(String label, double performance, double percentMemorized) {}

    /** The score of a candidate, oriented so that lower is better (NaN never wins). */
    public static double score(Candidate candidate, Selection.Kind kind) {
        return switch (kind) {
            case MATH -> candidate.percentMemorized() - candidate.performance();
            case LANGUAGE -> candidate.performance() + candidate.percentMemorized();
        };
    }

    /** The best candidate; ties keep the earlier one (the grid's order); empty if none has a score. */
    public static Optional<Candidate> best(List<Candidate> candidates, Selection.Kind kind) {
        return candidates.stream().filter(c -> !Double.isNaN(score(c, kind)))
                .min(Comparator.comparingDouble(c -> score(c, kind)));
    }
}
