package org.tinymem.model;

import ai.djl.ndarray.NDArray;

/**
 * Named hook points of a forward pass, in the spirit of TransformerLens: weight-level methods
 * replace a parameter by a masked view (Alg. 5–6), neuron-level methods edit the MLP hidden units
 * after the non-linearity (Chang et al. 2024). The default changes nothing.
 */
public interface Intervention {
    Intervention NONE = new Intervention() {};

    /** The tensor the forward pass uses for parameter {@code name} (default: the parameter itself). */
    default NDArray weight(String name, NDArray parameter) {
        return parameter;
    }

    /** The MLP hidden activations of block {@code layer}, shape (batch, time, mlp width), after the non-linearity. */
    default NDArray mlpHidden(int layer, NDArray hidden) {
        return hidden;
    }
}
