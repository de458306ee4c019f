package org.tinymem.unlearn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Memorization;
import org.tinymem.model.CausalLm;

/**
 * The two data sets of §3.3: the unlearn set (artifact sequences the model actually memorizes,
 * measured before editing) and the retain set (clean training rows). Both must be non-empty.
 *
 * @param unlearn full memorized sequences (prompt + memorized continuation)
 * @param retain clean training rows
 */
public record UnlearnSets(List<int[]> unlearn, List<int[]> retain) {
    public UnlearnSets {
        if (unlearn.isEmpty()) throw new IllegalArgumentException("the unlearn set is empty: the model memorizes nothing");
        if (retain.isEmpty()) throw new IllegalArgumentException("the retain set is empty: no clean training rows");
        unlearn = List.copyOf(unlearn);
        retain = List.copyOf(retain);
    }

    /**
     * The memorized probes of {@code model} as full sequences, and a seeded sample of the clean
     * training rows as the retain set. {@code retainRows} ≤ 0 means "as many as the unlearn set"
     * (ours: a balanced mixture keeps BalancedSubnet's batches half memorized, half clean, and keeps
     * its time comparable to the paper's; the reference code's size is not stated in the paper).
     */
    public static UnlearnSets of(CausalLm model, TinyMemData data, int retainRows, long seed) {
        List<MemorizationProbe> memorized = Memorization.memorizedProbes(model, data.probes());
        if (memorized.isEmpty()) {
            throw new IllegalArgumentException("the model memorizes none of its " + data.probes().size()
                    + " probes: there is nothing to unlearn");
        }
        List<int[]> clean = new ArrayList<>(data.cleanTrainTokens());
        if (clean.isEmpty()) throw new IllegalArgumentException("the retain set is empty: the data has no clean training rows");
        Collections.shuffle(clean, new Random(seed));
        int size = retainRows > 0 ? retainRows : memorized.size();
        return new UnlearnSets(memorized.stream().map(UnlearnSets::fullSequence).toList(),
                clean.subList(0, Math.min(size, clean.size())));
    }

    /** Prompt followed by the memorized continuation: the sequence the model reproduces. */
    public static int[] fullSequence(MemorizationProbe probe) {
        int[] tokens = new int[probe.prompt().length + probe.memorized().length];
        System.arraycopy(probe.prompt(), 0, tokens, 0, probe.prompt().length);
        System.arraycopy(probe.memorized(), 0, tokens, probe.prompt().length, probe.memorized().length);
        return tokens;
    }
}
