package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.Mask;
import org.tinymem.unlearn.TensorScope;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/**
 * Second-Order Unlearning, SOU (Alg. 2, App. A.3.2; after the optimal-brain-surgeon saliency of
 * Kurtic et al. 2022): per eligible tensor, a block-diagonal inverse empirical Fisher from m
 * gradients of the unlearn set, saliency ρ = w² / (2 · diag(F⁻¹)), and the top floor(ratio · numel)
 * weights by saliency are zeroed (per tensor, SPEC §7). Ours: each of the m gradients is one batch's
 * gradient (the reference never zeroes gradients and so uses running sums).
 */
public final class SecondOrder implements Unlearner {

    /**
     * @param ratio fraction of each eligible tensor to zero (grid 1e-5 … 0.1)
     * @param blockSize Fisher block size (50)
     * @param damping λ of F = λI + …(1e-7)
     * @param gradients m, the number of per-batch gradients (512; at most one per memorized sequence)
     * @param tensors eligible tensors
     */
    public record Params(double ratio, int blockSize, double damping, int gradients, TensorScope tensors)
            implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
            UnlearnParams.checkPositive("block size", blockSize);
            UnlearnParams.checkPositive("number of gradients", gradients);
            if (!(damping > 0)) throw new IllegalArgumentException("damping must be positive, got " + damping);
            java.util.Objects.requireNonNull(tensors, "tensors");
        }

        public static Params defaults() {
            return new Params(1e-3, 50, 1e-7, 512, TensorScope.MLP);
        }
    }

    private final Params params;

    public SecondOrder(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "sou";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        List<String> names = params.tensors().names(model);
        Map<String, NDArray> eligible = Mask.select(model.parameters(), names);
        int m = Math.min(params.gradients(), sets.unlearn().size());
        try (NDManager manager = model.manager().newSubManager()) {
            Map<String, BlockFisherInverse> fishers = new LinkedHashMap<>();
            eligible.forEach((name, p) -> fishers.put(name,
                    new BlockFisherInverse(manager, p.size(), params.blockSize(), params.damping(), m)));
            MemorizedGradients.perBatch(model, names, sets.unlearn(), m,
                    gradients -> gradients.forEach((name, g) -> fishers.get(name).add(g)));
            try (NDScope ignored = new NDScope()) {
                Map<String, NDArray> saliency = new LinkedHashMap<>();
                eligible.forEach((name, p) -> saliency.put(name,
                        p.square().div(fishers.get(name).diagonal().reshape(p.getShape()).mul(2))));
                return Mask.zeroTopPerTensor(eligible, saliency, params.ratio());
            }
        }
    }
}
