package org.tinymem.unlearn.baseline;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinymem.eval.Accuracy;
import org.tinymem.eval.Memorization;
import org.tinymem.experiment.Sweep;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.EpochLadder;
import org.tinymem.unlearn.LabeledBatch;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/** The fine-tuning baselines ga, gd and npo (issue #16) on hand-made values and on the TinyMemorizer fixture. */
class BaselinesTest {
    static MemorizingModel fixture;

    @BeforeAll
    static void train() {
        fixture = MemorizingModel.get();
        assertTrue(Memorization.measure(fixture.model, fixture.probes).memorized() >= 6, "the fixture memorizes");
    }

    @Test
    void npoLossIsTwoOverBetaSoftplusOfBetaTimesTheLogRatio() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Σ −log p under the model and under the reference: log π_θ − log π_ref = ref − model
            NDArray sums = manager.create(new float[] {2f, 5f, 0f});
            NDArray reference = manager.create(new float[] {3f, 5f, 1000f});
            float[] loss = NegativePreference.loss(sums, reference, 0.1).toFloatArray();
            // (2 / 0.1) · ln(1 + e^{0.1}), 20 · ln 2, and 20 · (100 + ln(1 + e^{-100})) without overflow
            assertEquals(20 * Math.log(1 + Math.exp(0.1)), loss[0], 1e-4);
            assertEquals(20 * Math.log(2), loss[1], 1e-4);
            assertEquals(2000, loss[2], 1e-2);
        }
    }

    @Test
    void gradientAscentRaisesTheForgetLoss() {
        float before = forgetLoss(fixture.model);
        Unlearner ga = UnlearnMethods.create("ga", new UnlearnMethods.Options(null, 1, null, 1e-3, 0));
        try (Edit edit = ga.unlearn(fixture.model, fixture.sets)) {
            float after = forgetLoss(edit.model());
            assertTrue(after > 3 * before, "forget loss " + before + " → " + after);
            assertEquals(1, edit.ablated(), "one epoch of 8 rows at batch 32 is one step");
            assertEquals("steps", edit.unit());
        }
    }

    static Stream<String> methods() {
        return Stream.of("ga", "gd", "npo");
    }

    @ParameterizedTest
    @MethodSource("methods")
    void eachBaselineLowersMemorizationAtItsDefaultsAndLeavesTheOriginal(String name) {
        Map<String, float[]> before = MemorizingModel.snapshot(fixture.model);
        int memorizedBefore = Memorization.measure(fixture.model, fixture.probes).memorized();
        Unlearner method = UnlearnMethods.create(name, UnlearnMethods.Options.defaults());
        try (Edit edit = method.unlearn(fixture.model, fixture.sets)) {
            int memorizedAfter = Memorization.measure(edit.model(), fixture.probes).memorized();
            System.out.printf("%s %s: memorized %d → %d of %d, accuracy %.2f → %.2f, %d steps, %.2f s%n", name, method.params(),
                    memorizedBefore, memorizedAfter, fixture.probes.size(), Accuracy.mean(Accuracy.perTask(fixture.model, fixture.data.testByTask())),
                    Accuracy.mean(Accuracy.perTask(edit.model(), fixture.data.testByTask())), edit.ablated(), edit.seconds());
            assertTrue(memorizedAfter < memorizedBefore, name + ": " + memorizedBefore + " → " + memorizedAfter);
            long rows = fixture.sets.unlearn().size() + (name.equals("npo") || name.equals("ga") ? 0 : fixture.sets.retain().size());
            assertEquals(5 * ((rows + 31) / 32), edit.ablated(), "5 epochs of batches of 32");
        }
        Map<String, float[]> after = MemorizingModel.snapshot(fixture.model);
        before.forEach((n, values) -> assertArrayEquals(values, after.get(n), 0f, "original changed: " + n));
    }

    /** One run to the largest epoch count gives every smaller count exactly (issue 17, item 1): weights and steps. */
    @ParameterizedTest
    @MethodSource("methods")
    void oneRunToTheLargestEpochCountGivesEverySmallerOneExactly(String name) {
        List<Integer> epochs = List.of(1, 3);
        EpochLadder ladder = (EpochLadder) UnlearnMethods.create(name, new UnlearnMethods.Options(null, 3, null, null, 0));
        assertTrue(UnlearnMethods.sharesEpochs(name));
        List<Edit> edits = ladder.unlearnAtEpochs(fixture.model, fixture.sets, epochs);
        try {
            for (int index = 0; index < epochs.size(); index++) {
                int i = index;
                Unlearner alone = UnlearnMethods.create(name, new UnlearnMethods.Options(null, epochs.get(i), null, null, 0));
                try (Edit separate = alone.unlearn(fixture.model, fixture.sets)) {
                    assertEquals(separate.ablated(), edits.get(i).ablated(), name + " steps at epoch " + epochs.get(i));
                    assertEquals("steps", edits.get(i).unit());
                    Map<String, float[]> expected = MemorizingModel.snapshot((Gpt) separate.model());
                    Map<String, float[]> actual = MemorizingModel.snapshot((Gpt) edits.get(i).model());
                    expected.forEach((n, values) -> assertArrayEquals(values, actual.get(n), 0f, name + " epoch " + epochs.get(i) + " " + n));
                }
            }
            assertTrue(edits.get(0).seconds() <= edits.get(1).seconds(), "each snapshot is timed from the start");
            assertFalse(java.util.Arrays.equals(MemorizingModel.snapshot((Gpt) edits.get(0).model()).values().iterator().next(),
                    MemorizingModel.snapshot((Gpt) edits.get(1).model()).values().iterator().next()),
                    "the snapshots differ (the test would pass trivially otherwise)");
        } finally {
            edits.forEach(Edit::close);
        }
        assertThrows(IllegalArgumentException.class, () -> ladder.unlearnAtEpochs(fixture.model, fixture.sets, List.of(0, 2)));
    }

    @Test
    void optionsAMethodDoesNotTakeAreErrors() {
        var ratio = new UnlearnMethods.Options(0.1, null, null, null, 0);
        for (String name : List.of("ga", "gd", "npo")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnlearnMethods.create(name, ratio));
            assertEquals("--ratio does not apply to " + name, e.getMessage());
        }
        assertEquals("--loss-weight does not apply to ga", assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("ga", new UnlearnMethods.Options(null, null, 0.5, null, 0))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnlearnMethods.create("npo", new UnlearnMethods.Options(null, null, 1.0, null, 0)));
        assertThrows(IllegalArgumentException.class, () -> UnlearnMethods.create("gd", new UnlearnMethods.Options(null, 0, null, null, 0)));
        assertEquals(0.1, ((NegativePreference) UnlearnMethods.create("npo", UnlearnMethods.Options.defaults())).params().beta());
    }

    @Test
    void theirGridIsLearningRatesTimesEpochsWithoutRatios() {
        for (String name : List.of("ga", "gd", "npo")) {
            Sweep.Grid grid = Sweep.paperGrid(name, new Sweep.Grid(List.of(), List.of(), List.of(), UnlearnMethods.Options.defaults()));
            assertEquals(9, grid.points().size());
            assertEquals(9, Sweep.methods(name, grid).size(), "every point is a valid method");
            assertTrue(grid.points().stream().allMatch(o -> o.ratio() == null));
        }
    }

    @Test
    void rowLossesOnALargeVocabularyEqualTheFullLogitsOnes() {
        GptConfig config = new GptConfig(NextTokenLoss.CHUNKED_VOCAB + 100, 150, 32, 4, 1, -1, 1e-5, 0.8);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(config, 5, manager)) {
            Random random = new Random(3);
            List<int[]> rows = List.of(random.ints(20, 0, config.vocabSize()).toArray(), random.ints(20, 0, config.vocabSize()).toArray());
            int[] roles = new int[20];
            java.util.Arrays.fill(roles, 10, 20, UnlearnSets.CONTINUATION); // the first 10 tokens are the prompt
            LabeledBatch batch = new LabeledBatch(rows, new boolean[] {true, false}, java.util.Arrays.asList(roles, null));
            RowLosses sliced = RowLosses.of(model, batch, manager);
            assertTrue(NextTokenLoss.isSliced(model));
            float[] nll = NextTokenLoss.of(model, TokenBatch.pack(manager, rows, -1), Intervention.NONE, false).nll().toFloatArray();
            double forget = 0;
            double retain = 0;
            for (int j = 0; j < 19; j++) {
                if (j + 1 >= 10) forget += nll[j]; // targets 9..18 predict tokens 10..19
                retain += nll[19 + j];
            }
            assertArrayEquals(new float[] {10, 19}, sliced.counts().toFloatArray());
            assertArrayEquals(new float[] {(float) forget, (float) retain}, sliced.sums().toFloatArray(), 1e-3f);
        }
    }

    private static float forgetLoss(CausalLm model) {
        try (NDManager manager = model.manager().newSubManager()) {
            return NextTokenLoss.mean(model, TokenBatch.pack(manager, fixture.sets.unlearn(), model.padToken())).getFloat();
        }
    }

    /** NPO's constants (β, 2/β, the softplus floor) survive the collector: d/dsums = −2·σ(β·(ref − sums)), also after reuse. */
    @Test
    void npoLossGradientDoesNotReadFreedConstants() {
        float[] sums = {1f, 2f, 5f};
        float[] reference = {2f, 2f, 1f};
        double beta = 0.1;
        java.util.function.Function<NDArray, NDArray> npo = s -> NegativePreference.loss(s, s.getManager().create(reference), beta);
        float[] calm = org.tinymem.model.FreedMemory.gradient(sums, new ai.djl.ndarray.types.Shape(3), npo, false);
        for (int i = 0; i < sums.length; i++) {
            assertEquals(-2 / (1 + Math.exp(-beta * (reference[i] - sums[i]))), calm[i], 1e-6, "row " + i);
        }
        assertArrayEquals(calm, org.tinymem.model.FreedMemory.gradient(sums, new ai.djl.ndarray.types.Shape(3), npo, true));
    }
}
