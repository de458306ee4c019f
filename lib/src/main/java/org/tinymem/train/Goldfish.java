package org.tinymem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.tinymem.data.TrainRow;
import org.tinymem.model.NextTokenLoss;

/**
 * Goldfish loss (Hans et al. 2024, "Be like a Goldfish, Don't Memorize! Mitigating Memorization in
 * Generative LLMs"; not in the paper we reproduce): about 1/k of the tokens are left out of the
 * next-token loss, so no training sequence is ever learned whole, and which tokens are left out is
 * decided by a hash of their local context (Hans et al.'s hashed mask, context width h = 13), so that
 * a duplicated passage drops the same tokens in every copy, whatever its row, position or batch.
 *
 * <p>Ours, where the description leaves a choice:
 * <ul>
 *   <li>Window: the token at position i of a row is dropped iff hash(tokens[i − h + 1 .. i]) mod k = 0,
 *       the window ending with the predicted token itself (issue #16's definition). Positions with
 *       fewer than h tokens from the row start hash what exists (tokens[0 .. i]), so only a row's
 *       first h − 1 tokens depend on where the passage starts.</li>
 *   <li>Hash: 64-bit FNV-1a over the window's token ids, finished with SplitMix64's mixer, read as
 *       an unsigned number: deterministic across runs, JVMs and thread counts (Java's
 *       {@code Arrays.hashCode} would be too, but its low bits are poorly mixed for mod k).</li>
 *   <li>Objective: the mean −log p over the real targets that are kept (the mean over a smaller set,
 *       not the full mean with zeros, so the step size stays that of plain training).</li>
 *   <li>Evaluation is unchanged: the mask applies to the training loss only.</li>
 * </ul>
 */
public final class Goldfish implements Regularizer {
    public static final String NAME = "goldfish";
    /** Hans et al. 2024's context width h. */
    public static final int PAPER_CONTEXT = 13;

    private final int k;
    private final int context;

    /**
     * @param k drop one token in k on average (Hans et al. 2024 use k = 4; our grid 2, 3, 4, 8)
     * @param context the hash's context width h (Hans et al.: 13)
     */
    public Goldfish(int k, int context) {
        if (k < 2) throw new IllegalArgumentException("goldfish k must be ≥ 2, got " + k);
        if (context < 1) throw new IllegalArgumentException("goldfish context width h must be ≥ 1, got " + context);
        this.k = k;
        this.context = context;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Whether the loss on token {@code i} of {@code tokens} is dropped. */
    public boolean dropped(int[] tokens, int i) {
        long hash = 0xcbf29ce484222325L; // FNV-1a offset basis
        for (int t = Math.max(0, i - context + 1); t <= i; t++) {
            hash = (hash ^ tokens[t]) * 0x100000001b3L; // FNV prime
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L; // SplitMix64 finaliser
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        hash ^= hash >>> 31;
        return Long.remainderUnsigned(hash, k) == 0;
    }

    /** The keep mask (rows, targets): target j of a row predicts its token j + 1; 0 where that token is dropped or absent. */
    public float[] keep(List<int[]> rows, int targets) {
        float[] keep = new float[rows.size() * targets];
        for (int r = 0; r < rows.size(); r++) {
            int[] tokens = rows.get(r);
            for (int j = 0; j < targets && j + 1 < tokens.length; j++) {
                keep[r * targets + j] = dropped(tokens, j + 1) ? 0f : 1f;
            }
        }
        return keep;
    }

    @Override
    public NDArray objective(NextTokenLoss.Terms terms, List<TrainRow> batch) {
        Shape shape = terms.nll().getShape();
        int targets = Math.toIntExact(shape.get(1));
        NDArray kept = terms.mask().mul(terms.nll().getManager().create(keep(batch.stream().map(TrainRow::tokens).toList(), targets), shape));
        return terms.nll().mul(kept).sum().div(kept.sum().maximum(1f));
    }
}
