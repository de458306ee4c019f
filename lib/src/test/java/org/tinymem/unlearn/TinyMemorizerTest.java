package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.util.Progress;

class TinyMemorizerTest {

    @Test
    void memorizesMostNoiseRowsAndMarksTheirContinuationsAsArtifacts() {
        try (NDManager manager = NDManager.newBaseManager(); TinyMemorizer tiny = TinyMemorizer.train(manager, Progress.silent())) {
            Map<String, Double> measures = MathMeasures.INSTANCE.measure(tiny.model(), tiny.data());
            assertTrue(measures.get(MathMeasures.PERCENT_MEMORIZED) >= 75, "memorizes ≥ 6 of 8: " + measures);
            assertTrue(measures.get(MathMeasures.ACCURACY) > 0, "accuracy is measured on held-out rows: " + measures);
            // the paper's measures first, the approximate ones of the same generations last
            java.util.List<String> keys = java.util.List.copyOf(measures.keySet());
            assertEquals(java.util.List.of(Measures.PERCENT_MEMORIZED, Measures.PERCENT_CORRECT, MathMeasures.ACCURACY), keys.subList(0, 3));
            assertEquals(java.util.List.of(Measures.EXTRACTION_STRENGTH, Measures.TOKEN_MATCH, Measures.EDIT_DISTANCE,
                    Measures.ROUGE_L, Measures.PERCENT_APPROX_MEMORIZED), keys.subList(keys.size() - 5, keys.size()));
            assertTrue(measures.get(Measures.PERCENT_APPROX_MEMORIZED) >= measures.get(Measures.PERCENT_MEMORIZED), "an exact copy is an approximate one");
            assertTrue(measures.get(Measures.EXTRACTION_STRENGTH) >= measures.get(Measures.PERCENT_MEMORIZED) / 100);

            UnlearnSets sets = tiny.sets();
            assertEquals(TinyMemorizer.CLEAN_ROWS, sets.retain().size(), "every clean row is retained");
            assertTrue(sets.unlearn().size() >= 6);
            for (int[] roles : sets.roles()) {
                long artifacts = Arrays.stream(roles).filter(r -> r == UnlearnSets.ARTIFACT).count();
                assertTrue(artifacts >= 25, "a random continuation differs from add-7 in most tokens: " + artifacts);
                assertEquals(UnlearnSets.PROMPT, roles[0]);
            }
            for (int[] test : tiny.data().testByTask().get("add7")) {
                assertTrue(tiny.data().train().stream().noneMatch(row -> Arrays.equals(row.tokens(), test)), "held out");
            }
            System.out.println("TinyMemorizer: " + measures);
        }
    }
}
