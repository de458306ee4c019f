package org.tinymem.model.neox;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Generator;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.model.HalfPrecision;
import org.tinymem.model.Intervention;
import org.tinymem.model.KvCache;
import org.tinymem.model.ModelFiles;
import org.tinymem.model.Models;
import org.tinymem.unlearn.neuron.MlpUnits;

class NeoxModelTest {
    private static final int[] TOKENS = {3, 17, 42, 0, 8, 8, 25, 49, 11, 30, 2, 19};

    @TempDir
    Path dir;

    /**
     * A checkpoint written by the library (random weights, every tensor non-trivial) loads through
     * {@link Models#load} and computes what HF's GPT-NeoX computes, per the plain-double reference.
     */
    @ParameterizedTest(name = "rotary_pct={0} parallel={1} tied={2} bias={3} {4} shard={5}")
    @CsvSource({
        "0.25, true,  false, true,  F32, 0",
        "1.0,  false, false, true,  F32, 0",
        "0.25, false, false, true,  F32, 30000",
        "1.0,  true,  false, true,  F32, 30000",
        "0.25, true,  false, true,  F16, 0",
        "1.0,  false, false, true,  F16, 15000",
        "0.5,  true,  true,  false, F32, 0",
    })
    void loadedCheckpointMatchesTheReferenceForward(double rotaryPct, boolean parallel, boolean tied, boolean bias, String dtype,
                                                    long shardBytes) {
        NeoxConfig config = NeoxReference.small(rotaryPct, parallel, tied, bias);
        Map<String, float[]> weights = NeoxReference.randomWeights(config, 11);
        try (NDManager manager = NDManager.newBaseManager()) {
            try (GptNeoX model = GptNeoX.fromParameters(config, weights, manager)) {
                NeoxFiles.save(model, dir, Map.of("note", "test"), dtype, shardBytes);
            }
            assertEquals(shardBytes > 0, dir.resolve("model.safetensors.index.json").toFile().isFile(), "sharded iff asked");
            assertEquals("gpt_neox", Models.modelType(dir));
            if (dtype.equals("F16")) weights.replaceAll((name, values) -> roundToHalf(values));
            try (CausalLm loaded = Models.load(dir, manager)) {
                assertInstanceOf(GptNeoX.class, loaded);
                float[] logits = loaded.logits(ids(manager, TOKENS), Intervention.NONE).toFloatArray();
                assertClose(NeoxReference.logits(config, weights, TOKENS), logits, 1e-4);
            }
        }
    }

    @Test
    void gptNeoXUsesExactErfGelu() {
        float[] x = {-3f, -1.5f, -0.5f, 0f, 0.7f, 1f, 2.5f};
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] y = Activation.gelu(manager.create(x)).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(NeoxReference.gelu(x[i]), y[i], 1e-6, "exact GELU at " + x[i]);
            }
            // The tanh approximation differs by 1.5e-4 at x = 1; DJL's gelu must not be it.
            double tanhApprox = 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715)));
            assertTrue(Math.abs(tanhApprox - y[5]) > 1e-4, "DJL gelu is the tanh approximation");
        }
    }

    @Test
    void cachedDecodingTokenByTokenAndInChunksMatchesTheFullForward() {
        NeoxConfig config = NeoxReference.small(0.25, true, false, true);
        try (NDManager manager = NDManager.newBaseManager();
             GptNeoX model = GptNeoX.fromParameters(config, NeoxReference.randomWeights(config, 5), manager)) {
            float[] full = model.logits(ids(manager, TOKENS), Intervention.NONE).toFloatArray();
            for (int[] chunks : new int[][] {{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {5, 4, 3}, {1, 7, 4}}) {
                List<Float> cached = new ArrayList<>();
                try (KvCache cache = model.newCache()) {
                    int start = 0;
                    for (int chunk : chunks) {
                        try (NDScope ignored = new NDScope()) {
                            NDArray step = model.logits(ids(manager, Arrays.copyOfRange(TOKENS, start, start + chunk)), cache);
                            for (float v : step.toFloatArray()) cached.add(v);
                            cache.keep(chunk);
                        }
                        start += chunk;
                    }
                }
                for (int i = 0; i < full.length; i++) {
                    assertEquals(full[i], cached.get(i), 1e-4, "chunks " + Arrays.toString(chunks) + " value " + i);
                }
            }
            // nextTokenLogits projects only the last position, with the same values.
            try (KvCache cache = model.newCache()) {
                float[] next = model.nextTokenLogits(ids(manager, TOKENS), cache).toFloatArray();
                assertArrayEquals(Arrays.copyOfRange(full, full.length - config.vocabSize(), full.length), next, 1e-5f);
            }
        }
    }

    /** A forward creates nothing in the model's manager (long evaluation loops would otherwise grow it). */
    @Test
    void forwardPassesLeaveTheModelsManagerAsItWas() {
        NeoxConfig config = NeoxReference.small(0.25, true, false, true);
        try (NDManager manager = NDManager.newBaseManager(); NDManager data = NDManager.newBaseManager();
             GptNeoX model = GptNeoX.fromParameters(config, NeoxReference.randomWeights(config, 5), manager)) {
            int before = ((ai.djl.ndarray.BaseNDManager) model.manager()).getManagedArrays().size();
            model.logits(ids(data, TOKENS), Intervention.NONE);
            try (KvCache cache = model.newCache()) {
                model.nextTokenLogits(ids(data, TOKENS), cache);
                cache.keep(TOKENS.length);
                model.nextTokenLogits(ids(data, new int[] {4}), cache);
            }
            assertEquals(before, ((ai.djl.ndarray.BaseNDManager) model.manager()).getManagedArrays().size());
        }
    }

    @Test
    void greedyGenerationWithTheCacheMatchesRecomputation() {
        NeoxConfig config = NeoxReference.small(1.0, false, false, true);
        try (NDManager manager = NDManager.newBaseManager();
             GptNeoX model = GptNeoX.fromParameters(config, NeoxReference.randomWeights(config, 8), manager)) {
            int[] prompt = Arrays.copyOf(TOKENS, 6);
            int[] generated = Generator.greedy(model, List.of(prompt, Arrays.copyOfRange(TOKENS, 6, 12)), 10)[0];
            int[] sequence = Arrays.copyOf(prompt, prompt.length + 10);
            for (int t = 0; t < 10; t++) {
                int length = prompt.length + t;
                NDArray logits = model.logits(ids(manager, Arrays.copyOf(sequence, length)), Intervention.NONE);
                sequence[length] = (int) logits.get(new NDIndex("0, -1, :")).argMax().toType(DataType.INT64, false).getLong();
                assertEquals(sequence[length], generated[t], "token " + t);
            }
        }
    }

    @Test
    void saveLoadRoundTripIsExactAndCopiesAreIndependent() {
        try (NDManager manager = NDManager.newBaseManager();
             GptNeoX model = GptNeoX.initialize(NeoxReference.small(0.25, true, false, true), 3, manager)) {
            Models.save(model, dir, Map.of());
            float[] expected = model.logits(ids(manager, TOKENS), Intervention.NONE).toFloatArray();
            try (CausalLm loaded = Models.load(dir, manager)) {
                assertArrayEquals(expected, loaded.logits(ids(manager, TOKENS), Intervention.NONE).toFloatArray(), 0f);
                for (String name : model.parameters().keySet()) {
                    assertArrayEquals(model.parameters().get(name).toFloatArray(), loaded.parameters().get(name).toFloatArray(), 0f, name);
                }
            }
            try (GptNeoX copy = model.copy()) {
                copy.parameters().get("gpt_neox.layers.0.mlp.dense_h_to_4h.weight").muli(0);
                assertArrayEquals(expected, model.logits(ids(manager, TOKENS), Intervention.NONE).toFloatArray(), 0f);
                assertFalse(Arrays.equals(expected, copy.logits(ids(manager, TOKENS), Intervention.NONE).toFloatArray()));
            }
            assertArrayEquals(expected, model.logits(ids(manager, TOKENS), Intervention.NONE).toFloatArray(), 0f, "copy closed");
        }
    }

    @Test
    void sameSeedGivesTheSameModelAndTheInitFollowsItsScales() {
        NeoxConfig config = NeoxConfig.tinyPythia(4);
        try (NDManager manager = NDManager.newBaseManager();
             GptNeoX a = GptNeoX.initialize(config, 7, manager);
             GptNeoX b = GptNeoX.initialize(config, 7, manager)) {
            assertEquals(config.parameterCount(), a.parameterCount());
            for (String name : a.parameters().keySet()) {
                assertArrayEquals(a.parameters().get(name).toFloatArray(), b.parameters().get(name).toFloatArray(), 0f, name);
            }
            double std = config.initializerRange();
            assertEquals(std, sd(a.parameters().get("gpt_neox.layers.0.mlp.dense_h_to_4h.weight").toFloatArray()), std * 0.05);
            assertEquals(std / Math.sqrt(8), sd(a.parameters().get("gpt_neox.layers.1.attention.dense.weight").toFloatArray()),
                    std / Math.sqrt(8) * 0.05);
            for (float g : a.parameters().get("gpt_neox.final_layer_norm.weight").toFloatArray()) assertEquals(1f, g);
            for (float z : a.parameters().get("gpt_neox.layers.2.attention.query_key_value.bias").toFloatArray()) assertEquals(0f, z);
        }
    }

    /** Gradients through the forward (rotary, attention, GELU, LayerNorm) agree with finite differences of the fp64 reference. */
    @Test
    void gradientsMatchFiniteDifferencesOfTheReference() {
        NeoxConfig config = NeoxReference.small(0.5, true, false, true);
        Map<String, float[]> weights = NeoxReference.randomWeights(config, 21);
        int[] tokens = Arrays.copyOf(TOKENS, 8);
        Random random = new Random(4);
        float[] probe = new float[tokens.length * config.vocabSize()];
        for (int i = 0; i < probe.length; i++) probe[i] = (float) random.nextGaussian();
        Map<String, Integer> entries = Map.of("gpt_neox.layers.0.attention.query_key_value.weight", 5 * 32 + 1,
                "gpt_neox.layers.1.mlp.dense_h_to_4h.weight", 700, "gpt_neox.layers.0.input_layernorm.weight", 3,
                "embed_out.weight", 33);
        try (NDManager manager = NDManager.newBaseManager(); GptNeoX model = GptNeoX.fromParameters(config, weights, manager)) {
            Map<String, Float> gradients = new HashMap<>();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.logits(ids(manager, tokens), Intervention.NONE);
                collector.backward(logits.mul(manager.create(probe, logits.getShape())).sum());
            }
            entries.forEach((name, index) -> {
                try (NDArray gradient = model.parameters().get(name).getGradient()) {
                    gradients.put(name, gradient.toFloatArray()[index]);
                }
            });
            double h = 1e-4;
            entries.forEach((name, index) -> {
                float original = weights.get(name)[index];
                weights.get(name)[index] = (float) (original + h);
                double plus = probed(NeoxReference.logits(config, weights, tokens), probe);
                weights.get(name)[index] = (float) (original - h);
                double minus = probed(NeoxReference.logits(config, weights, tokens), probe);
                weights.get(name)[index] = original;
                // the ± steps are float32-rounded: divide by the step actually taken
                double step = (double) (float) (original + h) - (double) (float) (original - h);
                double finite = (plus - minus) / step;
                assertTrue(Math.abs(finite) > 1e-3, name + ": the probe should depend on this weight");
                assertEquals(finite, gradients.get(name), 2e-3 * Math.max(1, Math.abs(finite)), name);
            });
        }
    }

    @Test
    void neuronAblationZeroesTheUnitsInputRowsAndSilencesThem() {
        NeoxConfig config = NeoxReference.small(0.25, true, false, true);
        int[] units = {3, 17, 127};
        try (NDManager manager = NDManager.newBaseManager();
             GptNeoX model = GptNeoX.fromParameters(config, NeoxReference.randomWeights(config, 2), manager)) {
            assertEquals(128, MlpUnits.width(model));
            float[][] before = mlpHidden(model, manager);
            MlpUnits.ablate(model, 1, units);
            float[] weight = model.parameters().get("gpt_neox.layers.1.mlp.dense_h_to_4h.weight").toFloatArray();
            float[] bias = model.parameters().get("gpt_neox.layers.1.mlp.dense_h_to_4h.bias").toFloatArray();
            for (int unit = 0; unit < 128; unit++) {
                boolean ablated = contains(units, unit);
                boolean zeroRow = true; // compared numerically: Mask.zero multiplies, so entries may be −0
                for (int i = 0; i < 32; i++) zeroRow &= weight[unit * 32 + i] == 0f;
                assertEquals(ablated, zeroRow, "row " + unit + " of dense_h_to_4h");
                assertEquals(ablated, bias[unit] == 0f, "bias " + unit);
            }
            float[][] after = mlpHidden(model, manager);
            assertArrayEquals(before[0], after[0], 0f, "layer 0 untouched");
            int silenced = 0;
            for (int at = 0; at < after[1].length; at++) {
                if (contains(units, at % 128)) {
                    assertTrue(after[1][at] == 0f, "ablated unit " + at % 128 + " at position " + at / 128);
                    if (before[1][at] != 0f) silenced++;
                } else {
                    assertEquals(before[1][at], after[1][at], 0f, "unit " + at % 128 + " at position " + at / 128);
                }
            }
            assertTrue(silenced > TOKENS.length, "the ablated units were active before");
        }
    }

    /** The GELU units of each block (after the activation), recorded through the hook. */
    private static float[][] mlpHidden(CausalLm model, NDManager manager) {
        float[][] hidden = new float[model.layers()][];
        Intervention recorder = new Intervention() {
            @Override
            public NDArray mlpHidden(int layer, NDArray h) {
                hidden[layer] = h.toFloatArray();
                return h;
            }
        };
        model.logits(ids(manager, TOKENS), recorder);
        return hidden;
    }

    @Test
    void gpt2DirectoriesStillLoadThroughModels() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt gpt = Gpt.initialize(GptConfig.math(2), 1, manager)) {
            ModelFiles.save(gpt, dir, Map.of());
            assertEquals("gpt2", Models.modelType(dir));
            int[] tokens = {10, 1, 2, 12, 3};
            try (CausalLm loaded = Models.load(dir, manager)) {
                assertInstanceOf(Gpt.class, loaded);
                assertArrayEquals(gpt.logits(ids(manager, tokens), Intervention.NONE).toFloatArray(),
                        loaded.logits(ids(manager, tokens), Intervention.NONE).toFloatArray(), 0f);
            }
        }
    }

    @Test
    void pythiaParameterCountsFollowFromTheirShapes() {
        // vocab, hidden, heads, layers, intermediate as in the released configs
        NeoxConfig pythia28 = new NeoxConfig(50_304, 2560, 32, 32, 10_240, 2048, 0.25, 10_000, 1e-5, true, false, true, 0, 0,
                "float16", -1, 0.02);
        NeoxConfig pythia69 = new NeoxConfig(50_432, 4096, 32, 32, 16_384, 2048, 0.25, 10_000, 1e-5, true, false, true, 0, 0,
                "float16", -1, 0.02);
        assertEquals(2_775_208_960L, pythia28.parameterCount());
        assertEquals(6_857_302_016L, pythia69.parameterCount());
        assertEquals(20, pythia28.rotaryDims());
        assertEquals(32, pythia69.rotaryDims());
    }

    static NDArray ids(NDManager manager, int[] tokens) {
        long[] values = Arrays.stream(tokens).asLongStream().toArray();
        return manager.create(values, new Shape(1, tokens.length));
    }

    private static boolean contains(int[] values, int value) {
        return Arrays.stream(values).anyMatch(v -> v == value);
    }

    private static float[] roundToHalf(float[] values) {
        float[] rounded = new float[values.length];
        for (int i = 0; i < values.length; i++) rounded[i] = HalfPrecision.halfToFloat(HalfPrecision.toHalf(values[i]));
        return rounded;
    }

    private static void assertClose(double[][] expected, float[] actual, double tolerance) {
        int vocab = expected[0].length;
        assertEquals(expected.length * vocab, actual.length);
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(expected[t][v] - actual[t * vocab + v]));
        }
        assertTrue(worst <= tolerance, "largest logit difference " + worst + " > " + tolerance);
    }

    private static double probed(double[][] logits, float[] probe) {
        double sum = 0;
        int vocab = logits[0].length;
        for (int t = 0; t < logits.length; t++) {
            for (int v = 0; v < vocab; v++) sum += logits[t][v] * probe[t * vocab + v];
        }
        return sum;
    }

    private static double sd(float[] values) {
        double mean = 0;
        for (float v : values) mean += v;
        mean /= values.length;
        double variance = 0;
        for (float v : values) variance += (v - mean) * (v - mean);
        return Math.sqrt(variance / values.length);
    }
}
