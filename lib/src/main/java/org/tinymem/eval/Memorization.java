package org.tinymem.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Generator;

/**
 * The (n, k) memorization measure of §2.1 (Eq. 1): prompt with k tokens, decode greedily, and count
 * a probe as memorized iff every generated token equals the artifact continuation. Noise, backdoor
 * and production probes only differ in how the (prompt, continuation) pairs are built. The same
 * generations also give the approximate measures of {@link ContinuationMatch} (one decoding pass).
 */
public final class Memorization {
    private static final int BATCH = 256;

    private Memorization() {}

    public static MemorizationResult measure(CausalLm model, List<MemorizationProbe> probes) {
        List<int[]> generated = generate(model, probes);
        int memorized = 0;
        int correct = 0;
        Map<String, int[]> perGroup = new TreeMap<>();
        List<ContinuationMatch> matches = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            MemorizationProbe probe = probes.get(i);
            matches.add(ContinuationMatch.of(generated.get(i), probe.memorized()));
            boolean hit = Arrays.equals(generated.get(i), probe.memorized());
            if (hit) memorized++;
            if (Arrays.equals(generated.get(i), probe.clean())) correct++;
            int[] counts = perGroup.computeIfAbsent(probe.group(), g -> new int[2]);
            counts[0] += hit ? 1 : 0;
            counts[1]++;
        }
        Map<String, Double> byGroup = new LinkedHashMap<>();
        perGroup.forEach((group, counts) -> byGroup.put(group, 100.0 * counts[0] / counts[1]));
        return new MemorizationResult(probes.size(), memorized, correct, byGroup, matches);
    }

    /** The probes that the model memorizes (the unlearn set of §3.3 is built from these). */
    public static List<MemorizationProbe> memorizedProbes(CausalLm model, List<MemorizationProbe> probes) {
        List<int[]> generated = generate(model, probes);
        List<MemorizationProbe> hits = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            if (Arrays.equals(generated.get(i), probes.get(i).memorized())) hits.add(probes.get(i));
        }
        return hits;
    }

    /**
     * Greedy continuations of every probe, in probe order. Decoding needs equal prompt lengths per
     * batch, so probes are grouped by (prompt, continuation) length.
     */
    private static List<int[]> generate(CausalLm model, List<MemorizationProbe> probes) {
        return continuations(model, probes, Generator.Decoding.KV_CACHE);
    }

    /** Greedy continuations of every probe, in probe order, decoded as {@code decoding} says ({@code bench eval}). */
    public static List<int[]> continuations(CausalLm model, List<MemorizationProbe> probes, Generator.Decoding decoding) {
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < probes.size(); i++) {
            MemorizationProbe probe = probes.get(i);
            groups.computeIfAbsent(probe.prompt().length + ":" + probe.memorized().length, k -> new ArrayList<>()).add(i);
        }
        int[][] out = new int[probes.size()][];
        for (List<Integer> group : groups.values()) {
            List<int[]> prompts = group.stream().map(i -> probes.get(i).prompt()).toList();
            List<int[]> generated = Generator.greedy(model, prompts, probes.get(group.get(0)).memorized().length, BATCH, decoding);
            for (int j = 0; j < group.size(); j++) out[group.get(j)] = generated.get(j);
        }
        return Arrays.asList(out);
    }
}
