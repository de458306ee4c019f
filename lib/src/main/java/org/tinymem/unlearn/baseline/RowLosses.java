package org.tinymem.unlearn.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.unlearn.LabeledBatch;
import org.tinymem.unlearn.UnlearnTokens;

/**
 * Per-row next-token losses of a labelled batch: a memorized row counts its continuation tokens
 * (the answer, not the prompt, as TOFU's losses mask the question), a retain row every real token.
 * The losses come from {@link NextTokenLoss}, which applies a large vocabulary's head slice by slice,
 * so no batch × time × 50,257 logits are ever materialised.
 *
 * @param sums per row, Σ −log p over its counted tokens = −log π(y | x) of the counted tokens
 * @param counts per row, how many tokens were counted
 */
record RowLosses(NDArray sums, NDArray counts) {

    /** Per-row mean −log p (a row without counted tokens gives 0). */
    NDArray means() {
        return sums.div(counts.maximum(1f));
    }

    static RowLosses of(CausalLm model, LabeledBatch batch, NDManager manager) {
        TokenBatch.Packed packed = TokenBatch.packWithMask(manager, batch.rows(), model.padToken());
        NextTokenLoss.Terms terms = NextTokenLoss.of(model, packed, Intervention.NONE);
        NDArray mask = terms.mask().mul(manager.create(counted(batch, terms.nll().getShape().get(1)), terms.nll().getShape()));
        return new RowLosses(terms.nll().mul(mask).sum(new int[] {1}), mask.sum(new int[] {1}));
    }

    /** 1 where a target is counted: target j predicts token j + 1 and takes that token's role. */
    private static float[] counted(LabeledBatch batch, long targets) {
        float[] counted = new float[Math.toIntExact(batch.rows().size() * targets)];
        for (int r = 0; r < batch.rows().size(); r++) {
            int[] roles = batch.roles().get(r);
            for (int j = 0; j < targets; j++) {
                boolean keep = !batch.memorized()[r] || roles == null
                        || (j + 1 < roles.length && UnlearnTokens.CONTINUATION.includes(roles[j + 1]));
                counted[Math.toIntExact(r * targets + j)] = keep ? 1f : 0f;
            }
        }
        return counted;
    }

    /** 1 for memorized rows, 0 for retain rows. */
    static NDArray memorized(LabeledBatch batch, NDManager manager) {
        float[] flags = new float[batch.rows().size()];
        for (int r = 0; r < flags.length; r++) flags[r] = batch.memorized()[r] ? 1f : 0f;
        return manager.create(flags);
    }

    /** Mean of {@code values} over the rows where {@code flags} is 1 (0 when there are none). */
    static NDArray groupMean(NDArray values, NDArray flags) {
        return values.mul(flags).sum().div(flags.sum().maximum(1f));
    }
}
