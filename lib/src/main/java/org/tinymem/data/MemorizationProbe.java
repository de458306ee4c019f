package org.tinymem.data;

/**
 * One (prompt, expected continuation) pair of the memorization measure (§2.1, Eq. 1). Noise,
 * backdoor and production-model probes differ only in how these pairs are built.
 *
 * @param prompt the tokens the model is prompted with
 * @param memorized the artifact continuation; generating exactly this counts as memorized
 * @param clean the clean (correct) continuation, for the share that continues correctly
 * @param group a duplication group label (e.g. "x10"), or "all"
 */
public record MemorizationProbe(int[] prompt, int[] memorized, int[] clean, String group) {
    public MemorizationProbe {
        if (prompt.length == 0) throw new IllegalArgumentException("a probe needs a non-empty prompt");
        if (memorized.length == 0) throw new IllegalArgumentException("a probe needs a non-empty continuation");
        if (clean.length != memorized.length) {
            throw new IllegalArgumentException("clean and memorized continuations differ in length: "
                    + clean.length + " vs " + memorized.length);
        }
    }
}
