package org.tinymem.model.neox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.model.AlignedTensors;
import org.tinymem.model.CausalLm;
import org.tinymem.model.CausalMask;
import org.tinymem.model.Intervention;
import org.tinymem.model.KvCache;
import org.tinymem.model.MlpUnitLayout;
import org.tinymem.model.Safetensors;

/**
 * A GPT-NeoX causal language model (Pythia) with the semantics of HuggingFace's
 * {@code GPTNeoXForCausalLM} ({@code modeling_gpt_neox.py}), readable top to bottom like {@link
 * org.tinymem.model.Gpt}. Parameter names and layouts are HF's, so a Pythia {@code model.safetensors}
 * loads as is: {@code nn.Linear} weights are (out, in) and compute {@code y = x·Wᵀ + b}.
 *
 * <p>Per block: {@code ln1 → query_key_value} whose 3·d outputs are laid out per head, (heads,
 * 3·headDim) = [q_h | k_h | v_h] for each head h (not [all q | all k | all v] as in GPT-2); rotary
 * embeddings ({@link Rotary}) on the first {@code rotary_ndims} dimensions of q and k; causal
 * attention scaled by 1/√headDim; {@code dense}. The MLP is {@code ln2 → dense_h_to_4h → GELU (exact,
 * erf) → dense_4h_to_h}. With a parallel residual (Pythia) a block computes
 * {@code x + attn(ln1(x)) + mlp(ln2(x))}; otherwise {@code x = x + attn(ln1(x)); x = x + mlp(ln2(x))}.
 * Every parameter use goes through {@link Intervention#weight}, and the MLP units after GELU through
 * {@link Intervention#mlpHidden}, so weight- and neuron-level methods apply unchanged.
 *
 * <p>DJL's {@link Activation#gelu} on the PyTorch engine is {@code torch.nn.functional.gelu} with its
 * default {@code approximate='none'}, i.e. the exact erf form HF's "gelu" names; a test pins this.
 */
public final class GptNeoX implements CausalLm {
    private static final String EMBED_IN = "gpt_neox.embed_in.weight";
    private static final String EMBED_OUT = "embed_out.weight";
    private static final String FINAL_NORM = "gpt_neox.final_layer_norm";

    private final NeoxConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final Rotary rotary;

    private GptNeoX(NeoxConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = parameters;
        this.rotary = new Rotary(config.rotaryDims(), config.rotaryBase(), config.maxPositions(), manager);
        parameters.values().forEach(p -> p.setRequiresGradient(true));
    }

    /**
     * A freshly initialised model, as HF's {@code _init_weights} with the GPT-2 residual scaling that
     * TinyMem's {@code Gpt} uses: weights and embeddings ~ N(0, initializer_range), the two residual
     * output projections ({@code attention.dense}, {@code mlp.dense_4h_to_h}) ~ N(0,
     * initializer_range/√(2·layers)), biases 0, LayerNorms (1, 0). Drawn with a Java RNG so the same
     * seed gives the same model on every engine and thread count.
     */
    public static GptNeoX initialize(NeoxConfig config, long seed, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Random random = new Random(seed);
        double std = config.initializerRange();
        double projStd = std / Math.sqrt(2.0 * config.layers());
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : shapes(config).entrySet()) {
            String name = entry.getKey();
            float[] values = new float[Math.toIntExact(Safetensors.elementCount(entry.getValue()))];
            if (name.contains("layernorm.weight") || name.equals(FINAL_NORM + ".weight")) {
                Arrays.fill(values, 1f);
            } else if (!name.endsWith(".bias")) {
                boolean residualOutput = name.endsWith("attention.dense.weight") || name.endsWith("mlp.dense_4h_to_h.weight");
                double s = residualOutput ? projStd : std;
                for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * s);
            }
            params.put(name, AlignedTensors.of(manager, values, new Shape(entry.getValue())));
        }
        return new GptNeoX(config, manager, params);
    }

    /** A model with the given parameters; every expected name must be present with its number of values. */
    public static GptNeoX fromParameters(NeoxConfig config, Map<String, float[]> values, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> entry : shapes(config).entrySet()) {
                float[] data = values.get(entry.getKey());
                if (data == null) throw new IllegalArgumentException("GPT-NeoX parameters lack tensor '" + entry.getKey() + "'");
                if (data.length != Safetensors.elementCount(entry.getValue())) {
                    throw new IllegalArgumentException("tensor '" + entry.getKey() + "' has " + data.length
                            + " values, expected shape " + Arrays.toString(entry.getValue()));
                }
                params.put(entry.getKey(), AlignedTensors.of(manager, data, new Shape(entry.getValue())));
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new GptNeoX(config, manager, params);
    }

    /**
     * A model that takes ownership of arrays already created under {@code manager} (a sub-manager the
     * caller made for this model): loaders create each parameter as soon as it is read, so no second
     * full copy of the weights is ever held. Names and shapes must be exactly {@link #shapes}.
     */
    public static GptNeoX ofArrays(NeoxConfig config, Map<String, NDArray> arrays, NDManager manager) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : shapes(config).entrySet()) {
            NDArray array = arrays.get(entry.getKey());
            if (array == null) throw new IllegalArgumentException("GPT-NeoX parameters lack tensor '" + entry.getKey() + "'");
            if (!Arrays.equals(array.getShape().getShape(), entry.getValue())) {
                throw new IllegalArgumentException("tensor '" + entry.getKey() + "' has shape " + array.getShape()
                        + ", expected " + Arrays.toString(entry.getValue()));
            }
            params.put(entry.getKey(), array);
        }
        return new GptNeoX(config, manager, params);
    }

    /** Every parameter name and shape, in HF's order ({@code GPTNeoXForCausalLM.state_dict()} minus buffers). */
    public static Map<String, long[]> shapes(NeoxConfig config) {
        long d = config.hiddenSize();
        long m = config.intermediateSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(EMBED_IN, new long[] {config.vocabSize(), d});
        for (int l = 0; l < config.layers(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {d});
            shapes.put(p + "input_layernorm.bias", new long[] {d});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
            shapes.put(p + "post_attention_layernorm.bias", new long[] {d});
            shapes.put(p + "attention.query_key_value.weight", new long[] {3 * d, d});
            if (config.attentionBias()) shapes.put(p + "attention.query_key_value.bias", new long[] {3 * d});
            shapes.put(p + "attention.dense.weight", new long[] {d, d});
            if (config.attentionBias()) shapes.put(p + "attention.dense.bias", new long[] {d});
            shapes.put(p + "mlp.dense_h_to_4h.weight", new long[] {m, d});
            shapes.put(p + "mlp.dense_h_to_4h.bias", new long[] {m});
            shapes.put(p + "mlp.dense_4h_to_h.weight", new long[] {d, m});
            shapes.put(p + "mlp.dense_4h_to_h.bias", new long[] {d});
        }
        shapes.put(FINAL_NORM + ".weight", new long[] {d});
        shapes.put(FINAL_NORM + ".bias", new long[] {d});
        if (!config.tieWordEmbeddings()) shapes.put(EMBED_OUT, new long[] {config.vocabSize(), d});
        return shapes;
    }

    public NeoxConfig config() {
        return config;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public NDArray logits(NDArray tokens, Intervention intervention) {
        return project(hidden(tokens, intervention), intervention);
    }

    @Override
    public NDArray hidden(NDArray tokens, Intervention intervention) {
        return forward(tokens, intervention, null);
    }

    /** {@code embed_out.weight}, or {@code embed_in.weight} when {@code tie_word_embeddings} is set. */
    @Override
    public NDArray outputEmbedding(Intervention intervention) {
        return w(config.tieWordEmbeddings() ? EMBED_IN : EMBED_OUT, intervention);
    }

    /**
     * hidden · outputEmbeddingᵀ through torch's linear: the interface default's {@code transpose()}
     * view would be owned by the parameters' manager and pile up there, one per call.
     */
    @Override
    public NDArray project(NDArray hidden, Intervention intervention) {
        return Linear.linear(hidden, outputEmbedding(intervention)).singletonOrThrow();
    }

    @Override
    public NDArray logits(NDArray tokens, KvCache cache) {
        return project(forward(tokens, Intervention.NONE, cache), Intervention.NONE);
    }

    /** Only the last position is projected: a 50k-way head over a whole prompt is what decoding must avoid. */
    @Override
    public NDArray nextTokenLogits(NDArray tokens, KvCache cache) {
        NDArray hidden = forward(tokens, Intervention.NONE, cache);
        return project(hidden.get(new NDIndex(":, -1:, :")), Intervention.NONE).squeeze(1);
    }

    @Override
    public KvCache newCache() {
        return new KvCache(config.layers());
    }

    /** The final hidden states (after final_layer_norm), shape (batch, time, d). */
    private NDArray forward(NDArray tokens, Intervention iv, KvCache cache) {
        long time = tokens.getShape().get(1);
        int offset = cache == null ? 0 : cache.length();
        if (offset + time > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + (offset + time) + " tokens exceeds max_position_embeddings "
                    + config.maxPositions());
        }
        NDArray x = Embedding.embedding(tokens, w(EMBED_IN, iv), SparseFormat.DENSE).singletonOrThrow();
        NDArray causalMask = time > 1 ? CausalMask.of(tokens.getManager(), (int) time, offset) : null;
        for (int l = 0; l < config.layers(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            NDArray attention = attention(layerNorm(x, p + "input_layernorm", iv), l, p, iv, cache, offset, causalMask);
            if (config.parallelResidual()) {
                x = x.add(attention).add(mlp(layerNorm(x, p + "post_attention_layernorm", iv), l, p, iv));
            } else {
                x = x.add(attention);
                x = x.add(mlp(layerNorm(x, p + "post_attention_layernorm", iv), l, p, iv));
            }
        }
        return layerNorm(x, FINAL_NORM, iv);
    }

    /** Causal self-attention of block {@code layer} on normalised input (batch, time, d). */
    private NDArray attention(NDArray h, int layer, String p, Intervention iv, KvCache cache, int offset, NDArray causalMask) {
        long batch = h.getShape().get(0);
        long time = h.getShape().get(1);
        int headDim = config.headDim();
        // (batch, time, 3d) → (batch, heads, time, 3·headDim): each head's slice is [q | k | v].
        NDArray qkv = linear(h, p + "attention.query_key_value", iv)
                .reshape(batch, time, config.heads(), 3L * headDim).transpose(0, 2, 1, 3);
        NDList parts = qkv.split(3, 3);
        NDArray q = rotary.apply(parts.get(0), offset);
        NDArray k = rotary.apply(parts.get(1), offset);
        NDArray v = parts.get(2);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        NDArray scores = org.tinymem.model.Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(headDim));
        if (causalMask != null) scores = scores.add(causalMask);
        NDArray attended = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, time, config.hiddenSize());
        return linear(attended, p + "attention.dense", iv);
    }

    /** The MLP of block {@code layer}; its GELU units are the hook point for neuron methods. */
    private NDArray mlp(NDArray h, int layer, String p, Intervention iv) {
        NDArray units = iv.mlpHidden(layer, Activation.gelu(linear(h, p + "mlp.dense_h_to_4h", iv)));
        return linear(units, p + "mlp.dense_4h_to_h", iv);
    }

    private NDArray w(String name, Intervention iv) {
        return iv.weight(name, parameters.get(name));
    }

    /**
     * {@code nn.Linear}: x·Wᵀ (+ b where the layer has a bias), through torch's own {@code linear} so
     * the (out, in) weight is used as stored.
     */
    private NDArray linear(NDArray x, String prefix, Intervention iv) {
        NDArray weight = w(prefix + ".weight", iv);
        NDList y = parameters.containsKey(prefix + ".bias") ? Linear.linear(x, weight, w(prefix + ".bias", iv)) : Linear.linear(x, weight);
        return y.singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String prefix, Intervention iv) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), w(prefix + ".weight", iv), w(prefix + ".bias", iv),
                (float) config.layerNormEps()).singletonOrThrow();
    }

    /** {@code nn.Linear} layout (out, in): a unit is a row of {@code dense_h_to_4h.weight} and a column of {@code dense_4h_to_h.weight}. */
    @Override
    public MlpUnitLayout mlpUnits(int layer) {
        String p = "gpt_neox.layers." + layer + ".mlp.";
        return new MlpUnitLayout(p + "dense_h_to_4h.weight", 0, p + "dense_h_to_4h.bias", p + "dense_4h_to_h.weight", 1);
    }

    @Override
    public int layers() {
        return config.layers();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return config.maxPositions();
    }

    @Override
    public int padToken() {
        return config.padToken();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** Trainable parameters counted from the arrays. */
    public long parameterCount() {
        return parameters.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    @Override
    public GptNeoX copy() {
        NDManager copyManager = manager.getParentManager().newSubManager();
        Map<String, NDArray> copies = new LinkedHashMap<>();
        parameters.forEach((name, array) -> {
            NDArray copy = array.duplicate(); // a native clone: no float[] round trip through the Java heap
            copy.attach(copyManager);
            copies.put(name, copy);
        });
        return new GptNeoX(config, copyManager, copies);
    }

    @Override
    public void close() {
        manager.close();
    }
}
