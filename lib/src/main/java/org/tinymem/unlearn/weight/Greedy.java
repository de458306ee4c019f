package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.unlearn.Gradients;
import org.tinymem.unlearn.LabeledBatch;
import org.tinymem.unlearn.Mask;
import org.tinymem.unlearn.TensorScope;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/**
 * Greedy (Alg. 1, after Maini et al. 2023): walk through shuffled batches of memorized (label −1)
 * and retain (label +1) rows; for each batch take the gradient of Σ_retain ℓ − Σ_mem ℓ and zero the
 * one eligible weight with the largest positive w · ∂objective/∂w (the first-order estimate of how
 * much zeroing it lowers the objective); stop after floor(ratio · #eligible) weights. Weights that
 * are already zero are never picked again, so the count is exact.
 *
 * <p>Score: Alg. 1 as printed ranks weights by |∂objective/∂w|; the reference code
 * ({@code src/localize/weight/greedy.py}) and we rank by w · ∂objective/∂w, the first-order change of the
 * objective when w is set to 0 — the quantity that matters when the edit is zeroing (a large gradient on a
 * weight that is already near 0 says nothing about removing it). Default ratio 1e-4: a point of the paper's
 * grid, not tuned (ours).
 */
public final class Greedy implements Unlearner {

    /**
     * @param ratio fraction of all eligible weights to zero (grid 1e-5 … 0.05, App. A.3.5)
     * @param batchSize rows per batch
     * @param tensors eligible tensors
     * @param seed shuffling seed
     */
    public record Params(double ratio, int batchSize, TensorScope tensors, long seed) implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
            UnlearnParams.checkPositive("batch size", batchSize);
            java.util.Objects.requireNonNull(tensors, "tensors");
        }

        public static Params defaults() {
            return new Params(1e-4, 64, TensorScope.MLP, 0);
        }
    }

    private final Params params;

    public Greedy(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "greedy";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        List<String> names = params.tensors().names(model);
        Map<String, NDArray> eligible = Mask.select(model.parameters(), names);
        long target = Mask.count(params.ratio(), eligible.values().stream().mapToLong(NDArray::size).sum());
        Random random = new Random(params.seed());
        long dropped = 0;
        try (Gradients.Frozen frozen = Gradients.freezeAllBut(model, names);
             NDManager manager = model.manager().newSubManager()) {
            while (dropped < target) {
                for (LabeledBatch batch : LabeledBatch.shuffled(sets, true, params.batchSize(), random)) {
                    if (dropped == target) break;
                    Gradients.backward(() -> batch.loss(model, Intervention.NONE, manager, -1, 1, false));
                    try (NDManager step = manager.newSubManager()) {
                        dropBest(eligible, Gradients.take(eligible, step));
                    }
                    dropped++;
                }
            }
        }
        return dropped;
    }

    /** Zeroes the single non-zero weight with the largest w · gradient across all eligible tensors. */
    private static void dropBest(Map<String, NDArray> eligible, Map<String, NDArray> gradients) {
        String bestName = null;
        long bestIndex = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (Map.Entry<String, NDArray> entry : eligible.entrySet()) {
            try (NDScope ignored = new NDScope()) {
                NDArray weight = entry.getValue();
                NDArray product = weight.mul(gradients.get(entry.getKey()));
                // already-ablated (zero) weights are out of the running
                NDArray score = NDArrays.where(weight.eq(0), product.onesLike().mul(-Float.MAX_VALUE), product);
                NDList top = score.flatten().topK(1, 0, true, false);
                float value = top.get(0).getFloat();
                if (value > bestScore || bestName == null) {
                    bestScore = value;
                    bestName = entry.getKey();
                    bestIndex = top.get(1).getLong();
                }
            }
        }
        Mask.zero(eligible.get(bestName), new long[] {bestIndex});
    }
}
