package org.tinymem.data;

import java.util.List;

/**
 * How to build the language data of App. A.1.2 from a {@link TextCorpus}. Paper defaults: every
 * WikiText-103 chunk, 1,000 noisy chunks in four groups duplicated 10^0, 10^1, 10^2 and 10^3 times,
 * backdoored chunks duplicated 10^2 times.
 *
 * @param chunkLength tokens per chunk (150, the context length)
 * @param trainChunks clean training chunks kept, a seeded sample (0 = all)
 * @param testChunks held-out chunks for perplexity, a seeded sample of the test split (0 = all)
 * @param artifact noise or backdoor
 * @param noiseCount training chunks replaced by their noisy twins (1,000)
 * @param noiseDuplication copies per duplication group, noisy chunks assigned round-robin (1, 10, 100, 1000)
 * @param backdoorCopies copies of each backdoored training chunk (100)
 * @param minTriggered fewest training chunks the trigger token must occur in
 * @param maxTriggered most training chunks the trigger token may occur in
 * @param seed data seed (sampling, noise, trigger choice, held-out probes)
 */
public record LanguageDataConfig(int chunkLength, int trainChunks, int testChunks, Artifact.Kind artifact, int noiseCount,
                                 List<Integer> noiseDuplication, int backdoorCopies, int minTriggered, int maxTriggered,
                                 long seed) {

    public LanguageDataConfig {
        noiseDuplication = List.copyOf(noiseDuplication);
        if (chunkLength < 2) throw new IllegalArgumentException("chunkLength must be ≥ 2, got " + chunkLength);
        if (trainChunks < 0 || testChunks < 0) throw new IllegalArgumentException("trainChunks and testChunks must be ≥ 0 (0 = all)");
        if (noiseCount < 0) throw new IllegalArgumentException("noiseCount must be ≥ 0, got " + noiseCount);
        if (noiseDuplication.isEmpty() || noiseDuplication.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("noiseDuplication needs at least one group and every copy count ≥ 1, got "
                    + noiseDuplication);
        }
        if (backdoorCopies < 1) throw new IllegalArgumentException("backdoorCopies must be ≥ 1, got " + backdoorCopies);
        if (minTriggered < 2 || maxTriggered < minTriggered) {
            throw new IllegalArgumentException("need 2 ≤ minTriggered ≤ maxTriggered, got " + minTriggered + ", " + maxTriggered);
        }
    }

    /** The paper's scale (App. A.1.2): all chunks, 1,000 noisy chunks in groups ×1/×10/×100/×1000, backdoors ×100. */
    public static LanguageDataConfig paper(Artifact.Kind artifact, long seed) {
        return new LanguageDataConfig(150, 0, 0, artifact, 1_000, List.of(1, 10, 100, 1_000), 100, 100, 1_000, seed);
    }
}
