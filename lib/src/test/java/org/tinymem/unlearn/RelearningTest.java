package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.model.Gpt;

/** The relearning test (issue #16): fine-tune an edited model on clean rows and see what memorization comes back. */
class RelearningTest {

    @Test
    void recoveredPercentIsTheShareOfTheRemovedMemorizationThatCameBack() {
        assertEquals(25, Relearning.recoveredPercent(100, 0, 25), 1e-12);
        assertEquals(0, Relearning.recoveredPercent(80, 20, 20), 1e-12);
        assertEquals(-50, Relearning.recoveredPercent(60, 20, 0), 1e-12, "clean fine-tuning can remove more");
        assertTrue(Double.isNaN(Relearning.recoveredPercent(50, 50, 37.5)), "an edit that removed nothing has nothing to recover");
        assertThrows(IllegalArgumentException.class, () -> new Relearning.Params(0, 32, 0));
    }

    @Test
    void anEditedTinyMemorizerIsFineTunedOnCleanRowsAndMeasuredAgain() {
        MemorizingModel fixture = MemorizingModel.get();
        Map<String, Double> before = MathMeasures.INSTANCE.measure(fixture.model, fixture.data);
        Unlearner ga = UnlearnMethods.create("ga", new UnlearnMethods.Options(null, 2, null, 1e-3, 0));
        try (Edit edit = ga.unlearn(fixture.model, fixture.sets)) {
            Map<String, Double> afterEdit = MathMeasures.INSTANCE.measure(edit.model(), fixture.data);
            Map<String, float[]> edited = MemorizingModel.snapshot((Gpt) edit.model());
            Relearning.Result result = Relearning.run((Gpt) edit.model(), fixture.data, MathMeasures.INSTANCE,
                    TinyMemorizer.training(0), Relearning.Params.defaults(), before, afterEdit);
            System.out.printf("relearning after ga: %% memorized %.1f → %.1f → %.1f, recovered %.1f %%, %d steps, %.2f s%n",
                    before.get(Measures.PERCENT_MEMORIZED), afterEdit.get(Measures.PERCENT_MEMORIZED), result.percentMemorized(),
                    result.recoveredPercent(), result.steps(), result.seconds());
            assertEquals(50, result.steps());
            assertTrue(Double.isFinite(result.recoveredPercent()));
            assertEquals(result.percentMemorized(), result.after().get(Measures.PERCENT_MEMORIZED));
            assertTrue(result.percentMemorized() >= 0 && result.percentMemorized() <= 100);
            Map<String, float[]> relearned = MemorizingModel.snapshot((Gpt) edit.model());
            assertTrue(edited.keySet().stream().anyMatch(n -> !java.util.Arrays.equals(edited.get(n), relearned.get(n))),
                    "relearning changed the edited model");
        }
    }
}
