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
 * @param roles per unlearn row, the {@link UnlearnTokens} role of each of its tokens ({@link #PROMPT},
 *     {@link #CONTINUATION} = same token as the clean twin's, {@link #ARTIFACT} = differs from it)
 */
public record UnlearnSets(List<int[]> unlearn, List<int[]> retain, List<int[]> roles) {
    /** Token role: part of the prompt. */
    public static final int PROMPT = 0;
    /** Token role: memorized continuation, equal to the clean twin's token at that position. */
    public static final int CONTINUATION = 1;
    /** Token role: memorized continuation, different from the clean twin's (noise, backdoor target). */
    public static final int ARTIFACT = 2;

    public UnlearnSets {
        if (unlearn.isEmpty()) throw new IllegalArgumentException("the unlearn set is empty: the model memorizes nothing");
        if (retain.isEmpty()) throw new IllegalArgumentException("the retain set is empty: no clean training rows");
        if (roles.size() != unlearn.size()) throw new IllegalArgumentException("one role array per unlearn row");
        for (int i = 0; i < roles.size(); i++) {
            if (roles.get(i).length != unlearn.get(i).length) {
                throw new IllegalArgumentException("one role per token of unlearn row " + i);
            }
        }
        unlearn = List.copyOf(unlearn);
        retain = List.copyOf(retain);
        roles = List.copyOf(roles);
    }

    /** Sets whose unlearn rows are all artifact (no prompt or clean-twin information). */
    public UnlearnSets(List<int[]> unlearn, List<int[]> retain) {
        this(unlearn, retain, unlearn.stream().map(row -> {
            int[] r = new int[row.length];
            java.util.Arrays.fill(r, ARTIFACT);
            return r;
        }).toList());
    }

    /** Sets from memorized probes: rows are prompt + memorized continuation, with their token roles. */
    public static UnlearnSets ofProbes(List<MemorizationProbe> memorized, List<int[]> retain) {
        return new UnlearnSets(memorized.stream().map(UnlearnSets::fullSequence).toList(), retain,
                memorized.stream().map(UnlearnSets::roles).toList());
    }

    /**
     * The memorized probes of {@code model} as full sequences, and the clean training rows as the retain
     * set: {@code retainRows} ≤ 0 (the default everywhere) takes every clean training row, as the reference
     * code passes its clean training data ({@code extra_data}) to Greedy and BalancedSubnet
     * ({@code src/localize/weight/localizing_memorization.py}); a positive count takes a seeded sample of
     * that many ({@link #retainSize}). A retain set of only as many rows as are memorized gives the mask
     * methods one or two steps per epoch, which is what made the reference's lr 0.1 look useless (issue 18).
     */
    public static UnlearnSets of(CausalLm model, TinyMemData data, int retainRows, long seed) {
        return of(Memorization.memorizedProbes(model, data.probes()), data, retainRows, seed);
    }

    /** As {@link #of(CausalLm, TinyMemData, int, long)} with the memorized probes already known. */
    public static UnlearnSets of(List<MemorizationProbe> memorized, TinyMemData data, int retainRows, long seed) {
        if (memorized.isEmpty()) {
            throw new IllegalArgumentException("the model memorizes none of its " + data.probes().size()
                    + " probes: there is nothing to unlearn");
        }
        if (data.cleanTrainTokens().isEmpty()) {
            throw new IllegalArgumentException("the retain set is empty: the data has no clean training rows");
        }
        return ofProbes(memorized, cleanSample(data, retainSize(data, retainRows), seed));
    }

    /** How many clean rows a request of {@code retainRows} gives: all of them for ≤ 0, else at most that many. */
    public static int retainSize(TinyMemData data, int retainRows) {
        int clean = data.cleanTrainTokens().size();
        return retainRows > 0 ? Math.min(retainRows, clean) : clean;
    }

    /** A seeded sample of at most {@code rows} clean training rows (the same rows for the same seed). */
    public static List<int[]> cleanSample(TinyMemData data, int rows, long seed) {
        List<int[]> clean = new ArrayList<>(data.cleanTrainTokens());
        Collections.shuffle(clean, new Random(seed));
        return clean.subList(0, Math.min(rows, clean.size()));
    }

    /**
     * The role of each token of {@link #fullSequence}: prompt, or continuation token equal to the
     * clean twin's token at that position, or artifact (noise: the perturbed tokens and, after a
     * perturbation that changed a number's length, everything shifted; backdoor: the target token
     * wherever the clean continuation has another).
     */
    public static int[] roles(MemorizationProbe probe) {
        int[] roles = new int[probe.prompt().length + probe.memorized().length];
        int[] clean = probe.clean() == null ? new int[0] : probe.clean();
        for (int i = 0; i < probe.memorized().length; i++) {
            boolean same = i < clean.length && clean[i] == probe.memorized()[i];
            roles[probe.prompt().length + i] = same ? CONTINUATION : ARTIFACT;
        }
        return roles;
    }

    /** The probes of {@code probes} whose {@link #fullSequence} is an unlearn row, in their order. */
    public List<MemorizationProbe> unlearnProbes(List<MemorizationProbe> probes) {
        java.util.Set<List<Integer>> rows = new java.util.HashSet<>();
        for (int[] row : unlearn) rows.add(java.util.Arrays.stream(row).boxed().toList());
        return probes.stream().filter(p -> rows.contains(java.util.Arrays.stream(fullSequence(p)).boxed().toList())).toList();
    }

    /** Prompt followed by the memorized continuation: the sequence the model reproduces. */
    public static int[] fullSequence(MemorizationProbe probe) {
        int[] tokens = new int[probe.prompt().length + probe.memorized().length];
        System.arraycopy(probe.prompt(), 0, tokens, 0, probe.prompt().length);
        System.arraycopy(probe.memorized(), 0, tokens, probe.prompt().length, probe.memorized().length);
        return tokens;
    }
}
