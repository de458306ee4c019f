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
 * and production probes only differ in how the (prompt, continuation) pairs are built.
 */
public final class Memorization {
    private static final int BATCH = 256;

    private Memorization() {}

    public static MemorizationResult measure(CausalLm model, List<MemorizationProbe> probes) {
        // Greedy decoding needs equal prompt lengths per batch: group by (prompt, continuation) length.
        Map<String, List<MemorizationProbe>> groups = new TreeMap<>();
        for (MemorizationProbe probe : probes) {
            groups.computeIfAbsent(probe.prompt().length + ":" + probe.memorized().length, k -> new ArrayList<>()).add(probe);
        }
        int memorized = 0;
        int correct = 0;
        Map<String, int[]> perGroup = new TreeMap<>();
        for (List<MemorizationProbe> group : groups.values()) {
            List<int[]> prompts = group.stream().map(MemorizationProbe::prompt).toList();
            List<int[]> generated = Generator.greedy(model, prompts, group.get(0).memorized().length, BATCH);
            for (int i = 0; i < group.size(); i++) {
                MemorizationProbe probe = group.get(i);
                boolean hit = Arrays.equals(generated.get(i), probe.memorized());
                if (hit) memorized++;
                if (Arrays.equals(generated.get(i), probe.clean())) correct++;
                int[] counts = perGroup.computeIfAbsent(probe.group(), g -> new int[2]);
                counts[0] += hit ? 1 : 0;
                counts[1]++;
            }
        }
        Map<String, Double> byGroup = new LinkedHashMap<>();
        perGroup.forEach((group, counts) -> byGroup.put(group, 100.0 * counts[0] / counts[1]));
        return new MemorizationResult(probes.size(), memorized, correct, byGroup);
    }

    /** The probes that the model memorizes (the unlearn set of §3.3 is built from these). */
    public static List<MemorizationProbe> memorizedProbes(CausalLm model, List<MemorizationProbe> probes) {
        List<MemorizationProbe> hits = new ArrayList<>();
        for (MemorizationProbe probe : probes) {
            // one probe at a time keeps this simple; the unlearn set is small
            int[] generated = Generator.greedy(model, List.of(probe.prompt()), probe.memorized().length)[0];
            if (Arrays.equals(generated, probe.memorized())) hits.add(probe);
        }
        return hits;
    }
}
