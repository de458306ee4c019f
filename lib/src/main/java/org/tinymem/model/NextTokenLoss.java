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
        return of(model, tokens, intervention, isSliced(model));
    }

    /** Whether {@link #of(CausalLm, NDArray, Intervention)} applies {@code model}'s head slice by slice (never materialising its logits). */
    public static boolean isSliced(CausalLm model) {
        return model.vocabSize() >= CHUNKED_VOCAB;
    }

    /**
     * As {@link #of(CausalLm, TokenBatch.Packed, Intervention)} with the head applied slice by slice, but for
     * the rows flagged in {@code unlikelihoodRows} the per-position value is the unlikelihood log(1 − p) of
     * the target instead of −log p (the forget term of Subnet / BalancedSubnet on large vocabularies, see
     * {@code unlearn.ForgetLoss}); its gradient is exact, as the cross-entropy's is.
     */
    public static Terms withUnlikelihood(CausalLm model, TokenBatch.Packed batch, Intervention intervention,
                                         boolean[] unlikelihoodRows) {
        NDArray inputs = batch.tokens().get(new NDIndex(":, :-1"));
        NDArray targets = batch.tokens().get(new NDIndex(":, 1:"));
        if (unlikelihoodRows.length != targets.getShape().get(0)) {
            throw new IllegalArgumentException("one unlikelihood flag per row: " + unlikelihoodRows.length + " flags, "
                    + targets.getShape().get(0) + " rows");
        }
        NDArray mask = batch.targetMask();
        NDArray hidden = model.hidden(inputs, intervention);
        long time = targets.getShape().get(1);
        float[] selected = new float[Math.toIntExact(unlikelihoodRows.length * time)];
        for (int r = 0; r < unlikelihoodRows.length; r++) {
            if (unlikelihoodRows[r]) java.util.Arrays.fill(selected, Math.toIntExact(r * time), Math.toIntExact((r + 1) * time), 1f);
        }
        return new Terms(slicedNll(hidden, model.outputEmbedding(intervention), targets, selected), mask, null, targets);
    }

    private static NDArray mask(CausalLm model, NDArray targets) {
        return model.padToken() >= 0 ? TokenBatch.padMask(targets, model.padToken())
                : targets.onesLike().toType(DataType.FLOAT32, false);
    }

    /**
     * As {@link #of(CausalLm, NDArray, Intervention)}, choosing the head's evaluation: {@code sliced}
     * applies it slice by slice (the default from {@link #CHUNKED_VOCAB} tokens on), otherwise the
     * whole batch's logits are materialised (kept for {@code tinymem bench train --loss full}).
     */
    public static Terms of(CausalLm model, NDArray tokens, Intervention intervention, boolean sliced) {
        return of(model, tokens, mask(model, tokens.get(new NDIndex(":, 1:"))), intervention, sliced);
    }

    /** As {@link #of(CausalLm, NDArray, Intervention)} on rows of any lengths ({@link TokenBatch#packWithMask}). */
    public static Terms of(CausalLm model, TokenBatch.Packed batch, Intervention intervention) {
        return of(model, batch.tokens(), batch.targetMask(), intervention, isSliced(model));
    }

    private static Terms of(CausalLm model, NDArray tokens, NDArray mask, Intervention intervention, boolean sliced) {
        NDArray inputs = tokens.get(new NDIndex(":, :-1"));
        NDArray targets = tokens.get(new NDIndex(":, 1:"));
        if (sliced) {
            NDArray hidden = model.hidden(inputs, intervention);
            return new Terms(slicedNll(hidden, model.outputEmbedding(intervention), targets, null), mask, null, targets);
        }
        NDArray logits = model.logits(inputs, intervention);
        NDArray nll = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1).neg();
        return new Terms(nll, mask, logits, targets);
    }

    /**
     * Σ nll per row over the targets flagged in {@code targetMask} (rows, time − 1; 1 where the target
     * counts), shape (rows): {@code of(model, tokens, intervention).nll()} times the mask, summed per row.
     * Large vocabularies apply the head to the flagged positions only ({@link #flaggedNll}): a memorized
     * row's prompt targets, half of a language probe's, are never projected onto the 50,257 tokens.
     */
    public static NDArray flaggedRowSums(CausalLm model, NDArray tokens, NDArray targetMask, Intervention intervention) {
        if (!isSliced(model)) return of(model, tokens, intervention).nll().mul(targetMask).sum(new int[] {1});
        Flags flags = Flags.of(targetMask);
        NDArray nll = flaggedNll(model, tokens, flags, intervention);
        try (NDArray selector = flags.rowSelector(tokens.getManager())) {
            return selector.matMul(nll.expandDims(1)).squeeze(1);
        }
    }

    /**
     * Σ over the flagged targets of p(target) = exp(−nll), a scalar (Integrated Gradients' F); large
     * vocabularies project the flagged positions only, as {@link #flaggedRowSums}.
     */
    public static NDArray flaggedProbabilitySum(CausalLm model, NDArray tokens, NDArray targetMask,
                                                Intervention intervention) {
        if (!isSliced(model)) return of(model, tokens, intervention).nll().neg().exp().mul(targetMask).sum();
        return flaggedNll(model, tokens, Flags.of(targetMask), intervention).neg().exp().sum();
    }

    /** The nll (n) of the flagged targets in row-major order; the head sees only those n hidden states. */
    private static NDArray flaggedNll(CausalLm model, NDArray tokens, Flags flags, Intervention intervention) {
        NDArray inputs = tokens.get(new NDIndex(":, :-1"));
        NDArray targets = tokens.get(new NDIndex(":, 1:"));
        NDArray hidden = model.hidden(inputs, intervention);
        long width = hidden.getShape().get(2);
        NDArray index = tokens.getManager().create(flags.positions);
        NDArray selected = hidden.reshape(-1, width).get(index);
        NDArray selectedTargets = targets.reshape(-1).get(index);
        long n = flags.positions.length;
        return slicedNll(selected.reshape(1, n, width), model.outputEmbedding(intervention), selectedTargets.reshape(1, n), null)
                .reshape(n);
    }

    /** The flagged positions of a (rows, time) 0/1 mask, flattened row-major, and the row of each. */
    private record Flags(long[] positions, int[] rowOf, int rows) {
        static Flags of(NDArray targetMask) {
            int rows = Math.toIntExact(targetMask.getShape().get(0));
            int time = Math.toIntExact(targetMask.getShape().get(1));
            float[] mask = targetMask.toFloatArray();
            int n = 0;
            for (float m : mask) if (m != 0f) n++;
            if (n == 0) throw new IllegalArgumentException("no target is flagged: nothing to score");
            long[] positions = new long[n];
            int[] rowOf = new int[n];
            for (int i = 0, k = 0; i < mask.length; i++) {
                if (mask[i] == 0f) continue;
                if (mask[i] != 1f) throw new IllegalArgumentException("a target mask holds 0 or 1, not " + mask[i]);
                positions[k] = i;
                rowOf[k++] = i / time;
            }
            return new Flags(positions, rowOf, rows);
        }

        /** (rows, n): 1 where flagged position k belongs to the row. */
        NDArray rowSelector(ai.djl.ndarray.NDManager manager) {
            float[] selector = new float[rows * positions.length];
            for (int k = 0; k < positions.length; k++) selector[rowOf[k] * positions.length + k] = 1f;
            return manager.create(selector, new ai.djl.ndarray.types.Shape(rows, positions.length));
        }
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
     *
     * <p>Where {@code unlikelihood} (one 0/1 flag per position, or null) is 1, the value is log(1 − p) =
     * log Σ<sub>j≠t</sub> p<sub>j</sub> instead, computed from the other tokens' probabilities (stable as
     * p → 1), and its logit gradient {@code g = q − softmax} with q the softmax over the other tokens
     * (0 at the target) takes the place of softmax − onehot in the same surrogate.
     */
    static NDArray slicedNll(NDArray hidden, NDArray head, NDArray targets, float[] unlikelihood) {
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
            NDArray unlikely = null;
            NDArray others = null; // log-probabilities with the target pushed to −1e4: the other tokens only
            NDArray othersLogSum = null;
            if (unlikelihood != null) {
                float[] flags = java.util.Arrays.copyOfRange(unlikelihood, Math.toIntExact(start),
                        Math.toIntExact(Math.min(positions, start + CHUNK_POSITIONS)));
                unlikely = hidden.getManager().create(flags);
                try (NDArray oneHot = oneHot(sliceTargets, vocab); NDArray pushed = oneHot.mul(1e4f)) {
                    others = logProbs.sub(pushed);
                }
                NDArray max = others.max(new int[] {-1}, true);
                try (NDArray shifted = others.sub(max); NDArray exponentials = shifted.exp()) {
                    othersLogSum = exponentials.sum(new int[] {-1}).log().add(max.squeeze(-1)); // log(1 − p)
                }
                max.close();
                nll = nll.mul(unlikely.neg().add(1)).add(othersLogSum.mul(unlikely));
            }
            if (recording) {
                NDArray oneHot = oneHot(sliceTargets, vocab);
                NDArray g = logProbs.exp().subi(oneHot); // softmax − onehot
                oneHot.close();
                if (unlikely != null) {
                    // q − softmax on flagged positions, with q = exp(others − log(1 − p))
                    NDArray gUnlikely;
                    try (NDArray centred = others.sub(othersLogSum.expandDims(-1)); NDArray probabilities = logProbs.exp()) {
                        gUnlikely = centred.exp().subi(probabilities);
                    }
                    NDArray flag = unlikely.expandDims(-1);
                    g.muli(flag.neg().add(1)).addi(gUnlikely.muli(flag)); // in place: no third vocabulary-wide array
                    gUnlikely.close();
                }
                NDArray headGradient = g.matMul(head); // (n, d), differentiable in the head only
                NDArray surrogate = flatHidden.get(rows).mul(headGradient.stopGradient()).sum(new int[] {1})
                        .add(hiddenValue.get(rows).mul(headGradient).sum(new int[] {1}));
                nll = nll.add(surrogate.sub(surrogate.stopGradient()));
                g.close(); // autograd keeps its own reference to g for the head's backward
            }
            logProbs.close();
            if (others != null) others.close();
            slices.add(nll);
        }
        return (slices.size() == 1 ? slices.head() : NDArrays.concat(slices)).reshape(batch, time);
    }

    /**
     * The float one-hot (n, vocab) of int64 {@code targets}. DJL's {@code oneHot(depth)} makes PyTorch's int64
     * one-hot and returns a float copy, leaving the int64 array (twice the size) open until the enclosing scope
     * closes: 412 MB per 1,024-position slice that stayed alive for the whole step (measured: BalancedSubnet's
     * step at batch 64 peaked at 10.6 GB). Asking for int64 returns PyTorch's array itself, closed here.
     */
    private static NDArray oneHot(NDArray targets, int vocab) {
        try (NDArray hot = targets.oneHot(vocab, DataType.INT64)) {
            return hot.toType(DataType.FLOAT32, false);
        }
    }
}
