package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Memorization;
import org.tinymem.model.Gpt;

/** The relearning test (issue #16): fine-tune an edited model a little and see what memorization comes back. */
class RelearningTest {

    @Test
    void recoveredPercentIsTheShareOfTheRemovedMemorizationThatCameBack() {
        assertEquals(25, Relearning.recoveredPercent(100, 0, 25), 1e-12);
        assertEquals(0, Relearning.recoveredPercent(80, 20, 20), 1e-12);
        assertEquals(-50, Relearning.recoveredPercent(60, 20, 0), 1e-12, "clean fine-tuning can remove more");
        assertTrue(Double.isNaN(Relearning.recoveredPercent(50, 50, 37.5)), "an edit that removed nothing has nothing to recover");
        assertThrows(IllegalArgumentException.class, () -> new Relearning.Params(0, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new Relearning.Params(5, 8, 0, Relearning.Data.CLEAN, 0));
        assertThrows(IllegalArgumentException.class, () -> new Relearning.Params(5, 8, 0, Relearning.Data.CLEAN, Double.NaN));
        assertEquals(Relearning.Data.FORGET_HALF, Relearning.Data.parse("forget-half"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Relearning.Data.parse("forget"));
        assertTrue(unknown.getMessage().contains("clean or forget-half"), unknown.getMessage());
        assertEquals(0.1, Relearning.Params.defaults(Relearning.Data.FORGET_HALF).learningRateScale());
    }

    @Test
    void theForgetHalfSplitIsSeededDisjointAndCoversEveryMemorizedProbe() {
        List<MemorizationProbe> probes = MemorizingModel.get().data.probes();
        Relearning.Split split = Relearning.split(probes, 3);
        assertEquals((probes.size() + 1) / 2, split.seen().size());
        assertEquals(probes.size() - split.seen().size(), split.heldOut().size());
        Set<MemorizationProbe> all = new HashSet<>(split.seen());
        split.heldOut().forEach(p -> assertTrue(all.add(p), "a probe in both halves"));
        assertEquals(new HashSet<>(probes), all);
        assertEquals(split, Relearning.split(probes, 3), "the same seed, the same halves");
        assertNotEquals(split.seen(), Relearning.split(probes, 4).seen(), "another seed, another split");
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> Relearning.split(probes.subList(0, 1), 0));
        assertTrue(one.getMessage().contains("at least 2 memorized probes"), one.getMessage());
    }

    @Test
    void anEditedTinyMemorizerIsFineTunedOnCleanRowsAndMeasuredAgain() {
        MemorizingModel fixture = MemorizingModel.get();
        Map<String, Double> before = MathMeasures.INSTANCE.measure(fixture.model, fixture.data);
        Unlearner ga = UnlearnMethods.create("ga", new UnlearnMethods.Options(null, 2, null, 1e-3, 0));
        try (Edit edit = ga.unlearn(fixture.model, fixture.sets)) {
            Map<String, Double> afterEdit = MathMeasures.INSTANCE.measure(edit.model(), fixture.data);
            Map<String, float[]> edited = MemorizingModel.snapshot((Gpt) edit.model());
            Relearning.Result result = Relearning.run((Gpt) edit.model(), fixture.data, List.of(), MathMeasures.INSTANCE,
                    TinyMemorizer.training(0), new Relearning.Params(50, 32, 0), before, afterEdit);
            System.out.printf("relearning after ga: %% memorized %.1f → %.1f → %.1f, recovered %.1f %%, %d steps, %.2f s%n",
                    before.get(Measures.PERCENT_MEMORIZED), afterEdit.get(Measures.PERCENT_MEMORIZED), result.percentMemorized(),
                    result.recoveredPercent(), result.steps(), result.seconds());
            assertEquals(50, result.steps());
            assertEquals(0, result.heldOutProbes());
            assertEquals(afterEdit.get(Measures.PERCENT_MEMORIZED), result.editedPercentMemorized());
            assertTrue(Double.isFinite(result.recoveredPercent()));
            assertEquals(result.percentMemorized(), result.after().get(Measures.PERCENT_MEMORIZED));
            assertTrue(result.percentMemorized() >= 0 && result.percentMemorized() <= 100);
            Map<String, float[]> relearned = MemorizingModel.snapshot((Gpt) edit.model());
            assertTrue(edited.keySet().stream().anyMatch(n -> !java.util.Arrays.equals(edited.get(n), relearned.get(n))),
                    "relearning changed the edited model");
        }
    }

    /**
     * Targeted relearning trains on the seen half of the memorized rows only: the held-out half is measured, and
     * training on the seen half brings some seen rows back (what the test rests on), whatever it does to the held-out half.
     */
    @Test
    void targetedRelearningTrainsOnHalfTheMemorizedRowsAndMeasuresTheOtherHalf() {
        MemorizingModel fixture = MemorizingModel.get();
        List<MemorizationProbe> memorized = fixture.sets.unlearnProbes(fixture.data.probes());
        assertTrue(memorized.size() >= 4, "the fixture memorizes " + memorized.size());
        Map<String, Double> before = MathMeasures.INSTANCE.measure(fixture.model, fixture.data);
        Unlearner ga = UnlearnMethods.create("ga", new UnlearnMethods.Options(null, 2, null, 1e-3, 0));
        try (Edit edit = ga.unlearn(fixture.model, fixture.sets)) {
            Map<String, Double> afterEdit = MathMeasures.INSTANCE.measure(edit.model(), fixture.data);
            Relearning.Params params = new Relearning.Params(30, 8, 1, Relearning.Data.FORGET_HALF, 1.0);
            Relearning.Split split = Relearning.split(memorized, 1);
            int seenEdited = Memorization.memorizedProbes(edit.model(), split.seen()).size();
            double heldOutEdited = 100.0 * Memorization.memorizedProbes(edit.model(), split.heldOut()).size() / split.heldOut().size();
            Relearning.Result result = Relearning.run(edit.model(), fixture.data, memorized, MathMeasures.INSTANCE,
                    TinyMemorizer.training(0), params, before, afterEdit);
            System.out.printf("targeted relearning after ga: held-out %.1f → %.1f %%, recovered %.1f %%, all probes %.1f %%%n",
                    result.editedPercentMemorized(), result.percentMemorized(), result.recoveredPercent(),
                    result.after().get(Measures.PERCENT_MEMORIZED));
            assertEquals(split.heldOut().size(), result.heldOutProbes());
            assertEquals(heldOutEdited, result.editedPercentMemorized(), 1e-9);
            double heldOutAfter = 100.0 * Memorization.memorizedProbes(edit.model(), split.heldOut()).size() / split.heldOut().size();
            assertEquals(heldOutAfter, result.percentMemorized(), 1e-9, "measured on the held-out half");
            assertEquals(Relearning.recoveredPercent(100, heldOutEdited, heldOutAfter), result.recoveredPercent(), 1e-9);
            assertTrue(Memorization.memorizedProbes(edit.model(), split.seen()).size() > seenEdited,
                    "training on the seen rows brings some of them back");
        }
    }
}
