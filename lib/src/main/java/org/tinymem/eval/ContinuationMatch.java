package org.tinymem.eval;

/**
 * How close one greedy continuation comes to the memorized one, beyond Eq. 1's all-or-nothing match
 * (issue #16; not in the paper). Each value is computed from the same greedy generation as the exact
 * (n, k) measure, token by token:
 * <ul>
 *   <li>{@code extractionStrength}: the longest prefix of the generation that equals the memorized
 *       continuation, as a fraction of its length (after Carlini et al. 2021/2023, who count how long
 *       a prefix of a training sequence is reproduced; 1 = memorized in the sense of Eq. 1);</li>
 *   <li>{@code tokenMatch}: the share of positions where the generated token is the memorized one;</li>
 *   <li>{@code editDistance}: the Levenshtein distance (insertions, deletions, substitutions of tokens)
 *       divided by the longer length (0 = identical, 1 = nothing in common);</li>
 *   <li>{@code rougeL}: ROUGE-L (Lin 2004) over tokens, the F-measure of the longest common
 *       subsequence with β = 1 (as the {@code rouge-score} package computes it): P = LCS / |generated|,
 *       R = LCS / |memorized|, F = 2PR / (P + R).</li>
 * </ul>
 * A probe is <em>approximately memorized</em> when its ROUGE-L is at least {@link #APPROXIMATE_THRESHOLD}:
 * Ippolito et al. 2022 ("Preventing Verbatim Memorization in Language Models Gives a False Sense of
 * Privacy") threshold BLEU at 0.75; we threshold token ROUGE-L at the same 0.75 (ours: one measure
 * fewer, no n-gram smoothing choices on 14-token math vocabularies).
 */
public record ContinuationMatch(double extractionStrength, double tokenMatch, double editDistance, double rougeL) {
    /** ROUGE-L at or above which a probe counts as approximately memorized. */
    public static final double APPROXIMATE_THRESHOLD = 0.75;

    /** The four values of {@code generated} against {@code memorized}; two empty sequences match perfectly. */
    public static ContinuationMatch of(int[] generated, int[] memorized) {
        int longer = Math.max(generated.length, memorized.length);
        if (longer == 0) return new ContinuationMatch(1, 1, 0, 1);
        int same = 0;
        for (int i = 0; i < Math.min(generated.length, memorized.length); i++) same += generated[i] == memorized[i] ? 1 : 0;
        int common = longestCommonSubsequence(generated, memorized);
        double rouge = common == 0 ? 0 : 2.0 * common / (generated.length + memorized.length); // 2PR/(P+R) simplified
        return new ContinuationMatch(memorized.length == 0 ? 0 : (double) matchingPrefix(generated, memorized) / memorized.length,
                (double) same / longer, (double) levenshtein(generated, memorized) / longer, rouge);
    }

    /** Whether ROUGE-L reaches {@link #APPROXIMATE_THRESHOLD}. */
    public boolean approximatelyMemorized() {
        return rougeL >= APPROXIMATE_THRESHOLD;
    }

    /** Length of the longest common prefix. */
    static int matchingPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[n] == b[n]) n++;
        return n;
    }

    /** Levenshtein distance over tokens (two rows of the dynamic programme). */
    static int levenshtein(int[] a, int[] b) {
        int[] previous = new int[b.length + 1];
        int[] current = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) previous[j] = j;
        for (int i = 1; i <= a.length; i++) {
            current[0] = i;
            for (int j = 1; j <= b.length; j++) {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length];
    }

    /** Length of the longest common subsequence (not necessarily contiguous). */
    static int longestCommonSubsequence(int[] a, int[] b) {
        int[] previous = new int[b.length + 1];
        int[] current = new int[b.length + 1];
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length];
    }
}
