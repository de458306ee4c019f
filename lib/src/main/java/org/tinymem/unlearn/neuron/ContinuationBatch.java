package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.unlearn.UnlearnSets;

/**
 * A batch of unlearn rows with the mask of their continuation targets: target {@code j} (the
 * prediction of token {@code j + 1}) counts iff token {@code j + 1} is not prompt and not padding.
 * Continuation and artifact roles count alike (see {@link NeuronUnlearner}).
 */
record ContinuationBatch(List<int[]> rows, List<int[]> roles) {

    /** The unlearn rows in order, {@code batchSize} at a time. */
    static List<ContinuationBatch> of(UnlearnSets sets, int batchSize) {
        List<ContinuationBatch> batches = new ArrayList<>();
        for (int start = 0; start < sets.unlearn().size(); start += batchSize) {
            int end = Math.min(sets.unlearn().size(), start + batchSize);
            batches.add(new ContinuationBatch(sets.unlearn().subList(start, end), sets.roles().subList(start, end)));
        }
        return batches;
    }

    int size() {
        return rows.size();
    }

    /** The packed (rows, length) tokens. */
    NDArray tokens(NDManager manager, CausalLm model) {
        return TokenBatch.packWithMask(manager, rows, model.padToken()).tokens(); // targetMask() is this batch's own
    }

    /** (rows, length − 1) floats: 1 at the continuation targets, 0 at prompt targets and padding. */
    NDArray targetMask(NDManager manager, CausalLm model) {
        return mask(manager, model, false);
    }

    /** (rows, length − 1) floats: 1 at every target of the row, prompt included (the reference's LM loss), 0 at padding. */
    NDArray rowMask(NDManager manager, CausalLm model) {
        return mask(manager, model, true);
    }

    private NDArray mask(NDManager manager, CausalLm model, boolean prompts) {
        int length = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        float[] mask = new float[rows.size() * (length - 1)];
        for (int r = 0; r < rows.size(); r++) {
            int[] row = rows.get(r);
            int[] rowRoles = roles.get(r);
            for (int j = 0; j + 1 < row.length; j++) {
                boolean keep = (prompts || rowRoles[j + 1] != UnlearnSets.PROMPT) && row[j + 1] != model.padToken();
                mask[r * (length - 1) + j] = keep ? 1f : 0f;
            }
        }
        return manager.create(mask, new ai.djl.ndarray.types.Shape(rows.size(), length - 1));
    }

    /**
     * Per-row Σ nll over the continuation targets of {@code tokens}, shape (rows), through
     * {@link NextTokenLoss#flaggedRowSums}: a large vocabulary's head sees the continuation positions only.
     */
    static NDArray nllSums(CausalLm model, NDArray tokens, NDArray targetMask, Intervention intervention) {
        return NextTokenLoss.flaggedRowSums(model, tokens, targetMask, intervention);
    }

    /** Mean nll over every continuation target of the batch: the LM loss of Slim and HC. */
    static NDArray meanNll(CausalLm model, NDArray tokens, NDArray targetMask, Intervention intervention) {
        return nllSums(model, tokens, targetMask, intervention).sum().div(targetMask.sum().maximum(1f));
    }

    /** The inputs {@code tokens[:, :-1]} whose positions the target mask describes. */
    static NDArray inputs(NDArray tokens) {
        return tokens.get(new NDIndex(":, :-1"));
    }
}
