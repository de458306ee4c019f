package org.tinymem.eval;

import java.util.Map;

/**
 * Outcome of the memorization measure (Eq. 1).
 *
 * @param probes probes measured
 * @param memorized probes whose greedy continuation equals the artifact continuation exactly
 * @param correct probes whose greedy continuation equals the clean (correct) continuation exactly
 * @param byGroup % memorized per duplication group
 */
public record MemorizationResult(int probes, int memorized, int correct, Map<String, Double> byGroup) {

    /** % memorized = elicited / total × 100 (Eq. 1); 0 when there is nothing to measure. */
    public double percentMemorized() {
        return probes == 0 ? 0 : 100.0 * memorized / probes;
    }

    /** % of probes that continue with the clean sequence instead. */
    public double percentCorrect() {
        return probes == 0 ? 0 : 100.0 * correct / probes;
    }
}
