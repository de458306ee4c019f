package org.tinymem.unlearn.baseline;

import java.util.List;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.EpochLadder;
import org.tinymem.unlearn.Unlearner;

/**
 * Gradient ascent (not in the paper; the first baseline of the LLM-unlearning literature, e.g.
 * Jang et al. 2023, TOFU's "GA", Maini et al. 2024): maximise the next-token loss of the memorized
 * continuations, L = −mean over memorized rows of mean −log p(continuation token), by AdamW on every
 * parameter ({@link Training}). Nothing keeps the clean tasks: ascent is unbounded, and run long
 * enough it destroys the model (hence {@link GradientDifference} and {@link NegativePreference}).
 */
public final class GradientAscent implements Unlearner, EpochLadder {

    /** @param training the fine-tuning loop's settings */
    public record Params(Training training) implements UnlearnParams {
        public Params {
            java.util.Objects.requireNonNull(training, "training");
        }

        public static Params defaults() {
            return new Params(Training.defaults());
        }

        /** Every parameter is updated: 1 by construction. */
        @Override
        public double ratio() {
            return 1;
        }
    }

    private final Params params;

    public GradientAscent(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "ga";
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

    private static long train(CausalLm model, UnlearnSets sets, Training training, Training.EpochEnd end) {
        return training.run(model, sets, false, (batch, manager) -> RowLosses.of(model, batch, manager).means().mean().neg(), end);
    }
}
