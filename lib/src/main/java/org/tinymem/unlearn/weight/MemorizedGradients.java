package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.unlearn.Gradients;
import org.tinymem.unlearn.Mask;

/** Gradients of the loss on the unlearn set with respect to the eligible tensors (Alg. 2–4). */
final class MemorizedGradients {
    private MemorizedGradients() {}

    /**
     * Σ over memorized sequences of ∂ℓ(seq)/∂w, ℓ = the sequence's mean token loss ("for seq:
     * backpropagate loss", Alg. 3–4), computed {@code batchSize} sequences at a time.
     */
    static Map<String, NDArray> summed(CausalLm model, List<String> names, List<int[]> rows, int batchSize,
                                       NDManager manager) {
        Map<String, NDArray> eligible = Mask.select(model.parameters(), names);
        try (Gradients.Frozen frozen = Gradients.freezeAllBut(model, names);
             NDManager scratch = model.manager().newSubManager()) {
            for (int start = 0; start < rows.size(); start += batchSize) {
                List<int[]> batch = rows.subList(start, Math.min(rows.size(), start + batchSize));
                Gradients.backward(() -> NextTokenLoss.of(model, TokenBatch.packWithMask(scratch, batch, model.padToken()),
                        Intervention.NONE).perSequence().sum());
            }
            return Gradients.take(eligible, manager);
        }
    }

    /**
     * Splits the rows into {@code min(batches, rows)} near-equal batches and hands each batch's
     * gradient of its mean loss to {@code consumer} (SOU's m gradients; ours: each is one batch's
     * gradient, SPEC §7). The gradients are closed after the call.
     */
    static void perBatch(CausalLm model, List<String> names, List<int[]> rows, int batches,
                         Consumer<Map<String, NDArray>> consumer) {
        Map<String, NDArray> eligible = Mask.select(model.parameters(), names);
        int count = Math.min(batches, rows.size());
        try (Gradients.Frozen frozen = Gradients.freezeAllBut(model, names);
             NDManager scratch = model.manager().newSubManager()) {
            for (int b = 0; b < count; b++) {
                List<int[]> batch = rows.subList(b * rows.size() / count, (b + 1) * rows.size() / count);
                Gradients.backward(() -> NextTokenLoss.of(model, TokenBatch.packWithMask(scratch, batch, model.padToken()),
                        Intervention.NONE).mean());
                try (NDManager step = scratch.newSubManager()) {
                    consumer.accept(Gradients.take(eligible, step));
                }
            }
        }
    }
}
