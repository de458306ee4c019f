package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;

/**
 * Zero (zero-out, §3.3 and App. A.3.3 after Chang et al. 2024): the attribution of unit {@code j}
 * of block {@code l} is the loss on the memorized continuations with that one unit's activation set
 * to 0, minus the loss of the unedited model (SPEC §7). The loss is the mean next-token
 * cross-entropy over every continuation target of every unlearn row (one token-weighted mean). The
 * units whose removal raises the memorized loss most are dropped.
 *
 * <p>Ours vs. the reference code: MemPi's {@code fast_zero_out_vector} ablates one unit at a time as
 * described here; the TinyMem reference's variant instead keeps one unit and zeroes the others of
 * the layer, which measures something else (a defect, SPEC §7; {@code src/localize/neuron/zero_out.py}
 * builds {@code mask = zeros(inner_dim); mask[idx] = 1} and {@code Patch} multiplies the activations by it).
 * {@link #keepOne} reproduces that variant as a diagnostic ({@code --method zero-keep-one}), to measure how
 * much of the paper's Zero rows it explains; it is not one of the paper's methods. To be fast we score many units per
 * forward pass: the batch is repeated once per unit, each copy with its own unit zeroed through the
 * {@link Intervention#mlpHidden} hook; the scores are the same as one pass per unit.
 */
public final class Zero extends NeuronUnlearner {

    /**
     * @param ratio fraction of units per layer to ablate (grid 1e-4 … 0.1, App. A.3.5)
     * @param rowsPerPass rows per forward pass, counting the per-unit copies (memory only; the scores
     *     do not depend on it)
     */
    public record Params(double ratio, int rowsPerPass) implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
            UnlearnParams.checkPositive("rows per pass", rowsPerPass);
        }

        /** Ratio 0.01 (ours: the middle of the paper grid); 256 rows per pass (ours). */
        public static Params defaults() {
            return new Params(1e-2, 256);
        }
    }

    private final Params params;
    private final boolean keepOne;

    public Zero(Params params) {
        this(params, false);
    }

    private Zero(Params params, boolean keepOne) {
        this.params = params;
        this.keepOne = keepOne;
    }

    /**
     * The reference code's variant (diagnostic, not the paper's definition): the score of unit j is the loss
     * with every <em>other</em> unit of its layer zeroed, minus the original loss; the top scores are ablated.
     */
    public static Zero keepOne(Params params) {
        return new Zero(params, true);
    }

    @Override
    public String method() {
        return keepOne ? "zero-keep-one" : "zero";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public float[][] attribute(CausalLm model, UnlearnSets sets) {
        int width = MlpUnits.width(model);
        double[][] raised = new double[model.layers()][width];
        double count = 0;
        int rowsPerBatch = Math.min(params.rowsPerPass(), sets.unlearn().size());
        long total = (long) model.layers() * width * ((sets.unlearn().size() + rowsPerBatch - 1) / rowsPerBatch);
        long scored = 0;
        try (NDManager scratch = model.manager().newSubManager()) {
            for (ContinuationBatch batch : ContinuationBatch.of(sets, rowsPerBatch)) {
                try (NDManager batchManager = scratch.newSubManager()) {
                    NDArray tokens = batch.tokens(batchManager, model);
                    NDArray mask = batch.targetMask(batchManager, model);
                    double original;
                    try (NDScope ignored = new NDScope()) {
                        count += mask.sum().getFloat();
                        original = ContinuationBatch.nllSums(model, tokens, mask, Intervention.NONE).sum().getFloat();
                    }
                    int unitsPerPass = Math.max(1, params.rowsPerPass() / batch.size());
                    for (int layer = 0; layer < model.layers(); layer++) {
                        for (int first = 0; first < width; first += unitsPerPass) {
                            int units = Math.min(unitsPerPass, width - first);
                            float[] ablated = ablatedSums(model, tokens, mask, layer, first, units, width, keepOne);
                            for (int u = 0; u < units; u++) raised[layer][first + u] += ablated[u] - original;
                            scored += units;
                            progress().update(scored, total, "zero: units scored, block " + layer);
                        }
                    }
                }
            }
        }
        for (double[] layer : raised) for (int j = 0; j < layer.length; j++) layer[j] /= Math.max(1, count);
        return toFloats(raised);
    }

    /**
     * Σ continuation nll of the batch with unit {@code first + u} of {@code layer} zeroed (or, {@code keepOne},
     * with every other unit of the layer zeroed), for u < {@code units}.
     */
    private static float[] ablatedSums(CausalLm model, NDArray tokens, NDArray mask, int layer, int first, int units,
                                       int width, boolean keepOne) {
        try (NDScope ignored = new NDScope()) {
            int rows = Math.toIntExact(tokens.getShape().get(0));
            float[] keep = new float[units * rows * width];
            java.util.Arrays.fill(keep, keepOne ? 0f : 1f);
            for (int u = 0; u < units; u++) {
                for (int r = 0; r < rows; r++) keep[(u * rows + r) * width + first + u] = keepOne ? 1f : 0f;
            }
            NDArray unitMask = tokens.getManager().create(keep, new Shape(units * rows, 1, width));
            Intervention zeroOne = new Intervention() {
                @Override
                public NDArray mlpHidden(int l, NDArray hidden) {
                    return l == layer ? hidden.mul(unitMask) : hidden;
                }
            };
            NDArray copies = tokens.tile(new long[] {units, 1});
            NDArray sums = ContinuationBatch.nllSums(model, copies, mask.tile(new long[] {units, 1}), zeroOne);
            return sums.reshape(units, rows).sum(new int[] {1}).toFloatArray();
        }
    }
}
