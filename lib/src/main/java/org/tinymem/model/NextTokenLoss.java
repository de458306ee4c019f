package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Mean next-token cross-entropy (SPEC §1). Ours: pad targets are excluded from the loss, from
 * accuracy and from perplexity (the reference counts pads, which rewards predicting padding).
 *
 * <p>Large vocabularies (the language models' 50,257-way GPT-2 head, App. A.1.2) never materialise
 * the logits of a whole batch: the head is applied to {@link #CHUNK_POSITIONS} positions at a time,
 * and when gradients are recorded the cross-entropy's gradient (softmax − one-hot) is computed per
 * slice and attached with a surrogate whose value is zero and whose gradient is exact. Autograd then
 * keeps one vocabulary-wide array per position instead of four (logits, log-softmax, and their
 * gradients), and no log-softmax backward runs.
 */
public final class NextTokenLoss {
    /** From this vocabulary size on the head is applied slice by slice. */
    public static final int CHUNKED_VOCAB = 4096;
    /** Positions per slice: 1,024 × 50,257 floats ≈ 206 MB per temporary array. */
    static final int CHUNK_POSITIONS = 1024;

    private NextTokenLoss() {}

    /**
     * Per-position negative log-likelihood and the mask of real (non-pad) targets.
     *
     * @param logits the logits, or null for large vocabularies (they are never materialised as a whole)
     */
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
        return of(model, tokens, intervention, model.vocabSize() >= CHUNKED_VOCAB);
    }

    /**
     * As {@link #of(CausalLm, NDArray, Intervention)}, choosing the head's evaluation: {@code sliced}
     * applies it slice by slice (the default from {@link #CHUNKED_VOCAB} tokens on), otherwise the
     * whole batch's logits are materialised (kept for {@code tinymem bench train --loss full}).
     */
    public static Terms of(CausalLm model, NDArray tokens, Intervention intervention, boolean sliced) {
        NDArray inputs = tokens.get(new NDIndex(":, :-1"));
        NDArray targets = tokens.get(new NDIndex(":, 1:"));
        NDArray mask = model.padToken() >= 0 ? targets.neq(model.padToken()).toType(DataType.FLOAT32, false)
                : targets.onesLike().toType(DataType.FLOAT32, false);
        if (sliced) {
            NDArray hidden = model.hidden(inputs, intervention);
            return new Terms(slicedNll(hidden, model.outputEmbedding(intervention), targets), mask, null, targets);
        }
        NDArray logits = model.logits(inputs, intervention);
        NDArray nll = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1).neg();
        return new Terms(nll, mask, logits, targets);
    }

    public static NDArray mean(CausalLm model, NDArray tokens) {
        return of(model, tokens, Intervention.NONE).mean();
    }

    /**
     * nll (batch, time) of {@code targets} under logits = hidden · head<sup>T</sup>, computed slice by
     * slice. With gradients recorded, each slice adds {@code s − stopGradient(s)} (value 0) where
     * {@code s = ⟨h, stop(g·W)⟩ + ⟨stop(h), stop(g)·W⟩} and {@code g = softmax − onehot}: its gradient
     * is {@code g·W} for the hidden state and {@code gᵀ·h} for the head, exactly the cross-entropy's,
     * for any later weighting of the positions (mean, per sequence, masks).
     */
    static NDArray slicedNll(NDArray hidden, NDArray head, NDArray targets) {
        long batch = hidden.getShape().get(0);
        long time = hidden.getShape().get(1);
        long positions = batch * time;
        int vocab = (int) head.getShape().get(0);
        boolean recording = JniUtils.isGradMode();
        NDArray flatHidden = hidden.reshape(positions, -1);
        NDArray flatTargets = targets.reshape(positions);
        NDArray hiddenValue = flatHidden.stopGradient();
        NDArray headValue = head.stopGradient();
        NDArray headTransposed = headValue.transpose();
        NDList slices = new NDList();
        for (long start = 0; start < positions; start += CHUNK_POSITIONS) {
            NDIndex rows = new NDIndex("{}:{}", start, Math.min(positions, start + CHUNK_POSITIONS));
            NDArray sliceTargets = flatTargets.get(rows);
            // Vocabulary-wide temporaries are closed at once, not at the end of the caller's scope.
            NDArray logits = hiddenValue.get(rows).matMul(headTransposed);
            NDArray logProbs = logits.logSoftmax(-1);
            logits.close();
            NDArray nll = logProbs.gather(sliceTargets.expandDims(-1), -1).squeeze(-1).neg();
            if (recording) {
                NDArray oneHot = sliceTargets.oneHot(vocab);
                NDArray g = logProbs.exp().subi(oneHot); // softmax − onehot
                oneHot.close();
                NDArray headGradient = g.matMul(head); // (n, d), differentiable in the head only
                NDArray surrogate = flatHidden.get(rows).mul(headGradient.stopGradient()).sum(new int[] {1})
                        .add(hiddenValue.get(rows).mul(headGradient).sum(new int[] {1}));
                nll = nll.add(surrogate.sub(surrogate.stopGradient()));
                g.close(); // autograd keeps its own reference to g for the head's backward
            }
            logProbs.close();
            slices.add(nll);
        }
        return (slices.size() == 1 ? slices.head() : NDArrays.concat(slices)).reshape(batch, time);
    }
}
