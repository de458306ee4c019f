package org.tinymem.unlearn.neuron;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinymem.eval.Memorization;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Gpt;
import org.tinymem.model.Intervention;
import org.tinymem.model.ModelFiles;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/** The five neuron methods on the {@link org.tinymem.unlearn.TinyMemorizer} fixture and against independent computations. */
class NeuronUnlearnersTest {
    static MemorizingModel fixture;
    /** The memorized rows with their prompt / continuation roles (the fixture's own sets mark every token). */
    static UnlearnSets sets;

    @BeforeAll
    static void train() {
        fixture = MemorizingModel.get();
        sets = fixture.memorizedWithRoles();
        assertTrue(sets.unlearn().size() >= 6, "the fixture memorizes");
    }

    /** Each method at a setting that bites on the tiny model (2 blocks × 256 units). */
    static Stream<NeuronUnlearner> methods() {
        return Stream.of(new Zero(new Zero.Params(0.05, 256)), new Act(new Act.Params(0.05, 64)),
                new Slim(new Slim.Params(0.05, 10, 1000, 1e-2, 64)),
                new HardConcrete(new HardConcrete.Params(0.05, 10, 1000, 1e-2, 64, 0.5, 0)),
                new IntegratedGradients(new IntegratedGradients.Params(0.05, 5, 64)));
    }

    @ParameterizedTest
    @MethodSource("methods")
    void everyMethodLowersMemorizationAblatesWhatTheRatioAsksAndLeavesTheOriginal(NeuronUnlearner method) {
        Gpt original = fixture.model;
        Map<String, float[]> before = MemorizingModel.snapshot(original);
        int memorizedBefore = Memorization.measure(original, fixture.probes).memorized();
        try (Edit edit = method.unlearn(original, sets)) {
            int memorizedAfter = Memorization.measure(edit.model(), fixture.probes).memorized();
            System.out.printf("%s: memorized %d → %d, %d neurons, %.2f s%n", method.method(), memorizedBefore, memorizedAfter,
                    edit.ablated(), edit.seconds());
            assertTrue(memorizedAfter < memorizedBefore, method.method() + ": " + memorizedBefore + " → " + memorizedAfter);
            int perLayer = (int) (0.05 * 256);
            assertEquals(2L * perLayer, edit.ablated());
            assertEquals("neurons", edit.unit());
            NeuronAblation ablation = method.lastAblation();
            assertEquals(perLayer, ablation.perLayer());
            assertEquals(perLayer, ablation.toJson().getAsJsonObject("units").getAsJsonArray("1").size(), "unlearn.json lists the units");
            for (int layer = 0; layer < 2; layer++) {
                int[] units = ablation.units().get(layer);
                assertEquals(perLayer, Arrays.stream(units).distinct().count());
                float[] weight = edit.model().parameters().get(edit.model().mlpUnits(layer).inputWeight()).toFloatArray();
                float[] bias = edit.model().parameters().get(edit.model().mlpUnits(layer).inputBias()).toFloatArray();
                for (int unit : units) {
                    assertEquals(0f, bias[unit], 0f); // −0.0 counts as zero
                    for (int i = 0; i < 64; i++) assertEquals(0f, weight[i * 256 + unit], 0f, "c_fc column " + unit);
                }
            }
        }
        Map<String, float[]> after = MemorizingModel.snapshot(original);
        before.forEach((name, values) -> assertArrayEquals(values, after.get(name), 0f, "original changed: " + name));
    }

    @Test
    void zeroScoresEqualABruteForceLoopThatAblatesEachUnitInTheWeights() {
        UnlearnSets three = new UnlearnSets(sets.unlearn().subList(0, 3), sets.retain(), sets.roles().subList(0, 3));
        // 7 rows per pass: batches of 3 rows, 2 units per pass, a last pass of one unit
        float[][] scores = new Zero(new Zero.Params(0.05, 7)).attribute(fixture.model, three);
        double original = continuationLoss(fixture.model, three);
        for (int layer = 0; layer < 2; layer++) {
            for (int unit : new int[] {0, 1, 2, 77, 128, 254, 255}) {
                try (Gpt copy = fixture.model.copy()) {
                    MlpUnits.ablate(copy, layer, new int[] {unit});
                    double expected = continuationLoss(copy, three) - original;
                    assertEquals(expected, scores[layer][unit], 2e-5 + 1e-3 * Math.abs(expected), "layer " + layer + " unit " + unit);
                }
            }
        }
    }

    /** The reference code's variant: unit j's score is the loss with only j kept in its layer, minus the original. */
    @Test
    void zeroKeepOneScoresEqualABruteForceLoopThatKeepsOneUnit() {
        UnlearnSets three = new UnlearnSets(sets.unlearn().subList(0, 3), sets.retain(), sets.roles().subList(0, 3));
        Unlearner variant = UnlearnMethods.create("zero-keep-one", new UnlearnMethods.Options(0.05, null, null, null, 0));
        assertEquals("zero-keep-one", variant.method());
        assertFalse(UnlearnMethods.names().contains("zero-keep-one"), "a diagnostic is not one of the methods");
        float[][] scores = ((Zero) variant).attribute(fixture.model, three);
        double original = continuationLoss(fixture.model, three);
        int width = MlpUnits.width(fixture.model);
        for (int layer = 0; layer < 2; layer++) {
            for (int unit : new int[] {0, 77, 255}) {
                try (Gpt copy = fixture.model.copy()) {
                    int[] others = java.util.stream.IntStream.range(0, width).filter(j -> j != unit).toArray();
                    MlpUnits.ablate(copy, layer, others);
                    double expected = continuationLoss(copy, three) - original;
                    assertEquals(expected, scores[layer][unit], 2e-5 + 1e-3 * Math.abs(expected), "layer " + layer + " unit " + unit);
                }
            }
        }
    }

    /** The reference code's Slim: LM loss over the whole row (prompt targets too), c clamped when read. */
    @Test
    void slimReferenceTrainsOnWholeRowsAndReadsClampedCoefficients() {
        ContinuationBatch batch = ContinuationBatch.of(sets, 64).get(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] continuation = batch.targetMask(manager, fixture.model).toFloatArray();
            float[] whole = batch.rowMask(manager, fixture.model).toFloatArray();
            int extra = 0;
            for (int i = 0; i < whole.length; i++) {
                assertTrue(whole[i] >= continuation[i], "every continuation target is a row target");
                extra += (int) (whole[i] - continuation[i]);
            }
            assertTrue(extra > 0, "the row mask adds the prompt targets");
        }
        UnlearnMethods.Options options = new UnlearnMethods.Options(0.05, 3, null, 0.2, 0, null, null, null, 1000.0, null);
        Unlearner variant = UnlearnMethods.create("slim-reference", options);
        assertEquals("slim-reference", variant.method());
        assertFalse(UnlearnMethods.names().contains("slim-reference"));
        float[][] reference = ((Slim) variant).attribute(fixture.model, sets);
        float[][] ours = ((Slim) UnlearnMethods.create("slim", options)).attribute(fixture.model, sets);
        boolean differs = false;
        for (int l = 0; l < reference.length; l++) {
            for (int j = 0; j < reference[l].length; j++) {
                assertTrue(reference[l][j] >= 0 && reference[l][j] <= 1, "clamped when read: " + reference[l][j]);
                differs |= reference[l][j] != ours[l][j];
            }
        }
        assertTrue(differs, "the whole-row loss and unclipped training rank differently");
    }

    /** The random control ablates as many units as the ratio asks, the same ones for a seed, others for another seed. */
    @Test
    void randomUnitsAblateTheRatiosCountChosenBySeed() {
        List<List<Integer>> chosen = new java.util.ArrayList<>();
        for (long seed : new long[] {1, 1, 2}) {
            NeuronUnlearner control = (NeuronUnlearner) UnlearnMethods.create("random-units", new UnlearnMethods.Options(0.05, null, null, null, seed));
            assertFalse(UnlearnMethods.names().contains("random-units"));
            try (Edit edit = control.unlearn(fixture.model, sets)) {
                NeuronAblation ablation = control.lastAblation();
                assertEquals((int) (0.05 * ablation.width()), ablation.perLayer());
                assertEquals(ablation.perLayer() * fixture.model.layers(), edit.ablated());
                List<Integer> units = new java.util.ArrayList<>();
                ablation.units().forEach(layer -> Arrays.stream(layer).forEach(units::add));
                chosen.add(units);
            }
        }
        assertEquals(chosen.get(0), chosen.get(1), "the same seed chooses the same units");
        assertNotEquals(chosen.get(0), chosen.get(2), "another seed chooses others");
    }

    @Test
    void igWithOneStepIsGradientTimesActivation() {
        float[][] ig = new IntegratedGradients(new IntegratedGradients.Params(0.05, 1, 4)).attribute(fixture.model, sets);
        for (int layer = 0; layer < 2; layer++) {
            float[] expected = gradientTimesActivation(fixture.model, sets, layer);
            double scale = 0;
            for (float e : expected) scale = Math.max(scale, Math.abs(e));
            assertTrue(scale > 0);
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], ig[layer][j], 1e-4 * scale, "layer " + layer + " unit " + j);
            }
        }
    }

    @Test
    void slimAndHardConcreteGatesStayInRange() {
        float[][] slim = new Slim(new Slim.Params(0.05, 3, 1000, 0.2, 64)).attribute(fixture.model, sets);
        boolean moved = false;
        for (float[] layer : slim) {
            for (float c : layer) {
                assertTrue(c >= 0 && c <= 1, "c = " + c);
                moved |= c < 1;
            }
        }
        assertTrue(moved, "the penalty pushed some coefficient below 1");
        float[][] hc = new HardConcrete(new HardConcrete.Params(0.05, 3, 1000, 0.2, 64, 0.5, 0)).attribute(fixture.model, sets);
        for (float[] layer : hc) for (float a : layer) assertTrue(a > 0 && a < 1, "σ(log α) = " + a);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logAlpha = manager.create(new float[] {-20, -2, 0, 2, 20, -20, 20});
            NDArray u = manager.create(new float[] {1e-4f, 0.3f, 0.5f, 0.7f, 1 - 1e-4f, 1 - 1e-4f, 1e-4f});
            float[] z = HardConcrete.gate(logAlpha, u).toFloatArray();
            for (float g : z) assertTrue(g >= 0 && g <= 1, "z = " + g);
            assertEquals(0f, z[0], "the stretch reaches exactly 0");
            assertEquals(1f, z[4], "… and exactly 1");
        }
    }

    @Test
    void theSparsityTermsHaveTheRightGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[][] values = {{0.5f, -0.25f, 1f}, {-2f, 0.75f, 3f}};
            List<NDArray> gates = Arrays.stream(values).map(v -> {
                NDArray a = manager.create(v);
                a.setRequiresGradient(true);
                return a;
            }).toList();
            int units = 6;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray penalty = Slim.sparsity(gates);
                assertEquals((0.5 + 0.25 + 1 + 2 + 0.75 + 3) / units, penalty.getFloat(), 1e-6);
                collector.backward(penalty);
            }
            for (int l = 0; l < 2; l++) {
                float[] gradient = gates.get(l).getGradient().toFloatArray();
                for (int j = 0; j < 3; j++) assertEquals(Math.signum(values[l][j]) / units, gradient[j], 1e-7, "d mean|c| / dc");
                gates.get(l).getGradient().subi(gates.get(l).getGradient());
            }
            double shift = HardConcrete.BETA * Math.log(-HardConcrete.LEFT / HardConcrete.RIGHT);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray l0 = HardConcrete.expectedL0(gates);
                double expected = 0;
                for (float[] layer : values) for (float a : layer) expected += sigmoid(a - shift) / units;
                assertEquals(expected, l0.getFloat(), 1e-6);
                collector.backward(l0);
            }
            for (int l = 0; l < 2; l++) {
                float[] gradient = gates.get(l).getGradient().toFloatArray();
                for (int j = 0; j < 3; j++) {
                    double s = sigmoid(values[l][j] - shift);
                    assertEquals(s * (1 - s) / units, gradient[j], 1e-7, "d E[L0] / d log α");
                }
            }
        }
    }

    @Test
    void anAblatedModelSavedAndReloadedGivesTheSameLogitsAsTheHookThatZeroesItsUnits(@TempDir Path dir) {
        NeuronUnlearner act = new Act(new Act.Params(0.05, 64));
        try (Edit edit = act.unlearn(fixture.model, sets); NDManager manager = NDManager.newBaseManager()) {
            ModelFiles.save((Gpt) edit.model(), dir, Map.of("unlearn", "act"));
            try (Gpt reloaded = ModelFiles.load(dir, manager)) {
                NDArray tokens = TokenBatch.pack(manager, sets.unlearn(), fixture.model.padToken());
                float[] edited = edit.model().logits(tokens, Intervention.NONE).toFloatArray();
                assertArrayEquals(edited, reloaded.logits(tokens, Intervention.NONE).toFloatArray(), 0f, "saved = in memory");
                List<int[]> units = act.lastAblation().units();
                float[] hooked = fixture.model.logits(tokens, new Intervention() {
                    @Override
                    public NDArray mlpHidden(int layer, NDArray hidden) {
                        float[] keep = new float[256];
                        Arrays.fill(keep, 1f);
                        for (int unit : units.get(layer)) keep[unit] = 0f;
                        return hidden.mul(hidden.getManager().create(keep));
                    }
                }).toFloatArray();
                assertArrayEquals(hooked, edited, 1e-4f, "zeroed c_fc column and bias = unit switched off");
            }
        }
    }

    @Test
    void aRatioThatRoundsToZeroUnitsAblatesNothingAndSaysSo() {
        NeuronUnlearner zero = new Zero(new Zero.Params(1e-3, 256)); // int(1e-3 · 256) = 0
        Map<String, float[]> before = MemorizingModel.snapshot(fixture.model);
        try (Edit edit = zero.unlearn(fixture.model, sets)) {
            assertEquals(0, edit.ablated());
            assertEquals(0, zero.lastAblation().perLayer());
            assertTrue(zero.lastAblation().note().contains("rounds to 0 units"), zero.lastAblation().note());
            assertEquals(zero.lastAblation().note(), zero.lastAblation().toJson().get("note").getAsString());
            MemorizingModel.snapshot((Gpt) edit.model()).forEach((name, values) ->
                    assertArrayEquals(before.get(name), values, 0f, name));
        }
    }

    /** Mean nll over every continuation target of {@code rows}, computed here without the method's helpers. */
    private static double continuationLoss(CausalLm model, UnlearnSets rows) {
        double sum = 0;
        int count = 0;
        try (NDManager scratch = model.manager().newSubManager()) {
            for (int r = 0; r < rows.unlearn().size(); r++) {
                int[] row = rows.unlearn().get(r);
                float[] nll = NextTokenLoss.of(model, TokenBatch.pack(scratch, List.of(row), model.padToken()),
                        Intervention.NONE).nll().toFloatArray();
                for (int j = 0; j + 1 < row.length; j++) {
                    if (rows.roles().get(r)[j + 1] != UnlearnSets.PROMPT) {
                        sum += nll[j];
                        count++;
                    }
                }
            }
        }
        return sum / count;
    }

    /** Σ over rows and positions of h_j · ∂F/∂h_j at block {@code layer}, with h replaced by a leaf copy of itself. */
    private static float[] gradientTimesActivation(Gpt model, UnlearnSets rows, int layer) {
        float[] total = new float[256];
        try (NDManager scratch = model.manager().newSubManager()) {
            for (int r = 0; r < rows.unlearn().size(); r++) {
                int[] row = rows.unlearn().get(r);
                int[] roles = rows.roles().get(r);
                NDArray tokens = TokenBatch.pack(scratch, List.of(row), model.padToken());
                float[] mask = new float[row.length - 1];
                for (int j = 0; j + 1 < row.length; j++) mask[j] = roles[j + 1] != UnlearnSets.PROMPT ? 1f : 0f;
                NDArray targetMask = scratch.create(mask).expandDims(0);
                NDArray[] leaf = new NDArray[1];
                for (NDArray p : model.parameters().values()) p.setRequiresGradient(false);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray f = NextTokenLoss.of(model, tokens, new Intervention() {
                        @Override
                        public NDArray mlpHidden(int l, NDArray hidden) {
                            if (l != layer) return hidden;
                            leaf[0] = hidden.stopGradient().duplicate();
                            leaf[0].setRequiresGradient(true);
                            return leaf[0];
                        }
                    }).nll().neg().exp().mul(targetMask).sum();
                    collector.backward(f);
                } finally {
                    for (NDArray p : model.parameters().values()) p.setRequiresGradient(true);
                }
                float[] product = leaf[0].mul(leaf[0].getGradient()).sum(new int[] {0, 1}).toFloatArray();
                for (int j = 0; j < total.length; j++) total[j] += product[j];
            }
        }
        return total;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
