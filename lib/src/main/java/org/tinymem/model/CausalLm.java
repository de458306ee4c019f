package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Map;

/**
 * The small surface through which measures and mitigation methods reach a model: named parameters,
 * a forward pass to logits with hook points, and a cached forward for decoding. A GPT-NeoX (Pythia)
 * model implements the same interface, so every measure and method works on both unchanged.
 */
public interface CausalLm extends AutoCloseable {

    /** All trainable parameters by (HuggingFace) name, in a fixed order. */
    Map<String, NDArray> parameters();

    /** Logits (batch, time, vocab) of int64 tokens (batch, time). */
    NDArray logits(NDArray tokens, Intervention intervention);

    /**
     * The final hidden states (batch, time, d) that the LM head turns into logits; with
     * {@link #outputEmbedding} this lets large-vocabulary losses project a few positions at a time.
     */
    NDArray hidden(NDArray tokens, Intervention intervention);

    /** The output embedding (vocab, d): logits = hidden · outputEmbedding<sup>T</sup>. */
    NDArray outputEmbedding(Intervention intervention);

    /** Logits (…, vocab) of hidden states (…, d). */
    default NDArray project(NDArray hidden, Intervention intervention) {
        return hidden.matMul(outputEmbedding(intervention).transpose());
    }

    /** Logits of the next {@code tokens} given everything already in {@code cache}; the cache grows. */
    NDArray logits(NDArray tokens, KvCache cache);

    /** Logits (batch, vocab) of the token after the last of {@code tokens}; the cache grows as in {@link #logits(NDArray, KvCache)}. */
    default NDArray nextTokenLogits(NDArray tokens, KvCache cache) {
        return logits(tokens, cache).get(new NDIndex(":, -1, :"));
    }

    /** A new, empty cache for {@link #logits(NDArray, KvCache)}. */
    KvCache newCache();

    /** The MLP parameters of every block (the default tensors that unlearning may edit, SPEC §7): names with {@code .mlp.}. */
    default List<String> mlpParameterNames() {
        return parameters().keySet().stream().filter(name -> name.contains(".mlp.")).toList();
    }

    /** Where block {@code layer}'s MLP hidden units live in {@link #parameters()} (for neuron-level methods). */
    MlpUnitLayout mlpUnits(int layer);

    /** Number of transformer blocks. */
    int layers();

    int vocabSize();

    int contextLength();

    /** The pad token excluded from loss and measures, or −1. */
    int padToken();

    /** The manager that owns the parameters. */
    NDManager manager();

    /** An independent copy (new arrays), so edits never touch the original. */
    CausalLm copy();

    @Override
    void close();
}
