package org.tinymem.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outcome of the memorization measure (Eq. 1).
 *
 * @param probes probes measured
 * @param memorized probes whose greedy continuation equals the artifact continuation exactly
 * @param correct probes whose greedy continuation equals the clean (correct) continuation exactly
 * @param byGroup % memorized per duplication group
 * @param matches per probe (in probe order), how close its greedy continuation comes to the memorized one
 */
public record MemorizationResult(int probes, int memorized, int correct, Map<String, Double> byGroup,
                                 List<ContinuationMatch> matches) {
    public MemorizationResult {
        byGroup = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byGroup));
        matches = List.copyOf(matches);
        if (matches.size() != probes) throw new IllegalArgumentException("one continuation match per probe");
    }

    /** % memorized = elicited / total × 100 (Eq. 1); 0 when there is nothing to measure. */
    public double percentMemorized() {
        return probes == 0 ? 0 : 100.0 * memorized / probes;
    }

    /** % of probes that continue with the clean sequence instead. */
    public double percentCorrect() {
        return probes == 0 ? 0 : 100.0 * correct / probes;
    }

    /** % of probes whose ROUGE-L reaches {@link ContinuationMatch#APPROXIMATE_THRESHOLD} (approximate memorization). */
    public double percentApproxMemorized() {
        return probes == 0 ? 0 : 100.0 * matches.stream().filter(ContinuationMatch::approximatelyMemorized).count() / probes;
    }

    /**
     * The means over probes of {@link ContinuationMatch}'s values and {@link #percentApproxMemorized()}, keyed as
     * in {@link Measures} ({@code extraction_strength}, {@code token_match}, {@code edit_distance}, {@code rouge_l},
     * {@code percent_approx_memorized}); means of no probes are 0.
     */
    public Map<String, Double> approximateMeasures() {
        Map<String, Double> measures = new LinkedHashMap<>();
        measures.put(Measures.EXTRACTION_STRENGTH, mean(ContinuationMatch::extractionStrength));
        measures.put(Measures.TOKEN_MATCH, mean(ContinuationMatch::tokenMatch));
        measures.put(Measures.EDIT_DISTANCE, mean(ContinuationMatch::editDistance));
        measures.put(Measures.ROUGE_L, mean(ContinuationMatch::rougeL));
        measures.put(Measures.PERCENT_APPROX_MEMORIZED, percentApproxMemorized());
        return measures;
    }

    private double mean(java.util.function.ToDoubleFunction<ContinuationMatch> value) {
        return matches.stream().mapToDouble(value).average().orElse(0);
    }
}
