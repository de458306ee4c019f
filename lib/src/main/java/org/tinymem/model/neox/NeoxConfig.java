package org.tinymem.model.neox;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Shape of a GPT-NeoX model (Pythia), with the meaning of HuggingFace's {@code GPTNeoXConfig}
 * ({@code configuration_gpt_neox.py}): pre-LayerNorm blocks, rotary position embeddings on the
 * first {@code rotaryPct} of each head's dimensions, exact (erf) GELU MLP, and by default a parallel
 * residual ({@code x + attn(ln1(x)) + mlp(ln2(x))}) and an untied output embedding.
 *
 * @param vocabSize {@code vocab_size} (Pythia pads GPT-NeoX's tokenizer to 50,304 or 50,432)
 * @param hiddenSize {@code hidden_size}, d
 * @param heads {@code num_attention_heads}
 * @param layers {@code num_hidden_layers}
 * @param intermediateSize {@code intermediate_size}, the MLP width (4·d in Pythia)
 * @param maxPositions {@code max_position_embeddings}, the context length (2,048 in Pythia)
 * @param rotaryPct {@code rotary_pct}: the fraction of each head's dimensions that rotate (0.25)
 * @param rotaryBase {@code rotary_emb_base} (or {@code rope_theta}), 10,000
 * @param layerNormEps {@code layer_norm_eps}, 1e-5
 * @param parallelResidual {@code use_parallel_residual}
 * @param tieWordEmbeddings {@code tie_word_embeddings}: the head reuses {@code embed_in} (false in Pythia)
 * @param attentionBias {@code attention_bias}: whether query_key_value and dense have biases (true)
 * @param bosTokenId {@code bos_token_id} (0 in Pythia)
 * @param eosTokenId {@code eos_token_id} (0 in Pythia)
 * @param torchDtype {@code torch_dtype} as recorded ("float16" for Pythia); TinyMem computes in float32 regardless
 * @param padToken the pad token excluded from loss and measures ({@code tinymem_pad_token_id}), or −1
 * @param initializerRange {@code initializer_range}: the standard deviation of fresh weights
 */
public record NeoxConfig(int vocabSize, int hiddenSize, int heads, int layers, int intermediateSize, int maxPositions,
                         double rotaryPct, double rotaryBase, double layerNormEps, boolean parallelResidual,
                         boolean tieWordEmbeddings, boolean attentionBias, int bosTokenId, int eosTokenId,
                         String torchDtype, int padToken, double initializerRange) implements org.tinymem.model.ModelConfig {

    public static final String MODEL_TYPE = "gpt_neox";
    public static final String ARCHITECTURE = "GPTNeoXForCausalLM";

    public NeoxConfig {
        if (vocabSize < 2) throw new IllegalArgumentException("vocab_size must be ≥ 2, got " + vocabSize);
        if (maxPositions < 2) throw new IllegalArgumentException("max_position_embeddings must be ≥ 2, got " + maxPositions);
        if (layers <= 0) throw new IllegalArgumentException("num_hidden_layers must be positive, got " + layers);
        if (intermediateSize <= 0) throw new IllegalArgumentException("intermediate_size must be positive, got " + intermediateSize);
        if (heads <= 0 || hiddenSize <= 0 || hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hidden_size (" + hiddenSize + ") must be a positive multiple of num_attention_heads ("
                    + heads + ")");
        }
        if (!(rotaryPct >= 0 && rotaryPct <= 1)) throw new IllegalArgumentException("rotary_pct must be in [0, 1], got " + rotaryPct);
        if ((int) (hiddenSize / heads * rotaryPct) % 2 != 0) {
            throw new IllegalArgumentException("rotary_pct " + rotaryPct + " rotates " + (int) (hiddenSize / heads * rotaryPct)
                    + " dimensions per head; rotary embeddings need an even number");
        }
        if (!(rotaryBase > 0)) throw new IllegalArgumentException("rotary_emb_base must be positive, got " + rotaryBase);
        if (!(layerNormEps > 0)) throw new IllegalArgumentException("layer_norm_eps must be positive, got " + layerNormEps);
        if (!(initializerRange > 0)) throw new IllegalArgumentException("initializer_range must be positive, got " + initializerRange);
        if (padToken >= vocabSize) throw new IllegalArgumentException("pad token " + padToken + " is outside the vocabulary");
        if (torchDtype == null) torchDtype = "float32";
    }

    /**
     * Ours: the TinyMem language model's width (d = 128, 4 heads, MLP 512, GPT-2 BPE's 50,257 ids —
     * not Pythia's padded 50,304, because our corpus is tokenized with r50k_base) with Pythia's
     * architecture (rotary on 25% of each head, base 10,000, parallel residual, untied head, erf
     * GELU). Context 256; fresh weights use the TinyMem language model's scale 0.8/√d, so the two
     * differ in architecture only.
     */
    public static NeoxConfig tinyPythia(int layers) {
        return new NeoxConfig(50_257, 128, 4, layers, 512, 256, 0.25, 10_000, 1e-5, true, false, true,
                0, 0, "float32", -1, 0.8 / Math.sqrt(128));
    }

    public int headDim() {
        return hiddenSize / heads;
    }

    /** {@code int(head_size · rotary_pct)}: the leading dimensions of each head that rotary embeddings rotate. */
    public int rotaryDims() {
        return (int) (headDim() * rotaryPct);
    }

    /** This config with another pad token (the data decides it, not the checkpoint). */
    public NeoxConfig withPadToken(int token) {
        return new NeoxConfig(vocabSize, hiddenSize, heads, layers, intermediateSize, maxPositions, rotaryPct, rotaryBase,
                layerNormEps, parallelResidual, tieWordEmbeddings, attentionBias, bosTokenId, eosTokenId, torchDtype, token,
                initializerRange);
    }

    /** This config recording another {@code torch_dtype} (what a checkpoint's tensors are stored in). */
    public NeoxConfig withTorchDtype(String dtype) {
        return new NeoxConfig(vocabSize, hiddenSize, heads, layers, intermediateSize, maxPositions, rotaryPct, rotaryBase,
                layerNormEps, parallelResidual, tieWordEmbeddings, attentionBias, bosTokenId, eosTokenId, dtype, padToken,
                initializerRange);
    }

    @Override
    public GptNeoX initialize(long seed, ai.djl.ndarray.NDManager manager) {
        return GptNeoX.initialize(this, seed, manager);
    }

    /** Parameters counted from the shapes (the tied head, if tied, once). Pythia-6.9B: 6,857,302,016. */
    @Override
    public long parameterCount() {
        return GptNeoX.shapes(this).values().stream()
                .mapToLong(org.tinymem.model.Safetensors::elementCount).sum();
    }

    /** HuggingFace {@code config.json} keys, so {@code GPTNeoXForCausalLM.from_pretrained} reads the directory. */
    @Override
    public JsonObject toHuggingFace() {
        JsonObject json = new JsonObject();
        json.addProperty("model_type", MODEL_TYPE);
        JsonArray architectures = new JsonArray();
        architectures.add(ARCHITECTURE);
        json.add("architectures", architectures);
        json.addProperty("vocab_size", vocabSize);
        json.addProperty("hidden_size", hiddenSize);
        json.addProperty("num_attention_heads", heads);
        json.addProperty("num_hidden_layers", layers);
        json.addProperty("intermediate_size", intermediateSize);
        json.addProperty("max_position_embeddings", maxPositions);
        json.addProperty("rotary_pct", rotaryPct);
        json.addProperty("rotary_emb_base", rotaryBase);
        json.addProperty("rope_theta", rotaryBase); // the name newer transformers versions read
        json.addProperty("layer_norm_eps", layerNormEps);
        json.addProperty("use_parallel_residual", parallelResidual);
        json.addProperty("hidden_act", "gelu");
        json.addProperty("tie_word_embeddings", tieWordEmbeddings);
        json.addProperty("attention_bias", attentionBias);
        json.addProperty("attention_dropout", 0.0);
        json.addProperty("hidden_dropout", 0.0);
        json.addProperty("bos_token_id", bosTokenId);
        json.addProperty("eos_token_id", eosTokenId);
        json.addProperty("torch_dtype", torchDtype);
        json.addProperty("initializer_range", initializerRange);
        json.addProperty("use_cache", true);
        json.addProperty("tinymem_pad_token_id", padToken);
        if (padToken >= 0) json.addProperty("pad_token_id", padToken);
        return json;
    }

    /**
     * Reads a GPT-NeoX {@code config.json}. The six shape keys are required; the others take
     * {@code GPTNeoXConfig}'s defaults. A missing key, a non-numeric value, an activation other than
     * exact GELU, or rope scaling is an {@link IllegalArgumentException} that names it.
     */
    public static NeoxConfig fromHuggingFace(JsonObject json) {
        String type = json.has("model_type") ? json.get("model_type").getAsString() : MODEL_TYPE;
        if (!type.equals(MODEL_TYPE)) {
            throw new IllegalArgumentException("config.json has model_type '" + type + "', not '" + MODEL_TYPE + "'");
        }
        String act = text(json, "hidden_act", "gelu");
        if (!act.equals("gelu")) {
            throw new IllegalArgumentException("config.json has hidden_act '" + act + "'; only 'gelu' (exact, erf) is implemented");
        }
        if (json.has("rope_scaling") && !json.get("rope_scaling").isJsonNull()) {
            throw new IllegalArgumentException("config.json sets rope_scaling " + json.get("rope_scaling")
                    + "; only plain rotary embeddings are implemented (remove it or set it to null)");
        }
        double rotaryBase = number(json, "rotary_emb_base", Double.NaN);
        if (Double.isNaN(rotaryBase)) rotaryBase = number(json, "rope_theta", 10_000);
        double rotaryPct = number(json, "rotary_pct", Double.NaN);
        if (Double.isNaN(rotaryPct)) rotaryPct = number(json, "partial_rotary_factor", 0.25);
        int vocab = required(json, "vocab_size");
        return new NeoxConfig(vocab, required(json, "hidden_size"), required(json, "num_attention_heads"),
                required(json, "num_hidden_layers"), required(json, "intermediate_size"),
                required(json, "max_position_embeddings"), rotaryPct, rotaryBase, number(json, "layer_norm_eps", 1e-5),
                bool(json, "use_parallel_residual", true), bool(json, "tie_word_embeddings", false),
                bool(json, "attention_bias", true), (int) number(json, "bos_token_id", 0), (int) number(json, "eos_token_id", 2),
                text(json, "torch_dtype", "float32"), (int) number(json, "tinymem_pad_token_id", -1),
                number(json, "initializer_range", 0.02));
    }

    private static int required(JsonObject json, String key) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            throw new IllegalArgumentException("config.json lacks '" + key + "', which a GPT-NeoX model needs");
        }
        try {
            return value.getAsInt();
        } catch (NumberFormatException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("config.json has a non-integer '" + key + "': " + value, e);
        }
    }

    private static double number(JsonObject json, String key, double fallback) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) return fallback;
        try {
            return value.getAsDouble();
        } catch (NumberFormatException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("config.json has a non-numeric '" + key + "': " + value, e);
        }
    }

    private static boolean bool(JsonObject json, String key, boolean fallback) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) return fallback;
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException("config.json has a non-boolean '" + key + "': " + value);
        }
        return value.getAsBoolean();
    }

    private static String text(JsonObject json, String key, String fallback) {
        JsonElement value = json.get(key);
        return value == null || value.isJsonNull() ? fallback : value.getAsString();
    }
}
