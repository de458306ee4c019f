package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;

/**
 * Act (activations, §3.3 after Chang et al. 2024): the attribution of unit {@code j} is
 * |mean activation over the continuation positions of the memorized rows| × ‖row j of the MLP output
 * projection‖₂ (SPEC §7), i.e. how much the unit writes into the residual stream while the model
 * reproduces the memorized continuations. The mean is over every continuation position of every
 * unlearn row together (token-weighted). The activations are read through the
 * {@link Intervention#mlpHidden} hook (after the ReLU, so |·| only matters for signed activations).
 */
public final class Act extends NeuronUnlearner {

    /**
     * @param ratio fraction of units per layer to ablate (grid 1e-4 … 0.1, App. A.3.5)
     * @param batchSize rows per forward pass (memory only)
     */
    public record Params(double ratio, int batchSize) implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
            UnlearnParams.checkPositive("batch size", batchSize);
        }

        /** Ratio 0.01 (ours: the middle of the paper grid); batch 64 (ours). */
        public static Params defaults() {
            return new Params(1e-2, 64);
        }
    }

    private final Params params;

    public Act(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "act";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public float[][] attribute(CausalLm model, UnlearnSets sets) {
        int width = MlpUnits.width(model);
        double[][] sums = new double[model.layers()][width];
        double count = 0;
        try (NDManager scratch = model.manager().newSubManager()) {
            for (ContinuationBatch batch : ContinuationBatch.of(sets, params.batchSize())) {
                try (NDScope ignored = new NDScope()) {
                    NDArray tokens = batch.tokens(scratch, model);
                    NDArray positions = batch.targetMask(scratch, model).expandDims(-1); // (rows, time − 1, 1)
                    NDArray[] hidden = new NDArray[model.layers()];
                    model.hidden(ContinuationBatch.inputs(tokens), new Intervention() {
                        @Override
                        public NDArray mlpHidden(int layer, NDArray activations) {
                            hidden[layer] = activations;
                            return activations;
                        }
                    });
                    count += positions.sum().getFloat();
                    for (int layer = 0; layer < model.layers(); layer++) {
                        float[] layerSums = hidden[layer].mul(positions).sum(new int[] {0, 1}).toFloatArray();
                        for (int j = 0; j < width; j++) sums[layer][j] += layerSums[j];
                    }
                }
            }
        }
        double[][] scores = new double[model.layers()][width];
        for (int layer = 0; layer < model.layers(); layer++) {
            float[] norms = MlpUnits.outputNorms(model, layer);
            for (int j = 0; j < width; j++) scores[layer][j] = Math.abs(sums[layer][j] / Math.max(1, count)) * norms[j];
        }
        return toFloats(scores);
    }
}
