package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The TinyMem GPT-2-style model (§2.3, Table 4), readable top to bottom like nanoGPT. Parameters use
 * HuggingFace GPT-2 names and layouts (Conv1D weights are (in, out), so {@code y = x·W + b}), which
 * lets {@code model.safetensors} load in HF tools as is.
 */
public final class Gpt implements CausalLm {
    private final GptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;

    private Gpt(GptConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = parameters;
        parameters.values().forEach(p -> p.setRequiresGradient(true));
    }

    /**
     * A freshly initialised model (SPEC §1): weights and embeddings ~ N(0, s/√d), the two residual
     * output projections ("c_proj") ~ N(0, s/√d/√(2·layers)), biases 0, LayerNorms (1, 0). Drawn with
     * a Java RNG so the same seed gives the same model on every engine and thread count.
     */
    public static Gpt initialize(GptConfig config, long seed, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Random random = new Random(seed);
        double std = config.initScale() / Math.sqrt(config.embedDim());
        double projStd = std / Math.sqrt(2.0 * config.layers());
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : shapes(config).entrySet()) {
            String name = entry.getKey();
            long[] shape = entry.getValue();
            int size = (int) Safetensors.elementCount(shape);
            float[] values = new float[size];
            if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.endsWith("ln_f.weight")) {
                java.util.Arrays.fill(values, 1f);
            } else if (!name.endsWith(".bias")) {
                double s = name.endsWith("c_proj.weight") ? projStd : std;
                for (int i = 0; i < size; i++) values[i] = (float) (random.nextGaussian() * s);
            }
            params.put(name, AlignedTensors.of(manager, values, new Shape(shape)));
        }
        return new Gpt(config, manager, params);
    }

    /** A model with the given parameters (e.g. read from a file); every expected name must be present with its shape. */
    public static Gpt fromParameters(GptConfig config, Map<String, float[]> values, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : shapes(config).entrySet()) {
            float[] data = values.get(entry.getKey());
            if (data == null) {
                manager.close();
                throw new IllegalArgumentException("model file lacks tensor '" + entry.getKey() + "'");
            }
            if (data.length != Safetensors.elementCount(entry.getValue())) {
                manager.close();
                throw new IllegalArgumentException("tensor '" + entry.getKey() + "' has " + data.length
                        + " values, expected shape " + java.util.Arrays.toString(entry.getValue()));
            }
            params.put(entry.getKey(), AlignedTensors.of(manager, data, new Shape(entry.getValue())));
        }
        return new Gpt(config, manager, params);
    }

    /** Every parameter name and shape, in file order (HF GPT-2 naming). */
    public static Map<String, long[]> shapes(GptConfig config) {
        long d = config.embedDim();
        long m = config.mlpDim();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("transformer.wte.weight", new long[] {config.vocabSize(), d});
        shapes.put("transformer.wpe.weight", new long[] {config.contextLength(), d});
        for (int l = 0; l < config.layers(); l++) {
            String p = "transformer.h." + l + ".";
            shapes.put(p + "ln_1.weight", new long[] {d});
            shapes.put(p + "ln_1.bias", new long[] {d});
            shapes.put(p + "attn.c_attn.weight", new long[] {d, 3 * d});
            shapes.put(p + "attn.c_attn.bias", new long[] {3 * d});
            shapes.put(p + "attn.c_proj.weight", new long[] {d, d});
            shapes.put(p + "attn.c_proj.bias", new long[] {d});
            shapes.put(p + "ln_2.weight", new long[] {d});
            shapes.put(p + "ln_2.bias", new long[] {d});
            shapes.put(p + "mlp.c_fc.weight", new long[] {d, m});
            shapes.put(p + "mlp.c_fc.bias", new long[] {m});
            shapes.put(p + "mlp.c_proj.weight", new long[] {m, d});
            shapes.put(p + "mlp.c_proj.bias", new long[] {d});
        }
        shapes.put("transformer.ln_f.weight", new long[] {d});
        shapes.put("transformer.ln_f.bias", new long[] {d});
        return shapes;
    }

    public GptConfig config() {
        return config;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return java.util.Collections.unmodifiableMap(parameters);
    }

    @Override
    public NDArray logits(NDArray tokens, Intervention intervention) {
        return project(hidden(tokens, intervention), intervention);
    }

    @Override
    public NDArray hidden(NDArray tokens, Intervention intervention) {
        return forward(tokens, intervention, null);
    }

    @Override
    public NDArray outputEmbedding(Intervention intervention) {
        return w("transformer.wte.weight", intervention); // tied LM head
    }

    @Override
    public NDArray logits(NDArray tokens, KvCache cache) {
        return project(forward(tokens, Intervention.NONE, cache), Intervention.NONE);
    }

    /** Only the last position is projected: a 50,257-way head over a whole prompt is what decoding must avoid. */
    @Override
    public NDArray nextTokenLogits(NDArray tokens, KvCache cache) {
        NDArray hidden = forward(tokens, Intervention.NONE, cache);
        return project(hidden.get(new NDIndex(":, -1:, :")), Intervention.NONE).squeeze(1);
    }

    @Override
    public KvCache newCache() {
        return new KvCache(config.layers());
    }

    /** The final hidden states (after ln_f), shape (batch, time, d). */
    private NDArray forward(NDArray tokens, Intervention iv, KvCache cache) {
        long batch = tokens.getShape().get(0);
        long time = tokens.getShape().get(1);
        int offset = cache == null ? 0 : cache.length();
        if (offset + time > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + (offset + time) + " tokens exceeds the context length "
                    + config.contextLength());
        }
        int d = config.embedDim();
        NDArray positions = tokens.getManager().arange(offset, offset + (int) time, 1, DataType.INT64);
        NDArray x = embed(tokens, w("transformer.wte.weight", iv)).add(embed(positions, w("transformer.wpe.weight", iv)));
        NDArray causalMask = time > 1 ? CausalMask.of(tokens.getManager(), (int) time, offset) : null;
        for (int l = 0; l < config.layers(); l++) {
            String p = "transformer.h." + l + ".";
            // Attention: pre-LayerNorm, causal, scaled by 1/sqrt(head_dim).
            NDArray h = layerNorm(x, p + "ln_1", iv);
            NDArray qkv = linear(h, p + "attn.c_attn", iv);
            var parts = qkv.split(3, 2);
            NDArray q = heads(parts.get(0), batch, time);
            NDArray k = heads(parts.get(1), batch, time);
            NDArray v = heads(parts.get(2), batch, time);
            if (cache != null) {
                NDArray[] kv = cache.append(l, k, v);
                k = kv[0];
                v = kv[1];
            }
            NDArray scores = Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(config.headDim()));
            if (causalMask != null) scores = scores.add(causalMask);
            NDArray attended = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, time, d);
            x = x.add(linear(attended, p + "attn.c_proj", iv));
            // MLP: pre-LayerNorm, width 4d, ReLU; the hidden units are a hook point for neuron methods.
            NDArray hidden = iv.mlpHidden(l, Activation.relu(linear(layerNorm(x, p + "ln_2", iv), p + "mlp.c_fc", iv)));
            x = x.add(linear(hidden, p + "mlp.c_proj", iv));
        }
        return layerNorm(x, "transformer.ln_f", iv);
    }

    private NDArray w(String name, Intervention iv) {
        return iv.weight(name, parameters.get(name));
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray linear(NDArray x, String prefix, Intervention iv) {
        return x.matMul(w(prefix + ".weight", iv)).add(w(prefix + ".bias", iv));
    }

    private NDArray layerNorm(NDArray x, String prefix, Intervention iv) {
        return LayerNorm.layerNorm(x, new Shape(config.embedDim()), w(prefix + ".weight", iv), w(prefix + ".bias", iv),
                (float) config.layerNormEps()).singletonOrThrow();
    }

    private NDArray heads(NDArray x, long batch, long time) {
        return x.reshape(batch, time, config.heads(), config.headDim()).transpose(0, 2, 1, 3);
    }

    /** Conv1D layout (in, out): a unit is a column of {@code c_fc.weight} and a row of {@code c_proj.weight}. */
    @Override
    public MlpUnitLayout mlpUnits(int layer) {
        String p = "transformer.h." + layer + ".mlp.";
        return new MlpUnitLayout(p + "c_fc.weight", 1, p + "c_fc.bias", p + "c_proj.weight", 0);
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
        return config.contextLength();
    }

    @Override
    public int padToken() {
        return config.padToken();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** Trainable parameters counted from the arrays (the tied head is one tensor). */
    public long parameterCount() {
        return parameters.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    @Override
    public Gpt copy() {
        NDManager copyManager = manager.getParentManager().newSubManager();
        Map<String, NDArray> copies = new LinkedHashMap<>();
        parameters.forEach((name, array) -> {
            NDArray copy = array.duplicate(); // a native clone, in PyTorch-allocated memory (AlignedTensors)
            copy.attach(copyManager);
            copies.put(name, copy);
        });
        return new Gpt(config, copyManager, copies);
    }

    @Override
    public void close() {
        manager.close();
    }
}
