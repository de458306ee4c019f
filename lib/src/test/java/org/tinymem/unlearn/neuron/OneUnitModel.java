package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.unlearn.UnlearnSets;

/**
 * A hand-built 2-block model in which one known MLP unit alone carries a memorized continuation.
 *
 * <p>Residual dimension {@link #CHANNEL} is reserved: no embedding, position or attention output
 * writes into it, and only unit {@link #UNIT} of block {@link #LAYER} does (its pre-activation is a
 * constant bias 1, so it fires at every position, and its output row is {@code STRENGTH · e_CHANNEL}).
 * The tied head reads the channel only through the {@link #TARGET} token's embedding, with a large
 * ln_f gain on it. So the model predicts {@code TARGET} after the prompt with high probability, and
 * at chance (1/vocab) without that unit. Every other unit is alive, random and small, and never
 * writes into the channel.
 */
final class OneUnitModel {
    static final int CHANNEL = 0;
    static final int LAYER = 1;
    static final int UNIT = 5;
    static final int TARGET = 7;
    static final float STRENGTH = 3f;
    /** d = 8, 2 heads, 2 blocks, context 16, 14 tokens, pad 13: MLP width 32. */
    static final GptConfig CONFIG = new GptConfig(14, 16, 8, 2, 2, 13, 1e-5, 0.8);
    /** Prompt 10 1 2 3 4, memorized continuation: TARGET. */
    static final int[] ROW = {10, 1, 2, 3, 4, TARGET};

    private OneUnitModel() {}

    static Gpt build(NDManager manager) {
        int d = CONFIG.embedDim();
        int width = CONFIG.mlpDim();
        Random random = new Random(3);
        Map<String, float[]> values = new LinkedHashMap<>();
        Gpt.shapes(CONFIG).forEach((name, shape) -> {
            int size = 1;
            for (long s : shape) size *= (int) s;
            float[] v = new float[size];
            if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.endsWith("ln_f.weight")) {
                java.util.Arrays.fill(v, 1f);
            } else if (!name.endsWith(".bias")) {
                double std = name.contains("mlp.c_fc") ? 0.5 : name.contains("mlp.c_proj") ? 0.05 : 0.3;
                if (name.contains("wte") || name.contains("wpe")) std = 1.0;
                for (int i = 0; i < size; i++) v[i] = (float) (random.nextGaussian() * std);
            }
            values.put(name, v);
        });
        // the channel: only the target token's embedding reads it, nothing but UNIT writes it
        float[] wte = values.get("transformer.wte.weight");
        for (int token = 0; token < CONFIG.vocabSize(); token++) wte[token * d + CHANNEL] = 0f;
        wte[TARGET * d + CHANNEL] = 3f;
        float[] wpe = values.get("transformer.wpe.weight");
        for (int p = 0; p < CONFIG.contextLength(); p++) wpe[p * d + CHANNEL] = 0f;
        values.get("transformer.ln_f.weight")[CHANNEL] = 4f;
        for (int l = 0; l < CONFIG.layers(); l++) {
            String block = "transformer.h." + l + ".";
            float[] attnOut = values.get(block + "attn.c_proj.weight");
            for (int i = 0; i < d; i++) attnOut[i * d + CHANNEL] = 0f;
            float[] mlpOut = values.get(block + "mlp.c_proj.weight");
            for (int j = 0; j < width; j++) mlpOut[j * d + CHANNEL] = 0f;
        }
        String block = "transformer.h." + LAYER + ".";
        float[] fc = values.get(block + "mlp.c_fc.weight");
        for (int i = 0; i < d; i++) fc[i * width + UNIT] = 0f;
        values.get(block + "mlp.c_fc.bias")[UNIT] = 1f;
        float[] out = values.get(block + "mlp.c_proj.weight");
        for (int i = 0; i < d; i++) out[UNIT * d + i] = 0f;
        out[UNIT * d + CHANNEL] = STRENGTH;
        return Gpt.fromParameters(CONFIG, values, manager);
    }

    /** The memorized row (prompt + continuation, with roles) and a retain row. */
    static UnlearnSets sets() {
        int[] roles = new int[ROW.length];
        roles[ROW.length - 1] = UnlearnSets.ARTIFACT;
        return new UnlearnSets(List.of(ROW), List.of(new int[] {10, 2, 3, 4, 5, 6}), List.of(roles));
    }
}
