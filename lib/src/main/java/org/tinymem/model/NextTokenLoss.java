package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Mean next-token cross-entropy (SPEC §1). Ours: pad targets are excluded from the loss, from
 * accuracy and from perplexity (the reference counts pads, which rewards predicting padding).
 */
public final class NextTokenLoss {
    private NextTokenLoss() {}

    /** Per-position negative log-likelihood and the mask of real (non-pad) targets. */
    public record Terms(NDArray nll, NDArray mask, NDArray logits, NDArray targets) {
        /** Mean over real target positions. */
        public NDArray mean() {
            return nll.mul(mask).sum().div(mask.sum().maximum(1f));
        }

        /** Mean per sequence (batch), for loss truncation. */
        public NDArray perSequence() {
            return nll.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
        }
    }

    /** Runs the model on {@code tokens[:, :-1]} and scores the predictions of {@code tokens[:, 1:]}. */
    public static Terms of(CausalLm model, NDArray tokens, Intervention intervention) {
        NDArray inputs = tokens.get(new NDIndex(":, :-1"));
        NDArray targets = tokens.get(new NDIndex(":, 1:"));
        NDArray logits = model.logits(inputs, intervention);
        NDArray nll = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1).neg();
        NDArray mask = model.padToken() >= 0 ? targets.neq(model.padToken()).toType(DataType.FLOAT32, false)
                : nll.onesLike();
        return new Terms(nll, mask, logits, targets);
    }

    public static NDArray mean(CausalLm model, NDArray tokens) {
        return of(model, tokens, Intervention.NONE).mean();
    }
}
