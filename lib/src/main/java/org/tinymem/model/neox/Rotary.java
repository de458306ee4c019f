package org.tinymem.model.neox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings as HuggingFace's GPT-NeoX applies them ({@code GPTNeoXRotaryEmbedding}
 * and {@code apply_rotary_pos_emb} in {@code modeling_gpt_neox.py}), "rotate_half" style: the first
 * {@code dims} dimensions of each query and key head rotate, the rest pass through.
 *
 * <pre>
 *   inv_freq[i] = 1 / base^(2i / dims)            i = 0 .. dims/2 − 1
 *   angle[p, :] = cat(p · inv_freq, p · inv_freq)   (dims values)
 *   x_rot'      = x_rot · cos(angle) + rotate_half(x_rot) · sin(angle),  rotate_half(x) = cat(−x₂, x₁)
 * </pre>
 *
 * <p>The tables are computed once in float32 the way PyTorch does (pow, then reciprocal, then the
 * position × frequency product, each rounded to float32), so positions far into a 2,048-token
 * context get the same angles as in HF.
 */
final class Rotary implements AutoCloseable {
    private final int dims;
    private final NDArray cos;
    private final NDArray sin;

    Rotary(int dims, double base, int positions, NDManager manager) {
        this.dims = dims;
        float[] cosTable = new float[positions * dims];
        float[] sinTable = new float[positions * dims];
        int half = dims / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) invFreq[i] = 1f / (float) Math.pow(base, (float) (2 * i) / dims);
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = p * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cosTable[p * dims + i] = c;
                cosTable[p * dims + i + half] = c;
                sinTable[p * dims + i] = s;
                sinTable[p * dims + i + half] = s;
            }
        }
        cos = manager.create(cosTable, new Shape(positions, dims));
        sin = manager.create(sinTable, new Shape(positions, dims));
    }

    /** Rotates heads (batch, heads, time, headDim) that sit at absolute positions offset .. offset + time − 1. */
    NDArray apply(NDArray x, int offset) {
        if (dims == 0) return x;
        long time = x.getShape().get(2);
        long headDim = x.getShape().get(3);
        NDIndex positions = new NDIndex("{}:{}, :", offset, offset + time);
        NDArray c = cos.get(x.getManager(), positions); // owned by the input's manager, not the model's: no growth per call
        NDArray s = sin.get(x.getManager(), positions);
        NDArray rotating = dims == headDim ? x : x.get(new NDIndex(":, :, :, :{}", dims));
        NDArray first = rotating.get(new NDIndex(":, :, :, :{}", dims / 2));
        NDArray second = rotating.get(new NDIndex(":, :, :, {}:", dims / 2));
        NDArray rotatedHalf = second.neg().concat(first, 3);
        NDArray rotated = rotating.mul(c).add(rotatedHalf.mul(s));
        if (dims == headDim) return rotated;
        return rotated.concat(x.get(new NDIndex(":, :, :, {}:", dims)), 3);
    }

    @Override
    public void close() {
        cos.close();
        sin.close();
    }
}
