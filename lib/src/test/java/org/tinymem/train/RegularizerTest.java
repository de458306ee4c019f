package org.tinymem.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.data.MathData;
import org.tinymem.data.MathTask;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.model.Gpt;
import org.tinymem.model.Intervention;
import org.tinymem.util.Progress;

class RegularizerTest {
    @TempDir
    Path dir;

    // ---- spectral norm ----

    @Test
    void spectralNormEstimateConvergesToTheLargestSingularValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // A known spectrum: diag(5, 3, 1) inside a 4 × 6 matrix.
            float[] diagonal = new float[4 * 6];
            diagonal[0] = 5;
            diagonal[6 + 1] = 3;
            diagonal[12 + 2] = 1;
            // A random matrix, compared with a power iteration run to convergence in double precision.
            Random random = new Random(3);
            float[] dense = new float[9 * 7];
            for (int i = 0; i < dense.length; i++) dense[i] = (float) random.nextGaussian();
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            parameters.put("transformer.h.0.mlp.c_fc.weight", manager.create(diagonal, new Shape(4, 6)));
            parameters.put("transformer.h.0.mlp.c_proj.weight", manager.create(dense, new Shape(9, 7)));
            parameters.put("transformer.h.0.mlp.c_fc.bias", manager.create(new float[6]));
            SpectralNorm norm = new SpectralNorm(parameters, 1, 0.1, 0, manager);
            assertEquals(2, norm.matrixCount(), "biases are not regularized");
            float[] sigmas = null;
            for (int step = 0; step < 200; step++) sigmas = norm.sigmas().toFloatArray();
            assertEquals(5.0, sigmas[0], 1e-4);
            assertEquals(largestSingularValue(dense, 9, 7), sigmas[1], 1e-3);
            assertEquals(0.05 * (sigmas[0] + sigmas[1]), norm.penalty().getFloat(), 1e-3);
        }
    }

    @Test
    void spectralNormSplitsAttentionIntoQueryKeyValueHeads() {
        int d = 8;
        int heads = 2;
        int headDim = d / heads;
        Random random = new Random(5);
        float[] attention = new float[d * 3 * d];
        for (int i = 0; i < attention.length; i++) attention[i] = (float) random.nextGaussian();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpectralNorm norm = new SpectralNorm(Map.of("transformer.h.0.attn.c_attn.weight",
                    manager.create(attention, new Shape(d, 3 * d))), heads, 0.01, 1, manager);
            assertEquals(3 * heads, norm.matrixCount());
            float[] sigmas = null;
            for (int step = 0; step < 300; step++) sigmas = norm.sigmas().toFloatArray();
            // Matrix k = (part s, head h) is columns s·d + h·headDim … + headDim of the (d, 3d) Conv1D weight.
            for (int k = 0; k < 3 * heads; k++) {
                float[] block = new float[d * headDim];
                for (int r = 0; r < d; r++) {
                    System.arraycopy(attention, r * 3 * d + k * headDim, block, r * headDim, headDim);
                }
                assertEquals(largestSingularValue(block, d, headDim), sigmas[k], 1e-3, "matrix " + k);
            }
        }
    }

    @Test
    void spectralNormPenaltyAloneGivesGradientsToWeightMatricesOnly() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(TrainerTest.tiny(2), 0, manager)) {
            SpectralNorm norm = new SpectralNorm(model.parameters(), model.config().heads(), 0.01, 0, manager);
            assertEquals(2 * (3 * 4 + 3), norm.matrixCount());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(norm.penalty());
            }
            model.parameters().forEach((name, parameter) -> {
                try (NDArray gradient = parameter.getGradient()) {
                    double size = gradient.abs().sum().getFloat();
                    if (SpectralNorm.penalized(name, parameter)) assertTrue(size > 0, name + " got no gradient");
                    else assertEquals(0, size, 0, name + " is not regularized");
                }
            });
        }
    }

    /**
     * The quick spectral-norm run (λ = 0.01) diverged after 1,264 steps: AdamW turns the penalty's
     * small but steady gradient into full-size steps, so the heads of the last attention layer
     * collapsed towards zero. Here the penalty alone drives weights with AdamW for many steps, at
     * normal, tiny and huge scales: σ must stay finite, non-negative and close to the true value.
     */
    @Test
    void spectralNormStaysFiniteWhenThePenaltyAloneDrivesTheWeights() {
        for (float scale : new float[] {1f, 1e-20f, 1e20f}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Random random = new Random(11);
                float[] attention = new float[16 * 48];
                for (int i = 0; i < attention.length; i++) attention[i] = scale * (float) random.nextGaussian();
                float[] projection = new float[64 * 16];
                for (int i = 0; i < projection.length; i++) projection[i] = scale * (float) random.nextGaussian();
                Map<String, NDArray> parameters = new LinkedHashMap<>();
                parameters.put("transformer.h.0.attn.c_attn.weight", manager.create(attention, new Shape(16, 48)));
                parameters.put("transformer.h.0.mlp.c_proj.weight", manager.create(projection, new Shape(64, 16)));
                parameters.values().forEach(p -> p.setRequiresGradient(true));
                SpectralNorm norm = new SpectralNorm(parameters, 4, 0.01, 0, manager);
                try (AdamW optimizer = new AdamW(parameters, manager, 0.9, 0.98, 1e-8, 0.1)) {
                    for (int step = 0; step < 3000; step++) {
                        try (ai.djl.ndarray.NDScope ignored = new ai.djl.ndarray.NDScope();
                             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray penalty = norm.penalty();
                            float value = penalty.getFloat();
                            assertTrue(Float.isFinite(value) && value >= 0, "scale " + scale + ", step " + step + ": penalty " + value);
                            collector.backward(penalty);
                        }
                        optimizer.step(2e-3);
                    }
                }
                // One iteration per step lags behind weights that move; with the weights still, it converges.
                float[] sigmas = null;
                for (int iteration = 0; iteration < 200; iteration++) sigmas = norm.sigmas().toFloatArray();
                float[] weights = parameters.get("transformer.h.0.mlp.c_proj.weight").toFloatArray();
                double truth = largestSingularValue(weights, 64, 16);
                float[] current = norm.currentSigmas();
                assertEquals(sigmas[sigmas.length - 1], current[current.length - 1], 1e-4 * truth, "currentSigmas agrees");
                for (float sigma : sigmas) assertTrue(Float.isFinite(sigma) && sigma >= 0, "scale " + scale + ": σ " + sigma);
                assertEquals(truth, sigmas[sigmas.length - 1], 1e-3 * truth, "scale " + scale);
            }
        }
    }

    private static double largestSingularValue(float[] a, int rows, int cols) {
        double[] v = new double[cols];
        Arrays.fill(v, 1);
        double sigma = 0;
        for (int iteration = 0; iteration < 5000; iteration++) {
            double[] u = new double[rows];
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) u[r] += a[r * cols + c] * v[c];
            double[] next = new double[cols];
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) next[c] += a[r * cols + c] * u[r];
            double norm = Math.sqrt(Arrays.stream(next).map(x -> x * x).sum());
            for (int c = 0; c < cols; c++) v[c] = next[c] / norm;
            sigma = Math.sqrt(norm);
        }
        return sigma;
    }

    // ---- loss truncation ----

    @Test
    void lossTruncationDropsNothingUntilTheBufferIsFullThenExactlyTheShare() {
        LossTruncation truncation = new LossTruncation(0.1, 200);
        Random random = new Random(7);
        for (int batch = 0; batch < 19; batch++) {
            boolean[] keep = truncation.keep(randomLosses(random, 10, 0));
            for (boolean k : keep) assertTrue(k, "nothing is dropped before the buffer is full");
        }
        // A batch as large as the buffer: the quantile is over exactly these losses.
        float[] losses = randomLosses(random, 200, 0);
        boolean[] keep = truncation.keep(losses);
        assertEquals(20, dropped(keep));
        float[] sorted = losses.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < losses.length; i++) assertEquals(losses[i] <= sorted[179], keep[i], "the largest 10% go");
        // Over a long stream of losses from one distribution, about 10% are dropped.
        int droppedTotal = 0;
        for (int batch = 0; batch < 400; batch++) droppedTotal += dropped(truncation.keep(randomLosses(random, 10, 0)));
        assertEquals(0.1, droppedTotal / 4000.0, 0.02);
        // Outliers are what goes.
        float[] mixed = randomLosses(random, 10, 0);
        mixed[3] = 100;
        assertFalse(truncation.keep(mixed)[3]);
    }

    @Test
    void lossTruncationBufferSurvivesASaveAndRestore() {
        LossTruncation truncation = new LossTruncation(0.05, 50);
        Random random = new Random(8);
        for (int batch = 0; batch < 7; batch++) truncation.keep(randomLosses(random, 10, batch));
        LossTruncation restored = new LossTruncation(0.05, 50);
        restored.restore(truncation.state());
        assertArrayEquals(truncation.recent(), restored.recent());
        float[] next = randomLosses(random, 10, 3);
        assertArrayEquals(truncation.keep(next), restored.keep(next));
        assertThrows(IllegalArgumentException.class, () -> new LossTruncation(1.0));
        assertThrows(IllegalArgumentException.class, () -> new LossTruncation(0));
    }

    private static float[] randomLosses(Random random, int count, double shift) {
        float[] losses = new float[count];
        for (int i = 0; i < count; i++) losses[i] = (float) (shift + random.nextDouble());
        return losses;
    }

    private static int dropped(boolean[] keep) {
        int count = 0;
        for (boolean k : keep) count += k ? 0 : 1;
        return count;
    }

    // ---- example-tied dropout ----

    @Test
    void exampleTiedMasksAreFixedPerExampleAndDifferAcrossExamples() {
        ExampleTiedDropout dropout = new ExampleTiedDropout(2, 500, 0.1, 0.2, 3);
        assertEquals(100, dropout.generalizationUnits());
        float[][] first = dropout.mask(7);
        assertTrue(Arrays.deepEquals(first, dropout.mask(7)), "the same example id gets the same mask every epoch");
        assertFalse(Arrays.deepEquals(first, dropout.mask(8)), "different ids get different masks");
        int kept = 0;
        for (float[] layer : first) {
            for (int unit = 0; unit < 100; unit++) assertEquals(1f, layer[unit], "generalization units are always on");
            for (int unit = 100; unit < 500; unit++) kept += (int) layer[unit];
        }
        assertEquals(0.1, kept / 800.0, 0.04, "memorization units kept with probability p_mem");
    }

    @Test
    void exampleTiedInterventionUsesEachRowsOwnMaskInAnyBatchOrder() {
        ExampleTiedDropout dropout = new ExampleTiedDropout(1, 10, 0.5, 0.2, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ones = manager.ones(new Shape(2, 3, 10));
            TrainRow a = new TrainRow(new int[] {1}, 11, TrainRow.Kind.CLEAN);
            TrainRow b = new TrainRow(new int[] {1}, 12, TrainRow.Kind.NOISE);
            float[] ab = dropout.intervention(List.of(a, b)).mlpHidden(0, ones).toFloatArray();
            float[] ba = dropout.intervention(List.of(b, a)).mlpHidden(0, ones).toFloatArray();
            for (int t = 0; t < 3; t++) {
                assertArrayEquals(dropout.mask(11)[0], Arrays.copyOfRange(ab, t * 10, t * 10 + 10));
                assertArrayEquals(dropout.mask(11)[0], Arrays.copyOfRange(ba, 30 + t * 10, 30 + t * 10 + 10));
                assertArrayEquals(dropout.mask(12)[0], Arrays.copyOfRange(ab, 30 + t * 10, 30 + t * 10 + 10));
            }
        }
    }

    @Test
    void exampleTiedEvaluationDropsTheMemorizationUnitsAndRescales() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(TrainerTest.tiny(2), 0, manager)) {
            ExampleTiedDropout dropout = ExampleTiedDropout.of(model, 0.05, 0);
            float[] scale = dropout.evaluationScale();
            int generalization = dropout.generalizationUnits();
            assertEquals(51, generalization);
            assertEquals(1.25f, scale[0], 1e-6);
            assertEquals(0f, scale[generalization]);
            NDArray tokens = manager.create(new long[] {10, 1, 2, 12, 3, 4, 11}, new Shape(1, 7));
            float[] trained = model.logits(tokens, Intervention.NONE).toFloatArray();
            List<float[]> hidden = new ArrayList<>();
            try (org.tinymem.model.CausalLm deployed = dropout.deployed(model)) {
                float[] logits = deployed.logits(tokens, new Intervention() {
                    @Override
                    public NDArray mlpHidden(int layer, NDArray h) {
                        hidden.add(h.toFloatArray());
                        return h;
                    }
                }).toFloatArray();
                NDArray scaleArray = manager.create(scale);
                float[] expected = model.logits(tokens, new Intervention() {
                    @Override
                    public NDArray mlpHidden(int layer, NDArray h) {
                        return h.mul(scaleArray);
                    }
                }).toFloatArray();
                assertArrayEquals(expected, logits, 1e-4f);
            }
            for (float[] layer : hidden) {
                double generalizationActivity = 0;
                for (int i = 0; i < layer.length; i++) {
                    int unit = i % 256;
                    if (unit >= generalization) assertEquals(0f, layer[i], "memorization unit " + unit + " is dropped");
                    else generalizationActivity += layer[i];
                }
                assertTrue(generalizationActivity > 0);
            }
            assertArrayEquals(trained, model.logits(tokens, Intervention.NONE).toFloatArray(),
                    "the deployed copy leaves the trained model untouched");
        }
    }

    // ---- in the trainer ----

    @Test
    void everyRegularizerTrainsRecordsItsTimeAndResumesExactly() {
        TinyMemData data = MathData.build(Profile.SMOKE.mathData(MathTask.Operation.ADD, Artifact.Kind.NOISE, 0));
        List<TrainRow> rows = data.train().subList(0, 96);
        TrainConfig config = new TrainConfig(3, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 0, 1.0, 1, 1, 4);
        Evaluator evaluator = model -> Map.of("loss", 0.0);
        for (String name : List.of(SpectralNorm.NAME, LossTruncation.NAME, ExampleTiedDropout.NAME)) {
            Map<String, float[]> uninterrupted;
            double seconds;
            try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(TrainerTest.tiny(1), 2, manager)) {
                Trainer.Result result = new Trainer(config, evaluator, dir.resolve(name + "-full"), Progress.silent())
                        .withRegularizer(create(name, model)).train(model, rows);
                seconds = result.last().metrics().get(Trainer.REGULARIZER_SECONDS);
                assertTrue(seconds > 0, name + " time is recorded");
                if (name.equals(SpectralNorm.NAME)) {
                    assertTrue(result.last().metrics().get(SpectralNorm.SIGMA_SUM) > 0, "Σσ is recorded");
                    assertTrue(result.last().metrics().get(SpectralNorm.SIGMA_MAX) > 0, "max σ is recorded");
                }
                uninterrupted = snapshot(model);
            }
            Path run = dir.resolve(name + "-interrupted");
            try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(TrainerTest.tiny(1), 2, manager)) {
                Trainer trainer = new Trainer(config, evaluator, run, Progress.silent()).withRegularizer(create(name, model))
                        .onEpoch(epoch -> {
                            if (epoch == 2) throw new IllegalStateException("simulated crash");
                        });
                assertThrows(IllegalStateException.class, () -> trainer.train(model, rows));
            }
            try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(TrainerTest.tiny(1), 2, manager)) {
                Trainer.Result resumed = new Trainer(config, evaluator, run, Progress.silent())
                        .withRegularizer(create(name, model)).train(model, rows);
                assertTrue(resumed.resumed());
                assertTrue(resumed.last().metrics().get(Trainer.REGULARIZER_SECONDS) > 0);
                Map<String, float[]> after = snapshot(model);
                for (String parameter : uninterrupted.keySet()) {
                    assertArrayEquals(uninterrupted.get(parameter), after.get(parameter), 0f, name + ": " + parameter);
                }
            }
        }
    }

    private static Regularizer create(String name, Gpt model) {
        return switch (name) {
            case SpectralNorm.NAME -> new SpectralNorm(model.parameters(), model.config().heads(), 0.1, 0, model.manager());
            case LossTruncation.NAME -> new LossTruncation(0.1, 40);
            default -> ExampleTiedDropout.of(model, 0.1, 0);
        };
    }

    private static Map<String, float[]> snapshot(Gpt model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.parameters().forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }

    /** Spectral norm's normalisation floors (max|x| and ‖x‖ clamped from below) survive the collector. */
    @Test
    void spectralNormalizationGradientDoesNotReadFreedConstants() {
        float[] x = {3f, -4f, 0.5f, 1e-3f, 2f, 2f};
        Shape shape = new Shape(2, 3);
        java.util.function.Function<NDArray, NDArray> unit = a -> SpectralNorm.normalize(a, null)
                .mul(a.getManager().create(new float[] {1f, 2f, 3f, -1f, 0.5f, 4f}, shape));
        float[] calm = org.tinymem.model.FreedMemory.gradient(x, shape, unit, false);
        for (float g : calm) assertTrue(Float.isFinite(g) && g != 0, Arrays.toString(calm));
        assertArrayEquals(calm, org.tinymem.model.FreedMemory.gradient(x, shape, unit, true));
    }
}
