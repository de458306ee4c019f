package org.tinymem.unlearn;

/**
 * Which tokens of a memorized row the "forget" term of a mask-learning method (Subnet, Alg. 5;
 * BalancedSubnet, Alg. 6) is computed on. The retain rows always use every token.
 *
 * <p>The paper's algorithms use {@code LM(seq).loss}, the mean loss over the whole memorized
 * sequence ({@link #SEQUENCE}). For our math artifacts most of that sequence is correct math: the
 * 50 prompt tokens are the clean twin, and noise (±1 on ~10% of the numbers, Def. 2.2) leaves most
 * continuation tokens equal to the clean ones. Ascending the loss on those tokens is ascending the
 * loss of the clean task itself, so the learned mask removes arithmetic along with the artifact
 * (measured: −5.9 accuracy points at 0% memorized on the quick math+noise model). {@link #ARTIFACT}
 * ascends only on the tokens the memorized continuation does not share with its clean twin, which is
 * exactly what Eq. 1 counts as memorization; the retain term keeps the rest.
 */
public enum UnlearnTokens {
    /** Every token of prompt + memorized continuation (Alg. 5–6 as written; the paper's default). */
    SEQUENCE,
    /** The memorized continuation (the k = 50 tokens that Eq. 1 compares), not the prompt. */
    CONTINUATION,
    /** Continuation tokens that differ from the clean twin's (ours; the quick-profile choice). */
    ARTIFACT;

    /** Whether a token of role {@code role} (see {@link UnlearnSets#PROMPT} …) enters the forget term. */
    public boolean includes(int role) {
        return switch (this) {
            case SEQUENCE -> true;
            case CONTINUATION -> role != UnlearnSets.PROMPT;
            case ARTIFACT -> role == UnlearnSets.ARTIFACT;
        };
    }

    /** The command-line spelling, e.g. {@code artifact}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static UnlearnTokens parse(String name) {
        for (UnlearnTokens t : values()) if (t.cliName().equals(name)) return t;
        throw new IllegalArgumentException("unknown unlearn tokens '" + name + "': use sequence, continuation or artifact");
    }
}
