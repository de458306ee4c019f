package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.Scalars;
import org.tinymem.unlearn.Gradients;
import org.tinymem.unlearn.UnlearnSets;

/**
 * The loop shared by Slim and HC: per-unit gates on the MLP hidden units of every block, trained with
 * Adam on loss = LM loss on the memorized continuations + λ · sparsity penalty, the model frozen.
 * One epoch is one pass over the unlearn rows in order, one step per batch (the reference's HC; its
 * Slim takes one full-batch step per epoch, the same for ≤ {@code batchSize} rows). Ours: gradients
 * are zeroed after every step (the reference's HC zeroes them once per epoch, so later batches of an
 * epoch step on running sums).
 */
final class GateTraining {
    private GateTraining() {}

    /** The gates of one method. */
    interface Gates {
        /** The trained tensors, one (width) vector per block. */
        List<NDArray> parameters();

        /** The hook of one training step; {@code step} owns whatever the step draws (HC's noise). */
        Intervention training(NDManager step);

        /** The sparsity penalty (mean over every unit of every block), before λ. */
        NDArray penalty();

        /** After each optimizer step (Slim clips its coefficients to [0, 1]). */
        default void afterStep() {}

        /** Whether the LM loss covers every target of a row, prompt included (the reference's), not the continuation only. */
        default boolean wholeRow() {
            return false;
        }
    }

    static void train(CausalLm model, UnlearnSets sets, Gates gates, int epochs, double lambda, double learningRate,
                      int batchSize) {
        List<ContinuationBatch> batches = ContinuationBatch.of(sets, batchSize);
        try (Gradients.Frozen frozen = Gradients.freezeAllBut(model, List.of());
             NDManager scratch = model.manager().newSubManager();
             Adam adam = new Adam(gates.parameters(), scratch, learningRate)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (ContinuationBatch batch : batches) {
                    try (NDManager step = scratch.newSubManager()) {
                        NDArray tokens = batch.tokens(step, model);
                        NDArray mask = gates.wholeRow() ? batch.rowMask(step, model) : batch.targetMask(step, model);
                        Intervention hook = gates.training(step);
                        Gradients.backward(() -> ContinuationBatch.meanNll(model, tokens, mask, hook)
                                .add(Scalars.times(gates.penalty(), lambda)));
                    }
                    adam.step();
                    gates.afterStep();
                }
            }
        }
    }

    /** A hook that multiplies block l's hidden units by {@code gates.get(l)}. */
    static Intervention scaling(List<NDArray> gates) {
        return new Intervention() {
            @Override
            public NDArray mlpHidden(int layer, NDArray hidden) {
                return hidden.mul(gates.get(layer));
            }
        };
    }

    /** The gates' values, {@code [layer][unit]}. */
    static float[][] values(List<NDArray> gates) {
        float[][] values = new float[gates.size()][];
        for (int l = 0; l < values.length; l++) values[l] = gates.get(l).toFloatArray();
        return values;
    }
}
