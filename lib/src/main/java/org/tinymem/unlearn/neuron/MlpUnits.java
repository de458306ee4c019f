package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tinymem.model.CausalLm;
import org.tinymem.model.MlpUnitLayout;
import org.tinymem.unlearn.Mask;

/**
 * The MLP hidden units of a model (after the non-linearity, SPEC §7) as the neuron methods see them:
 * block {@code l}'s unit {@code j} reads a slice of the input weight plus entry {@code j} of its bias
 * and writes a slice of the output weight, where the model's {@link MlpUnitLayout} says which axis
 * indexes units (GPT-2 Conv1D and GPT-NeoX Linear weights are transposed relative to each other).
 */
public final class MlpUnits {
    private MlpUnits() {}

    /** How many units of a {@code width}-wide layer a ratio ablates: int(ratio · width), as the reference. */
    public static int count(double ratio, int width) {
        return (int) Mask.count(ratio, width);
    }

    /** Units per layer (the width of block 0's MLP; every block has the same). */
    public static int width(CausalLm model) {
        return Math.toIntExact(parameter(model, model.mlpUnits(0).inputBias()).getShape().get(0));
    }

    /**
     * Zeroes the input weights and bias of {@code units} in block {@code layer}: the unit's
     * pre-activation is then 0, so ReLU(0) = 0 at every position (GELU(0) = 0 as well) and the edit
     * lives in the weights (it is saved with {@code model.safetensors} and needs no hook at load time).
     */
    public static void ablate(CausalLm model, int layer, int[] units) {
        if (units.length == 0) return;
        MlpUnitLayout layout = model.mlpUnits(layer);
        NDArray weight = parameter(model, layout.inputWeight());
        long rows = weight.getShape().get(0);
        long cols = weight.getShape().get(1);
        boolean columns = layout.inputUnitAxis() == 1;
        long width = columns ? cols : rows;
        long along = columns ? rows : cols;
        long[] weightIndices = new long[Math.toIntExact(along * units.length)];
        long[] biasIndices = new long[units.length];
        for (int u = 0; u < units.length; u++) {
            if (units[u] < 0 || units[u] >= width) throw new IllegalArgumentException("unit " + units[u] + " outside 0.." + (width - 1));
            biasIndices[u] = units[u];
            for (long i = 0; i < along; i++) {
                weightIndices[Math.toIntExact(u * along + i)] = columns ? i * cols + units[u] : units[u] * cols + i;
            }
        }
        Mask.zero(weight, weightIndices);
        Mask.zero(parameter(model, layout.inputBias()), biasIndices);
    }

    /** ‖output weights of unit j‖₂ for every unit of block {@code layer}: how strongly the unit writes to the residual. */
    public static float[] outputNorms(CausalLm model, int layer) {
        MlpUnitLayout layout = model.mlpUnits(layer);
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray weight = parameter(model, layout.outputWeight());
            NDArray norms = weight.stopGradient().square().sum(new int[] {1 - layout.outputUnitAxis()}).sqrt();
            norms.attach(scratch);
            return norms.toFloatArray();
        }
    }

    private static NDArray parameter(CausalLm model, String name) {
        NDArray parameter = model.parameters().get(name);
        if (parameter == null) {
            throw new IllegalArgumentException("the model has no MLP parameter '" + name + "' for neuron methods");
        }
        return parameter;
    }
}
