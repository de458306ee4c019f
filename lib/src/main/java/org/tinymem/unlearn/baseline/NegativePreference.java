package org.tinymem.unlearn.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Scalars;
import org.tinymem.unlearn.LabeledBatch;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.EpochLadder;
import org.tinymem.unlearn.Unlearner;

/**
 * Negative Preference Optimization (not in the paper; Zhang et al. 2024, "Negative Preference
 * Optimization: From Catastrophic Collapse to Effective Unlearning", Eq. 3): DPO with only a
 * rejected answer,
 * <pre>L_NPO = (2/β) · E[log(1 + (π_θ(y|x) / π_ref(y|x))^β)] = (2/β) · E[softplus(β · (log π_θ(y|x) − log π_ref(y|x)))]</pre>
 * over the memorized rows, x the prompt and y the memorized continuation, log π(y|x) the sum of the
 * continuation tokens' log-probabilities, π_ref the model before the edit. As β → 0 it becomes
 * gradient ascent; unlike it, each row's gradient fades once π_θ(y|x) ≪ π_ref(y|x), which slows the
 * collapse. With a loss weight w > 0 a retain term is added (NPO + RT in Zhang et al.):
 * L = (1 − w)·L_NPO + w·mean ℓ(retain rows); w = 0 (the default) is plain NPO, without retain rows.
 *
 * <p>π_ref is frozen, so log π_ref(y|x) of every memorized row is a constant: we compute it once,
 * before the first step, instead of keeping a second model (the same loss and gradient as a frozen
 * copy, without its memory).
 */
public final class NegativePreference implements Unlearner, EpochLadder {

    /**
     * @param training the fine-tuning loop's settings
     * @param beta β, the inverse temperature (Zhang et al. 2024: 0.1)
     * @param lossWeight w, the retain term's weight in [0, 1) (0: plain NPO)
     */
    public record Params(Training training, double beta, double lossWeight) implements UnlearnParams {
        /** Zhang et al. 2024's β. */
        public static final double PAPER_BETA = 0.1;

        public Params {
            java.util.Objects.requireNonNull(training, "training");
            if (!(beta > 0 && Double.isFinite(beta))) throw new IllegalArgumentException("beta must be positive, got " + beta);
            if (!(lossWeight >= 0 && lossWeight < 1)) {
                throw new IllegalArgumentException("loss weight of npo must be in [0, 1), got " + lossWeight);
            }
        }

        public static Params defaults() {
            return new Params(Training.defaults(), PAPER_BETA, 0);
        }

        /** Every parameter is updated: 1 by construction. */
        @Override
        public double ratio() {
            return 1;
        }
    }

    private final Params params;

    public NegativePreference(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "npo";
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

    /** The reference model is {@code model} as the loop finds it: the unedited weights. */
    private long train(CausalLm model, UnlearnSets sets, Training training, Training.EpochEnd end) {
        Map<int[], Float> reference = referenceLogLosses(model, sets);
        double w = params.lossWeight();
        return training.run(model, sets, w > 0, (batch, manager) -> {
            RowLosses losses = RowLosses.of(model, batch, manager);
            NDArray memorized = RowLosses.memorized(batch, manager);
            float[] referenceSums = new float[batch.rows().size()];
            for (int r = 0; r < referenceSums.length; r++) {
                referenceSums[r] = batch.memorized()[r] ? reference.get(batch.rows().get(r)) : 0f;
            }
            NDArray npo = RowLosses.groupMean(loss(losses.sums(), manager.create(referenceSums), params.beta()), memorized);
            if (w == 0) return npo;
            NDArray retain = RowLosses.groupMean(losses.means(), memorized.neg().add(1));
            return Scalars.times(npo, 1 - w).add(Scalars.times(retain, w));
        }, end);
    }

    /**
     * Per-row NPO loss (2/β)·softplus(β·(log π_θ − log π_ref)) from the rows' summed −log p under the
     * model ({@code sums}) and under the reference ({@code referenceSums}); softplus is computed as
     * max(x, 0) + log(1 + e^−|x|), stable for any x.
     */
    static NDArray loss(NDArray sums, NDArray referenceSums, double beta) {
        NDArray x = Scalars.times(referenceSums.sub(sums), beta); // β · (log π_θ − log π_ref)
        NDArray softplus = Scalars.atLeast(x, 0).add(x.abs().neg().exp().add(1).log());
        return Scalars.times(softplus, 2 / beta);
    }

    /** Σ −log p of every memorized row's continuation under the model before the edit (no gradients recorded). */
    private Map<int[], Float> referenceLogLosses(CausalLm model, UnlearnSets sets) {
        Map<int[], Float> reference = new IdentityHashMap<>();
        int batchSize = params.training().batchSize();
        for (int start = 0; start < sets.unlearn().size(); start += batchSize) {
            int end = Math.min(sets.unlearn().size(), start + batchSize);
            List<int[]> rows = sets.unlearn().subList(start, end);
            boolean[] all = new boolean[rows.size()];
            java.util.Arrays.fill(all, true);
            try (NDScope ignored = new NDScope(); NDManager manager = model.manager().newSubManager()) {
                float[] sums = RowLosses.of(model, new LabeledBatch(rows, all, sets.roles().subList(start, end)), manager)
                        .sums().toFloatArray();
                for (int i = 0; i < rows.size(); i++) reference.put(rows.get(i), sums[i]);
            }
        }
        return reference;
    }
}
