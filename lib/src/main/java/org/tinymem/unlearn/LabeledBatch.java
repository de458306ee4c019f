package org.tinymem.unlearn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;

/**
 * A batch whose rows are labelled memorized or retain (the {@code batch_mask} of Alg. 1 and 6).
 *
 * @param rows token rows
 * @param memorized per row: true for an unlearn-set row
 * @param roles per row: the token roles of an unlearn row (see {@link UnlearnSets#roles}), null for a retain row
 */
public record LabeledBatch(List<int[]> rows, boolean[] memorized, List<int[]> roles) {
    public LabeledBatch {
        if (rows.size() != memorized.length) throw new IllegalArgumentException("one label per row");
        if (roles.size() != rows.size()) throw new IllegalArgumentException("one role array (or null) per row");
    }

    /** A batch without token roles (every token of every row counts). */
    public LabeledBatch(List<int[]> rows, boolean[] memorized) {
        this(rows, memorized, java.util.Collections.nCopies(rows.size(), null));
    }

    /**
     * Shuffled batches of the unlearn rows, with the retain rows mixed in when {@code withRetain}
     * ("shuffled_data ← Shuffle[memorized ∪ random]", Alg. 1 and 6).
     */
    public static List<LabeledBatch> shuffled(UnlearnSets sets, boolean withRetain, int batchSize, Random random) {
        List<Integer> order = new ArrayList<>();
        int total = sets.unlearn().size() + (withRetain ? sets.retain().size() : 0);
        for (int i = 0; i < total; i++) order.add(i);
        Collections.shuffle(order, random);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int start = 0; start < total; start += batchSize) {
            List<Integer> slice = order.subList(start, Math.min(total, start + batchSize));
            List<int[]> rows = new ArrayList<>();
            List<int[]> roles = new ArrayList<>();
            boolean[] labels = new boolean[slice.size()];
            for (int i = 0; i < slice.size(); i++) {
                int index = slice.get(i);
                labels[i] = index < sets.unlearn().size();
                rows.add(labels[i] ? sets.unlearn().get(index) : sets.retain().get(index - sets.unlearn().size()));
                roles.add(labels[i] ? sets.roles().get(index) : null);
            }
            batches.add(new LabeledBatch(rows, labels, roles));
        }
        return batches;
    }

    public int memorizedCount() {
        int count = 0;
        for (boolean m : memorized) count += m ? 1 : 0;
        return count;
    }

    /**
     * Per-row loss coefficients: {@code memorizedWeight} for memorized rows, {@code retainWeight}
     * for the others; with {@code groupMeans} each is divided by its group's size, and an empty
     * group contributes nothing (SPEC §7, BalancedSubnet).
     */
    public NDArray coefficients(NDManager manager, double memorizedWeight, double retainWeight, boolean groupMeans) {
        int memorizedRows = memorizedCount();
        int retainRows = rows.size() - memorizedRows;
        double perMemorized = groupMeans ? memorizedWeight / Math.max(1, memorizedRows) : memorizedWeight;
        double perRetain = groupMeans ? retainWeight / Math.max(1, retainRows) : retainWeight;
        float[] values = new float[rows.size()];
        for (int i = 0; i < values.length; i++) values[i] = (float) (memorized[i] ? perMemorized : perRetain);
        return manager.create(values);
    }

    /** Σ coefficient · per-sequence mean loss over the rows (the "loss · batch_mask" of Alg. 1 and 6). */
    public NDArray loss(CausalLm model, Intervention intervention, NDManager manager, double memorizedWeight,
                        double retainWeight, boolean groupMeans) {
        return loss(model, intervention, manager, memorizedWeight, retainWeight, groupMeans, UnlearnTokens.SEQUENCE);
    }

    /**
     * As {@link #loss(CausalLm, Intervention, NDManager, double, double, boolean)}, but the loss of
     * a memorized row is the mean over the target tokens that {@code tokens} selects by role
     * (a row with none contributes 0); retain rows use all their tokens.
     */
    public NDArray loss(CausalLm model, Intervention intervention, NDManager manager, double memorizedWeight,
                        double retainWeight, boolean groupMeans, UnlearnTokens tokens) {
        return loss(model, intervention, manager, memorizedWeight, retainWeight, groupMeans, tokens, ForgetLoss.ASCENT);
    }

    /**
     * As above, and a memorized row's per-token quantity is {@code forget}'s (the cross-entropy for
     * {@link ForgetLoss#ASCENT}, log(1 − p) for {@link ForgetLoss#UNLIKELIHOOD}); retain rows always
     * use the cross-entropy.
     */
    public NDArray loss(CausalLm model, Intervention intervention, NDManager manager, double memorizedWeight,
                        double retainWeight, boolean groupMeans, UnlearnTokens tokens, ForgetLoss forget) {
        TokenBatch.Packed packed = TokenBatch.packWithMask(manager, rows, model.padToken());
        // Large vocabularies never materialise the logits: the head's slices compute log(1 − p) themselves.
        boolean slicedUnlikelihood = forget == ForgetLoss.UNLIKELIHOOD && NextTokenLoss.isSliced(model);
        NextTokenLoss.Terms terms = slicedUnlikelihood ? NextTokenLoss.withUnlikelihood(model, packed, intervention, memorized)
                : NextTokenLoss.of(model, packed, intervention);
        NDArray coefficients = coefficients(manager, memorizedWeight, retainWeight, groupMeans);
        if (tokens == UnlearnTokens.SEQUENCE && (forget == ForgetLoss.ASCENT || slicedUnlikelihood)) {
            return terms.perSequence().mul(coefficients).sum();
        }
        NDArray values = terms.nll();
        if (forget != ForgetLoss.ASCENT && !slicedUnlikelihood) {
            float[] isMemorized = new float[rows.size()];
            for (int r = 0; r < isMemorized.length; r++) isMemorized[r] = memorized[r] ? 1f : 0f;
            NDArray rowIsMemorized = manager.create(isMemorized).expandDims(1);
            values = values.mul(rowIsMemorized.neg().add(1)).add(forget.perToken(terms).mul(rowIsMemorized));
        }
        // target j of a row predicts token j + 1, so it takes that token's role
        long targets = terms.nll().getShape().get(1);
        float[] selected = new float[Math.toIntExact(rows.size() * targets)];
        for (int r = 0; r < rows.size(); r++) {
            int[] rowRoles = roles.get(r);
            for (int j = 0; j < targets; j++) {
                boolean keep = rowRoles == null || (j + 1 < rowRoles.length && tokens.includes(rowRoles[j + 1]));
                selected[Math.toIntExact(r * targets + j)] = keep ? 1f : 0f;
            }
        }
        NDArray mask = terms.mask().mul(manager.create(selected, terms.nll().getShape()));
        NDArray perSequence = values.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
        return perSequence.mul(coefficients).sum();
    }
}
