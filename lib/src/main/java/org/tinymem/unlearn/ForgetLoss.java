package org.tinymem.unlearn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.tinymem.model.NextTokenLoss;

/**
 * The per-token quantity that the forget term of Subnet (Alg. 5) and BalancedSubnet (Alg. 6)
 * ascends on a memorized row; the term enters the loss with a negative coefficient, −(1 − w).
 *
 * <p>The paper ascends the cross-entropy ℓ = −log p of the memorized token ({@link #ASCENT}). Its
 * gradient with respect to the target logit is −(1 − p): it <em>vanishes</em> on the tokens the model
 * still reproduces confidently (p ≈ 1, exactly the memorized ones) and is largest on tokens already
 * forgotten (p → 0), where ℓ grows without bound. On our quick models the memorized rows have
 * near-zero loss, so the mask learns almost nothing from them: measured, the forget weight barely
 * mattered (60% → 26–28% memorized for w = 0.5 and w = 0.05 alike, about what the random initial
 * mask of ratio 0.05 does), while the ascended loss of the already-forgotten rows rose to 7–8 nats.
 *
 * <p>{@link #UNLIKELIHOOD} (ours, after the unlikelihood objective of Welleck et al. 2020) ascends
 * log(1 − p) instead: bounded above by 0, with target-logit gradient −p — largest on the tokens still
 * memorized and vanishing once a token is forgotten. The structure of Alg. 6 (sign, weights, batches,
 * masks) is unchanged; only ℓ(memorized row) is replaced by mean log(1 − p) over its forget tokens.
 */
public enum ForgetLoss {
    /** −log p, gradient ascent on the cross-entropy (Alg. 5–6 as written; the paper's default). */
    ASCENT,
    /** log(1 − p), the unlikelihood of the memorized token (ours; the quick-profile choice). */
    UNLIKELIHOOD;

    /** The per-position quantity for memorized rows, shaped like {@code terms.nll()}. */
    public NDArray perToken(NextTokenLoss.Terms terms) {
        if (this == ASCENT) return terms.nll();
        // log(1 − p_t) = logsumexp(z without z_t) − logsumexp(z), stable for p_t → 1
        NDArray logits = terms.logits();
        if (logits == null) {
            throw new IllegalStateException("log(1 - p) needs the logits; large vocabularies compute it in the sliced head"
                    + " (NextTokenLoss.withUnlikelihood)");
        }
        int vocab = Math.toIntExact(logits.getShape().get(logits.getShape().dimension() - 1));
        NDArray target = terms.targets().toType(DataType.INT32, false).oneHot(vocab).toType(logits.getDataType(), false);
        NDArray all = logSumExp(logits);
        NDArray others = logSumExp(logits.sub(target.mul(1e4f)));
        return others.sub(all);
    }

    private static NDArray logSumExp(NDArray x) {
        NDArray max = x.max(new int[] {-1}, true).stopGradient();
        return x.sub(max).exp().sum(new int[] {-1}).log().add(max.squeeze(-1));
    }

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ForgetLoss parse(String name) {
        for (ForgetLoss f : values()) if (f.cliName().equals(name)) return f;
        throw new IllegalArgumentException("unknown forget loss '" + name + "': use ascent or unlikelihood");
    }
}
