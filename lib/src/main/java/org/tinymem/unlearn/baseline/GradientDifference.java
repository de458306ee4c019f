package org.tinymem.unlearn.baseline;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Scalars;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.EpochLadder;
import org.tinymem.unlearn.Unlearner;

/**
 * Gradient difference (not in the paper; Liu et al. 2022, TOFU's "Grad. Diff."): gradient ascent on
 * the memorized continuations plus descent on the retain rows, L = −(1 − w)·mean ℓ(memorized rows) +
 * w·mean ℓ(retain rows), with ℓ a row's mean −log p and each group averaged on its own within a batch
 * (as our BalancedSubnet does; a batch without rows of a group gets no term for it). Batches are
 * shuffled mixtures of both sets, so an epoch is one pass over memorized ∪ retain.
 *
 * <p>w = 0.5 weighs both terms equally; OpenUnlearning's GradDiff weighs them 1 and 1, i.e. twice
 * our loss at the same learning rate.
 */
public final class GradientDifference implements Unlearner, EpochLadder {

    /**
     * @param training the fine-tuning loop's settings
     * @param lossWeight w, the retain term's weight in [0, 1] (equal weights: 0.5)
     */
    public record Params(Training training, double lossWeight) implements UnlearnParams {
        public Params {
            java.util.Objects.requireNonNull(training, "training");
            if (!(lossWeight >= 0 && lossWeight <= 1)) {
                throw new IllegalArgumentException("loss weight must be in [0, 1], got " + lossWeight);
            }
        }

        public static Params defaults() {
            return new Params(Training.defaults(), 0.5);
        }

        /** Every parameter is updated: 1 by construction. */
        @Override
        public double ratio() {
            return 1;
        }
    }

    private final Params params;

    public GradientDifference(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "gd";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public String unit() {
        return "steps";
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        return train(model, sets, params.training(), Training.EpochEnd.NONE);
    }

    @Override
    public List<Edit> unlearnAtEpochs(CausalLm model, UnlearnSets sets, List<Integer> epochs) {
        return params.training().atEpochs(model, epochs, (working, training, end) -> train(working, sets, training, end));
    }

    private long train(CausalLm model, UnlearnSets sets, Training training, Training.EpochEnd end) {
        double w = params.lossWeight();
        return training.run(model, sets, true, (batch, manager) -> {
            NDArray means = RowLosses.of(model, batch, manager).means();
            NDArray memorized = RowLosses.memorized(batch, manager);
            NDArray forget = RowLosses.groupMean(means, memorized);
            NDArray retain = RowLosses.groupMean(means, memorized.neg().add(1));
            return Scalars.times(forget, -(1 - w)).add(Scalars.times(retain, w));
        }, end);
    }
}
