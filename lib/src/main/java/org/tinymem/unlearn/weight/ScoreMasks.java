package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.model.Intervention;
import org.tinymem.unlearn.Mask;

/**
 * Learned binary masks over frozen weights with a straight-through estimator (Alg. 5–6, after the
 * edge-popup of Ramanujan et al. 2020): one real score per eligible weight; the forward pass uses
 * W ⊙ M where M zeroes the floor(ratio · numel) entries of lowest |score| in each tensor, and the
 * backward pass treats M as |score| (M = hard + (|s| − stopGradient(|s|))), so gradients reach the
 * scores and never the weights.
 */
final class ScoreMasks implements Intervention, AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> scores = new LinkedHashMap<>();
    private final double ratio;

    /** Scores ~ Kaiming-uniform, U(−1/√fan_in, 1/√fan_in) as PyTorch's {@code kaiming_uniform_(a=√5)}. */
    ScoreMasks(NDManager parent, Map<String, NDArray> eligible, double ratio, long seed) {
        this.manager = parent.newSubManager();
        this.ratio = ratio;
        Random random = new Random(seed);
        eligible.forEach((name, weight) -> {
            long[] shape = weight.getShape().getShape();
            // fan_in as PyTorch computes it on the stored tensor (dim 1); a 1-D bias uses its length
            double bound = 1 / Math.sqrt(shape.length >= 2 ? shape[1] : shape[0]);
            float[] values = new float[Math.toIntExact(weight.size())];
            for (int i = 0; i < values.length; i++) values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            NDArray score = manager.create(values, weight.getShape());
            score.setRequiresGradient(true);
            scores.put(name, score);
        });
    }

    List<NDArray> scores() {
        return new ArrayList<>(scores.values());
    }

    /** The hard {0, 1} mask of one tensor: zeros at its floor(ratio · numel) lowest-|score| entries. */
    NDArray hard(String name, NDManager owner) {
        NDArray magnitude = scores.get(name).stopGradient().abs();
        long[] dropped = Mask.topIndices(magnitude, Mask.count(ratio, magnitude.size()), false);
        return Mask.zerosAt(owner, magnitude, dropped);
    }

    /** The straight-through mask: exactly {@link #hard} forward, gradient of |score| backward. */
    NDArray straightThrough(String name) {
        NDArray score = scores.get(name);
        NDArray magnitude = score.abs();
        return hard(name, score.getManager()).add(magnitude.sub(magnitude.stopGradient()));
    }

    @Override
    public NDArray weight(String name, NDArray parameter) {
        return scores.containsKey(name) ? parameter.stopGradient().mul(straightThrough(name)) : parameter;
    }

    /** Writes W ⊙ M into the weights ("fold" the final masks); returns the number of zeroed entries. */
    long fold(Map<String, NDArray> eligible) {
        long zeroed = 0;
        try (NDManager scratch = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> entry : eligible.entrySet()) {
                NDArray mask = hard(entry.getKey(), scratch);
                entry.getValue().muli(mask);
                zeroed += mask.size() - (long) mask.sum().getFloat();
            }
        }
        return zeroed;
    }

    @Override
    public void close() {
        manager.close();
    }
}
