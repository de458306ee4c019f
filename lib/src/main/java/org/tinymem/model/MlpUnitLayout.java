package org.tinymem.model;

/**
 * Where one block's MLP hidden units live in a model's parameters, so that neuron-level methods
 * (SPEC §7, Chang et al. 2024) can ablate unit {@code j} on any architecture: zero its slice of the
 * input weight and its bias entry, read its slice of the output weight.
 *
 * <p>HF GPT-2 stores Conv1D weights as (in, out): unit {@code j} is column {@code j} of
 * {@code mlp.c_fc.weight} (axis 1) and row {@code j} of {@code mlp.c_proj.weight} (axis 0). HF
 * GPT-NeoX stores {@code nn.Linear} weights as (out, in): unit {@code j} is row {@code j} of
 * {@code mlp.dense_h_to_4h.weight} (axis 0) and column {@code j} of {@code mlp.dense_4h_to_h.weight}
 * (axis 1).
 *
 * @param inputWeight name of the 2-D weight that computes the units' pre-activations
 * @param inputUnitAxis the axis of {@code inputWeight} that indexes units (0 or 1)
 * @param inputBias name of the units' bias (one entry per unit)
 * @param outputWeight name of the 2-D weight that writes the units back to the residual stream
 * @param outputUnitAxis the axis of {@code outputWeight} that indexes units (0 or 1)
 */
public record MlpUnitLayout(String inputWeight, int inputUnitAxis, String inputBias, String outputWeight,
                            int outputUnitAxis) {
    public MlpUnitLayout {
        if (inputUnitAxis != 0 && inputUnitAxis != 1) throw new IllegalArgumentException("inputUnitAxis must be 0 or 1");
        if (outputUnitAxis != 0 && outputUnitAxis != 1) throw new IllegalArgumentException("outputUnitAxis must be 0 or 1");
    }
}
