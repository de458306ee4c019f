package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The additive causal attention mask shared by the GPT-2 and GPT-NeoX forward passes. */
public final class CausalMask {
    private CausalMask() {}

    /** −∞ above the diagonal: query i (at absolute position offset + i) sees keys 0..offset + i; shape (time, offset + time). */
    public static NDArray of(NDManager manager, int time, int offset) {
        int keys = offset + time;
        float[] mask = new float[time * keys];
        for (int i = 0; i < time; i++) {
            for (int j = offset + i + 1; j < keys; j++) mask[i * keys + j] = Float.NEGATIVE_INFINITY;
        }
        return manager.create(mask, new Shape(time, keys));
    }
}
