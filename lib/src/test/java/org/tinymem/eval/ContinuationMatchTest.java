package org.tinymem.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The approximate memorization measures on hand-made token sequences (exact values). */
class ContinuationMatchTest {
    private static final int[] MEMORIZED = {1, 2, 3, 4};

    @Test
    void anExactCopyScoresPerfectly() {
        assertEquals(new ContinuationMatch(1, 1, 0, 1), ContinuationMatch.of(new int[] {1, 2, 3, 4}, MEMORIZED));
    }

    @Test
    void oneSubstitutionInTheMiddle() {
        ContinuationMatch m = ContinuationMatch.of(new int[] {1, 2, 9, 4}, MEMORIZED);
        assertEquals(0.5, m.extractionStrength()); // prefix 1 2
        assertEquals(0.75, m.tokenMatch());
        assertEquals(0.25, m.editDistance());
        assertEquals(0.75, m.rougeL(), 1e-12); // LCS 3: P = R = 3/4
        assertTrue(m.approximatelyMemorized(), "0.75 is the threshold itself");
    }

    @Test
    void aShiftedCopyKeepsItsSubsequenceButNoPosition() {
        ContinuationMatch m = ContinuationMatch.of(new int[] {2, 3, 4, 5}, MEMORIZED);
        assertEquals(0, m.extractionStrength());
        assertEquals(0, m.tokenMatch());
        assertEquals(0.5, m.editDistance()); // delete 1, insert 5
        assertEquals(0.75, m.rougeL(), 1e-12);
    }

    @Test
    void differentLengthsAndNothingInCommon() {
        ContinuationMatch m = ContinuationMatch.of(new int[] {5, 6, 7}, MEMORIZED);
        assertEquals(new ContinuationMatch(0, 0, 1, 0), m); // 3 substitutions + 1 insertion over 4
        assertFalse(m.approximatelyMemorized());
        // ROUGE-L with unequal lengths: LCS 2 of |g| = 3, |m| = 4: P = 2/3, R = 1/2, F = 2PR/(P+R) = 4/7
        assertEquals(4.0 / 7, ContinuationMatch.of(new int[] {1, 9, 4}, MEMORIZED).rougeL(), 1e-12);
    }

    @Test
    void levenshteinOfKittenAndSitting() {
        int[] kitten = "kitten".chars().toArray();
        int[] sitting = "sitting".chars().toArray();
        assertEquals(3, ContinuationMatch.levenshtein(kitten, sitting));
        assertEquals(3.0 / 7, ContinuationMatch.of(kitten, sitting).editDistance(), 1e-12);
        assertEquals(4, ContinuationMatch.longestCommonSubsequence(kitten, sitting)); // i t t n
    }

    @Test
    void aResultAveragesOverProbesAndCountsApproximateOnes() {
        List<ContinuationMatch> matches = List.of(ContinuationMatch.of(new int[] {1, 2, 3, 4}, MEMORIZED),
                ContinuationMatch.of(new int[] {1, 2, 9, 4}, MEMORIZED), ContinuationMatch.of(new int[] {5, 6, 7, 8}, MEMORIZED));
        MemorizationResult result = new MemorizationResult(3, 1, 0, Map.of(), matches);
        Map<String, Double> measures = result.approximateMeasures();
        assertEquals(List.of(Measures.EXTRACTION_STRENGTH, Measures.TOKEN_MATCH, Measures.EDIT_DISTANCE, Measures.ROUGE_L,
                Measures.PERCENT_APPROX_MEMORIZED), List.copyOf(measures.keySet()));
        assertEquals(0.5, measures.get(Measures.EXTRACTION_STRENGTH), 1e-12); // (1 + 0.5 + 0) / 3
        assertEquals((1 + 0.75) / 3, measures.get(Measures.TOKEN_MATCH), 1e-12);
        assertEquals((0 + 0.25 + 1) / 3, measures.get(Measures.EDIT_DISTANCE), 1e-12);
        assertEquals((1 + 0.75) / 3, measures.get(Measures.ROUGE_L), 1e-12);
        assertEquals(200.0 / 3, measures.get(Measures.PERCENT_APPROX_MEMORIZED), 1e-12);
        assertEquals(100.0 / 3, result.percentMemorized(), 1e-12);
        assertEquals(0, new MemorizationResult(0, 0, 0, Map.of(), List.of()).approximateMeasures().get(Measures.ROUGE_L));
        assertThrows(IllegalArgumentException.class, () -> new MemorizationResult(2, 0, 0, Map.of(), matches));
    }
}
