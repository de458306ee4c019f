package org.tinymem.model;

import com.google.gson.JsonObject;

/**
 * Shape of a TinyMem GPT-2-style model (§2.3, Table 4): pre-LayerNorm blocks, learned positions,
 * ReLU MLP of width 4·d, biases everywhere, LM head tied to the token embedding, no dropout.
 *
 * @param vocabSize 14 (math) or 50,257 (language, GPT-2 BPE)
 * @param contextLength maximum sequence length (150)
 * @param embedDim d = n_embd (128)
 * @param heads attention heads (4)
 * @param layers transformer blocks (2, 4, 8 or 16)
 * @param padToken the pad token id excluded from loss and measures, or −1 if none
 * @param layerNormEps LayerNorm epsilon (1e-5)
 * @param initScale weights are drawn from N(0, initScale/√d) (0.8)
 */
public record GptConfig(int vocabSize, int contextLength, int embedDim, int heads, int layers, int padToken,
                        double layerNormEps, double initScale) implements ModelConfig {

    public GptConfig {
        if (vocabSize < 2) throw new IllegalArgumentException("vocabSize must be ≥ 2, got " + vocabSize);
        if (contextLength < 2) throw new IllegalArgumentException("contextLength must be ≥ 2, got " + contextLength);
        if (layers <= 0) throw new IllegalArgumentException("layers must be positive, got " + layers);
        if (heads <= 0 || embedDim <= 0 || embedDim % heads != 0) {
            throw new IllegalArgumentException("embedDim (" + embedDim + ") must be a positive multiple of heads (" + heads + ")");
        }
        if (padToken >= vocabSize) throw new IllegalArgumentException("padToken " + padToken + " is outside the vocabulary");
    }

    /** The math model (14-token vocabulary, pad = 13). */
    public static GptConfig math(int layers) {
        return new GptConfig(14, 150, 128, 4, layers, 13, 1e-5, 0.8);
    }

    /** The toy language model (GPT-2 BPE vocabulary, chunks are never padded). */
    public static GptConfig language(int layers) {
        return new GptConfig(50_257, 150, 128, 4, layers, -1, 1e-5, 0.8);
    }

    @Override
    public Gpt initialize(long seed, ai.djl.ndarray.NDManager manager) {
        return Gpt.initialize(this, seed, manager);
    }

    /** MLP width, 4·d. */
    public int mlpDim() {
        return 4 * embedDim;
    }

    public int headDim() {
        return embedDim / heads;
    }

    /** Trainable parameters with the tied head counted once (Table 4). */
    @Override
    public long parameterCount() {
        long d = embedDim;
        long perLayer = 2 * (2 * d) + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
        return (long) vocabSize * d + (long) contextLength * d + layers * perLayer + 2 * d;
    }

    /** HuggingFace GPT-2 {@code config.json} keys, so HF tools can load the model. */
    @Override
    public JsonObject toHuggingFace() {
        JsonObject json = new JsonObject();
        json.addProperty("model_type", "gpt2");
        var architectures = new com.google.gson.JsonArray();
        architectures.add("GPT2LMHeadModel");
        json.add("architectures", architectures);
        json.addProperty("vocab_size", vocabSize);
        json.addProperty("n_positions", contextLength);
        json.addProperty("n_ctx", contextLength);
        json.addProperty("n_embd", embedDim);
        json.addProperty("n_head", heads);
        json.addProperty("n_layer", layers);
        json.addProperty("n_inner", mlpDim());
        json.addProperty("activation_function", "relu");
        json.addProperty("layer_norm_epsilon", layerNormEps);
        json.addProperty("resid_pdrop", 0.0);
        json.addProperty("embd_pdrop", 0.0);
        json.addProperty("attn_pdrop", 0.0);
        json.addProperty("tie_word_embeddings", true);
        json.addProperty("initializer_range", initScale / Math.sqrt(embedDim));
        json.addProperty("tinymem_init_scale", initScale);
        json.addProperty("tinymem_pad_token_id", padToken);
        if (padToken >= 0) json.addProperty("pad_token_id", padToken);
        return json;
    }

    /** Reads a {@code config.json} written by {@link #toHuggingFace()}; names a missing key clearly. */
    public static GptConfig fromHuggingFace(JsonObject json) {
        try {
            return new GptConfig(json.get("vocab_size").getAsInt(), json.get("n_positions").getAsInt(),
                    json.get("n_embd").getAsInt(), json.get("n_head").getAsInt(), json.get("n_layer").getAsInt(),
                    json.has("tinymem_pad_token_id") ? json.get("tinymem_pad_token_id").getAsInt() : -1,
                    json.has("layer_norm_epsilon") ? json.get("layer_norm_epsilon").getAsDouble() : 1e-5,
                    json.has("tinymem_init_scale") ? json.get("tinymem_init_scale").getAsDouble() : 0.8);
        } catch (NullPointerException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("config.json lacks one of vocab_size, n_positions, n_embd, n_head, n_layer"
                    + " or has a non-numeric value: " + json, e);
        }
    }
}
