package org.tinymem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tinymem.data.TrainRow;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.Safetensors;

/**
 * Loss truncation (Kang &amp; Hashimoto 2020; §3.1, App. A.2.2, SPEC §5): the mean loss of each
 * sequence goes into a ring buffer of the last 10,000; once the buffer is full, sequences whose loss
 * lies above the buffer's (1 − dropc) quantile are left out of the step. Before that nothing is dropped.
 * <p>
 * Quantile: with n losses in the buffer, the ⌊dropc·n⌋ largest are "above" it (threshold = the value
 * of rank n − ⌊dropc·n⌋; ties with it are kept). The buffer already holds the current batch.
 * Objective: the mean token loss over the kept sequences, i.e. training without truncation restricted
 * to them (the reference zeroes dropped sequences and still divides by the full batch, which also
 * shrinks the step; we keep the step size of plain training).
 */
public final class LossTruncation implements Regularizer {
    public static final String NAME = "loss-truncation";
    public static final int BUFFER = 10_000;
    private static final String STATE = "loss_truncation.recent";

    private final double dropc;
    private final float[] ring;
    private int filled;
    private int next;

    /** @param dropc share of the highest-loss sequences to drop (the paper's grid: 0.01, 0.05, 0.1) */
    public LossTruncation(double dropc) {
        this(dropc, BUFFER);
    }

    /** A buffer of {@code capacity} losses instead of 10,000 (tests). */
    public LossTruncation(double dropc, int capacity) {
        if (!(dropc > 0 && dropc < 1)) throw new IllegalArgumentException("dropc must be in (0, 1), got " + dropc);
        if (capacity <= 0) throw new IllegalArgumentException("buffer capacity must be positive, got " + capacity);
        this.dropc = dropc;
        this.ring = new float[capacity];
    }

    @Override
    public String name() {
        return NAME;
    }

    public double dropc() {
        return dropc;
    }

    /** Records {@code losses} in the buffer and says which of them the step keeps. */
    public boolean[] keep(float[] losses) {
        for (float loss : losses) {
            ring[next] = loss;
            next = (next + 1) % ring.length;
            filled = Math.min(filled + 1, ring.length);
        }
        boolean[] keep = new boolean[losses.length];
        Arrays.fill(keep, true);
        if (filled < ring.length) return keep;
        int dropped = (int) Math.floor(dropc * ring.length + 1e-9);
        if (dropped == 0) return keep;
        float[] sorted = ring.clone();
        Arrays.sort(sorted);
        float threshold = sorted[ring.length - dropped - 1];
        for (int i = 0; i < losses.length; i++) keep[i] = losses[i] <= threshold;
        return keep;
    }

    @Override
    public NDArray objective(NextTokenLoss.Terms terms, List<TrainRow> batch) {
        boolean[] keep = keep(terms.perSequence().toFloatArray());
        float[] weights = new float[keep.length];
        for (int i = 0; i < keep.length; i++) weights[i] = keep[i] ? 1f : 0f;
        NDArray kept = terms.mask().mul(terms.nll().getManager().create(weights, new Shape(keep.length, 1)));
        return terms.nll().mul(kept).sum().div(kept.sum().maximum(1f));
    }

    /** The buffer, oldest first. */
    float[] recent() {
        float[] out = new float[filled];
        int start = filled < ring.length ? 0 : next;
        for (int i = 0; i < filled; i++) out[i] = ring[(start + i) % ring.length];
        return out;
    }

    @Override
    public Map<String, Safetensors.Tensor> state() {
        float[] recent = recent();
        return Map.of(STATE, Safetensors.Tensor.ofFloats(recent, recent.length));
    }

    @Override
    public void restore(Map<String, Safetensors.Tensor> state) {
        Safetensors.Tensor saved = state.get(STATE);
        if (saved == null) throw new IllegalArgumentException("checkpoint lacks the loss-truncation buffer");
        filled = 0;
        next = 0;
        keep(saved.floats());
    }
}
