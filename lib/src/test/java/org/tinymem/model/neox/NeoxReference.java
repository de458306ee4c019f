package org.tinymem.model.neox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A straightforward GPT-NeoX forward pass in plain Java doubles, written from HF's
 * {@code modeling_gpt_neox.py} semantics independently of {@link GptNeoX} (no DJL, no cache, exact
 * erf GELU), to check the model's logits against.
 */
final class NeoxReference {
    private NeoxReference() {}

    /** A small config: vocab 50, d 32, 4 heads, MLP 128, 2 layers, 32 positions. */
    static NeoxConfig small(double rotaryPct, boolean parallel, boolean tied, boolean attentionBias) {
        return new NeoxConfig(50, 32, 4, 2, 128, 32, rotaryPct, 10_000, 1e-5, parallel, tied, attentionBias, 0, 0,
                "float32", -1, 0.02);
    }

    /** Random values for every parameter, biases and LayerNorms included, large enough that every term matters. */
    static Map<String, float[]> randomWeights(NeoxConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> weights = new LinkedHashMap<>();
        GptNeoX.shapes(config).forEach((name, shape) -> {
            long size = 1;
            for (long dim : shape) size *= dim;
            float[] values = new float[(int) size];
            boolean norm = name.contains("layernorm") || name.contains("final_layer_norm");
            for (int i = 0; i < values.length; i++) {
                double g = random.nextGaussian();
                values[i] = (float) (norm && name.endsWith(".weight") ? 1 + 0.2 * g : 0.3 * g);
            }
            weights.put(name, values);
        });
        return weights;
    }

    /** Logits [time][vocab] of one sequence. */
    static double[][] logits(NeoxConfig c, Map<String, float[]> w, int[] tokens) {
        int time = tokens.length;
        int d = c.hiddenSize();
        double[][] x = new double[time][d];
        float[] embed = w.get("gpt_neox.embed_in.weight");
        for (int t = 0; t < time; t++) {
            for (int i = 0; i < d; i++) x[t][i] = embed[tokens[t] * d + i];
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            double[][] attention = attention(c, w, p, layerNorm(x, w, p + "input_layernorm", c.layerNormEps()));
            if (c.parallelResidual()) {
                double[][] mlp = mlp(w, p, layerNorm(x, w, p + "post_attention_layernorm", c.layerNormEps()));
                for (int t = 0; t < time; t++) {
                    for (int i = 0; i < d; i++) x[t][i] += attention[t][i] + mlp[t][i];
                }
            } else {
                for (int t = 0; t < time; t++) {
                    for (int i = 0; i < d; i++) x[t][i] += attention[t][i];
                }
                double[][] mlp = mlp(w, p, layerNorm(x, w, p + "post_attention_layernorm", c.layerNormEps()));
                for (int t = 0; t < time; t++) {
                    for (int i = 0; i < d; i++) x[t][i] += mlp[t][i];
                }
            }
        }
        double[][] h = layerNorm(x, w, "gpt_neox.final_layer_norm", c.layerNormEps());
        float[] head = w.get(c.tieWordEmbeddings() ? "gpt_neox.embed_in.weight" : "embed_out.weight");
        return linear(h, head, null, c.vocabSize());
    }

    private static double[][] attention(NeoxConfig c, Map<String, float[]> w, String p, double[][] h) {
        int time = h.length;
        int d = c.hiddenSize();
        int hd = c.headDim();
        int rot = c.rotaryDims();
        double[][] qkv = linear(h, w.get(p + "attention.query_key_value.weight"), w.get(p + "attention.query_key_value.bias"), 3 * d);
        double[][] out = new double[time][d];
        for (int head = 0; head < c.heads(); head++) {
            double[][] q = new double[time][];
            double[][] k = new double[time][];
            double[][] v = new double[time][hd];
            for (int t = 0; t < time; t++) {
                double[] qt = new double[hd];
                double[] kt = new double[hd];
                for (int i = 0; i < hd; i++) {
                    // HF views the 3d outputs as (heads, 3·head_size): head h's block is [q | k | v].
                    qt[i] = qkv[t][head * 3 * hd + i];
                    kt[i] = qkv[t][head * 3 * hd + hd + i];
                    v[t][i] = qkv[t][head * 3 * hd + 2 * hd + i];
                }
                q[t] = rotate(qt, t, rot, c.rotaryBase());
                k[t] = rotate(kt, t, rot, c.rotaryBase());
            }
            for (int t = 0; t < time; t++) {
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) dot += q[t][i] * k[s][i];
                    scores[s] = dot / Math.sqrt(hd);
                    max = Math.max(max, scores[s]);
                }
                double sum = 0;
                for (int s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s] - max);
                for (int s = 0; s <= t; s++) {
                    for (int i = 0; i < hd; i++) out[t][head * hd + i] += scores[s] / sum * v[s][i];
                }
            }
        }
        return linear(out, w.get(p + "attention.dense.weight"), w.get(p + "attention.dense.bias"), d);
    }

    /** x_rot·cos + rotate_half(x_rot)·sin on the first {@code rot} dimensions, angle = position / base^(2i/rot). */
    private static double[] rotate(double[] x, int position, int rot, double base) {
        double[] out = x.clone();
        int half = rot / 2;
        for (int i = 0; i < half; i++) {
            double angle = position / Math.pow(base, 2.0 * i / rot);
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            out[i] = x[i] * cos - x[i + half] * sin;
            out[i + half] = x[i + half] * cos + x[i] * sin;
        }
        return out;
    }

    private static double[][] mlp(Map<String, float[]> w, String p, double[][] h) {
        float[] bias = w.get(p + "mlp.dense_h_to_4h.bias");
        double[][] units = linear(h, w.get(p + "mlp.dense_h_to_4h.weight"), bias, bias.length);
        for (double[] row : units) {
            for (int j = 0; j < row.length; j++) row[j] = gelu(row[j]);
        }
        return linear(units, w.get(p + "mlp.dense_4h_to_h.weight"), w.get(p + "mlp.dense_4h_to_h.bias"), h[0].length);
    }

    /** nn.Linear: y = x·Wᵀ + b with W stored (out, in). */
    private static double[][] linear(double[][] x, float[] weight, float[] bias, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) sum += x[t][i] * weight[o * in + i];
                y[t][o] = sum;
            }
        }
        return y;
    }

    private static double[][] layerNorm(double[][] x, Map<String, float[]> w, String prefix, double eps) {
        float[] gain = w.get(prefix + ".weight");
        float[] shift = w.get(prefix + ".bias");
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) mean += v;
            mean /= x[t].length;
            double variance = 0;
            for (double v : x[t]) variance += (v - mean) * (v - mean);
            variance /= x[t].length;
            for (int i = 0; i < x[t].length; i++) y[t][i] = (x[t][i] - mean) / Math.sqrt(variance + eps) * gain[i] + shift[i];
        }
        return y;
    }

    /** Exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)). */
    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf by its Maclaurin series (error below 1e-12 for |x| < 4; beyond, erf = ±1 within 2e-8). */
    static double erf(double x) {
        if (Math.abs(x) >= 4) return Math.signum(x);
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            double next = term / (2 * n + 1);
            sum += next;
            if (Math.abs(next) < 1e-17) break;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
