package org.tinymem.unlearn.weight;

import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/**
 * BalancedSubnet (Alg. 6, App. A.3.2): as {@link Subnet}, but batches are shuffled mixtures of
 * memorized and retain rows and the loss is −(1 − w) · mean ℓ(memorized rows) + w · mean ℓ(retain
 * rows), so the mask removes memorization while keeping the clean tasks. A batch without rows of
 * one group gets no term for it.
 */
public final class BalancedSubnet implements Unlearner {

    /**
     * @param mask the learned-mask hyper-parameters shared with Subnet
     * @param lossWeight w, the weight of the retain loss in [0, 1] (grid 0.9, 0.7, 0.5; reference default 0.05)
     */
    public record Params(Subnet.Params mask, double lossWeight) implements UnlearnParams {
        public Params {
            java.util.Objects.requireNonNull(mask, "mask");
            if (!(lossWeight >= 0 && lossWeight <= 1)) {
                throw new IllegalArgumentException("loss weight must be in [0, 1], got " + lossWeight);
            }
        }

        public static Params defaults() {
            return new Params(Subnet.Params.defaults(), 0.9);
        }

        @Override
        public double ratio() {
            return mask.ratio();
        }
    }

    private final Params params;

    public BalancedSubnet(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "balanced-subnet";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        return Subnet.learnMasks(model, sets, params.mask(), true, -(1 - params.lossWeight()), params.lossWeight());
    }
}
