package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.Mask;
import org.tinymem.unlearn.TensorScope;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/**
 * Durable (Alg. 4, App. A.3.2): accumulate ∂loss/∂w over the unlearn set and, in every eligible
 * tensor, zero the floor(ratio · numel) weights with the largest |gradient|.
 */
public final class Durable implements Unlearner {

    /**
     * Hyper-parameters of Durable and Durable-agg.
     *
     * @param ratio fraction of eligible weights to zero (grid 1e-5 … 0.1, App. A.3.5)
     * @param batchSize sequences per backward pass (does not change the accumulated gradient)
     * @param tensors eligible tensors
     */
    public record Params(double ratio, int batchSize, TensorScope tensors) implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
            UnlearnParams.checkPositive("batch size", batchSize);
            java.util.Objects.requireNonNull(tensors, "tensors");
        }

        public static Params defaults() {
            return new Params(1e-3, 64, TensorScope.MLP);
        }
    }

    private final Params params;

    public Durable(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "durable";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        return ablateByGradient(model, sets, params, false);
    }

    /** Shared by Durable (per tensor) and Durable-agg ({@code global}: one ranking across tensors). */
    static long ablateByGradient(CausalLm model, UnlearnSets sets, Params params, boolean global) {
        List<String> names = params.tensors().names(model);
        try (NDManager manager = model.manager().newSubManager()) {
            Map<String, NDArray> magnitudes = MemorizedGradients.summed(model, names, sets.unlearn(), params.batchSize(), manager);
            magnitudes.replaceAll((name, gradient) -> gradient.abs());
            Map<String, NDArray> eligible = Mask.select(model.parameters(), names);
            return global ? Mask.zeroTopGlobal(eligible, magnitudes, params.ratio())
                    : Mask.zeroTopPerTensor(eligible, magnitudes, params.ratio());
        }
    }
}
