package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.data.FetchedBrown;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.eval.Scorecard;
import org.tinymem.util.Progress;

/** The tiny language memorizer memorizes, and unlearning it (BalancedSubnet, ga, npo) lowers memorization, measured by perplexity. */
class TinyLanguageMemorizerTest {
    @Test
    void itMemorizesNoisyChunksAndBalancedSubnetRemovesThem() {
        try (NDManager manager = NDManager.newBaseManager();
             TinyMemorizer tiny = TinyMemorizer.language(FetchedBrown.orFail(), manager, Progress.silent())) {
            Map<String, Double> measures = LanguageMeasures.INSTANCE.measure(tiny.model(), tiny.data());
            assertTrue(measures.get(LanguageMeasures.PERCENT_MEMORIZED) >= 50, "memorizes most probes: " + measures);
            assertTrue(measures.get(LanguageMeasures.PERPLEXITY) > 1, measures.toString());
            Unlearning.Baseline baseline = Unlearning.Baseline.of(tiny.model(), tiny.data(), LanguageMeasures.INSTANCE, 0, 0);
            assertEquals(measures, baseline.measures());
            var options = new UnlearnMethods.Options(0.1, 10, 0.5, 10.0, 0, null, UnlearnTokens.CONTINUATION,
                    ForgetLoss.UNLIKELIHOOD, null, null);
            try (Unlearning.Result result = Unlearning.apply(tiny.model(), tiny.data(), baseline,
                    UnlearnMethods.create("balanced-subnet", options))) {
                Scorecard.Row row = result.row();
                System.out.println("tiny language memorizer, balanced-subnet: " + row);
                assertEquals("perplexity", row.performanceMeasure());
                assertTrue(row.memorizedAfter() < row.memorizedBefore(), "memorization fell: " + row);
                assertTrue(Double.isFinite(row.performanceAfter()), row.toString());
            }
            // the fine-tuning baselines (issue #16) run through the sliced head on the 50,257-token vocabulary too
            for (String baselineMethod : java.util.List.of("ga", "npo")) {
                try (Unlearning.Result result = Unlearning.apply(tiny.model(), tiny.data(), baseline,
                        UnlearnMethods.create(baselineMethod, UnlearnMethods.Options.defaults()))) {
                    Scorecard.Row row = result.row();
                    System.out.println("tiny language memorizer, " + baselineMethod + ": " + row);
                    assertTrue(row.memorizedAfter() < row.memorizedBefore(), baselineMethod + ": memorization fell: " + row);
                    assertTrue(Double.isFinite(row.performanceAfter()), row.toString());
                }
            }
        }
    }
}
