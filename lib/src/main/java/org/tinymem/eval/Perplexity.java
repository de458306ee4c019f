package org.tinymem.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;

/**
 * Perplexity on held-out text (App. A.1.2 "Evaluation"; SPEC §4): exp of the mean next-token
 * cross-entropy over every real target token of the rows. Ours: one exp of the overall mean (the
 * reference averages per-batch exps, which depends on the batch size and overweights bad batches).
 */
public final class Perplexity {
    private static final int BATCH = 32;

    private Perplexity() {}

    public static double of(CausalLm model, List<int[]> rows) {
        return Math.exp(meanLoss(model, rows));
    }

    /** Mean next-token cross-entropy (nats) over the real target tokens of {@code rows}. */
    public static double meanLoss(CausalLm model, List<int[]> rows) {
        if (rows.isEmpty()) throw new IllegalArgumentException("perplexity needs at least one row");
        double lossSum = 0;
        double tokens = 0;
        try (NDManager manager = model.manager().newSubManager()) {
            for (int start = 0; start < rows.size(); start += BATCH) {
                try (NDScope ignored = new NDScope()) {
                    var batch = TokenBatch.pack(manager, rows.subList(start, Math.min(rows.size(), start + BATCH)), model.padToken());
                    NextTokenLoss.Terms terms = NextTokenLoss.of(model, batch, Intervention.NONE);
                    lossSum += terms.nll().mul(terms.mask()).sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                    tokens += terms.mask().sum().getFloat();
                }
            }
        }
        if (tokens == 0) throw new IllegalArgumentException("perplexity needs at least one real target token");
        return lossSum / tokens;
    }
}
