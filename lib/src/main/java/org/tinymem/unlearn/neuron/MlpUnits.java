package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.Mask;

/**
 * The MLP hidden units of a model (after the non-linearity, SPEC §7) as the neuron methods see them
 * in the HuggingFace GPT-2 layout of {@link org.tinymem.model.Gpt}: block {@code l}'s unit {@code j}
 * reads column {@code j} of {@code mlp.c_fc.weight} (d × width, Conv1D stores (in, out)) plus entry
 * {@code j} of {@code mlp.c_fc.bias}, and writes row {@code j} of {@code mlp.c_proj.weight} (width × d).
 * A model with other names (GPT-NeoX) needs its own names here; nothing else in the methods changes.
 */
public final class MlpUnits {
    private MlpUnits() {}

    /** How many units of a {@code width}-wide layer a ratio ablates: int(ratio · width), as the reference. */
    public static int count(double ratio, int width) {
        return (int) Mask.count(ratio, width);
    }

    /** Units per layer (the width of block 0's MLP; every block has the same). */
    public static int width(CausalLm model) {
        return Math.toIntExact(parameter(model, fcBias(0)).getShape().get(0));
    }

    /**
     * Zeroes the input weights and bias of {@code units} in block {@code layer}: the unit's
     * pre-activation is then 0, so ReLU(0) = 0 at every position and the edit lives in the weights
     * (it is saved with {@code model.safetensors} and needs no hook at load time).
     */
    public static void ablate(CausalLm model, int layer, int[] units) {
        if (units.length == 0) return;
        NDArray weight = parameter(model, fcWeight(layer));
        long rows = weight.getShape().get(0);
        long width = weight.getShape().get(1);
        long[] weightIndices = new long[Math.toIntExact(rows * units.length)];
        long[] biasIndices = new long[units.length];
        for (int u = 0; u < units.length; u++) {
            if (units[u] < 0 || units[u] >= width) throw new IllegalArgumentException("unit " + units[u] + " outside 0.." + (width - 1));
            biasIndices[u] = units[u];
            for (long i = 0; i < rows; i++) weightIndices[Math.toIntExact(u * rows + i)] = i * width + units[u];
        }
        Mask.zero(weight, weightIndices);
        Mask.zero(parameter(model, fcBias(layer)), biasIndices);
    }

    /** ‖row j of c_proj.weight‖₂ for every unit of block {@code layer}: how strongly the unit writes to the residual. */
    public static float[] outputNorms(CausalLm model, int layer) {
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray weight = parameter(model, "transformer.h." + layer + ".mlp.c_proj.weight");
            NDArray norms = weight.stopGradient().square().sum(new int[] {1}).sqrt();
            norms.attach(scratch);
            return norms.toFloatArray();
        }
    }

    static String fcWeight(int layer) {
        return "transformer.h." + layer + ".mlp.c_fc.weight";
    }

    static String fcBias(int layer) {
        return "transformer.h." + layer + ".mlp.c_fc.bias";
    }

    private static NDArray parameter(CausalLm model, String name) {
        NDArray parameter = model.parameters().get(name);
        if (parameter == null) {
            throw new IllegalArgumentException("neuron methods need GPT-2 MLP parameters; the model has no '" + name + "'");
        }
        return parameter;
    }
}
