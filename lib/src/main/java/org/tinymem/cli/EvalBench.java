package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.tinymem.data.Artifact;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Memorization;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Generator;
import org.tinymem.model.Models;
import org.tinymem.train.Profile;

/**
 * {@code tinymem bench eval}: seconds of the memorization measure's greedy decoding (Eq. 1) over
 * every artifact probe, with the KV cache (what every measure uses) and by recomputing the whole
 * sequence for each new token, and whether both give the same continuations (issue 17, item 4).
 * Without {@code --model} a freshly initialised model of the {@code --data} kind's quick shape is
 * decoded: the cost of decoding does not depend on the weights.
 */
final class EvalBench {
    private EvalBench() {}

    static int run(String dataName, int layers, Path model, int repeats) {
        if (repeats <= 0) throw new IllegalArgumentException("--repeats must be positive");
        TrainRun.Plan plan = model != null ? null : TrainRun.Plan.of(new RunSpec(dataName, Artifact.Kind.NOISE, layers, Profile.QUICK, 0));
        TinyMemData data = model != null ? TrainRun.dataOf(model) : plan.buildData();
        List<MemorizationProbe> probes = data.probes();
        try (NDManager manager = NDManager.newBaseManager();
             CausalLm lm = model != null ? Models.load(model, manager) : plan.model().initialize(0, manager)) {
            int[] lengths = probes.stream().mapToInt(p -> p.memorized().length).distinct().toArray();
            System.out.printf("bench eval: %s, %d layers, %d probes, continuation lengths %s, threads=%s%n",
                    model != null ? model : dataName + " (untrained, quick shape)", lm.layers(), probes.size(),
                    Arrays.toString(lengths), System.getProperty("ai.djl.pytorch.num_threads", "default"));
            Memorization.continuations(lm, probes.subList(0, Math.min(8, probes.size())), Generator.Decoding.KV_CACHE); // warm-up
            double cached = Double.MAX_VALUE;
            double recomputed = Double.MAX_VALUE;
            List<int[]> withCache = null;
            List<int[]> without = null;
            for (int r = 0; r < repeats; r++) {
                long started = System.nanoTime();
                withCache = Memorization.continuations(lm, probes, Generator.Decoding.KV_CACHE);
                cached = Math.min(cached, (System.nanoTime() - started) / 1e9);
                started = System.nanoTime();
                without = Memorization.continuations(lm, probes, Generator.Decoding.RECOMPUTE);
                recomputed = Math.min(recomputed, (System.nanoTime() - started) / 1e9);
            }
            boolean same = true;
            for (int i = 0; i < probes.size(); i++) same &= Arrays.equals(withCache.get(i), without.get(i));
            System.out.printf("best of %d: KV cache %.3f s, recomputation %.3f s; identical continuations: %s%n",
                    repeats, cached, recomputed, same);
            System.out.printf("RESULT eval_kv_cache_s=%.3f eval_recompute_s=%.3f speedup=%.2f identical=%s%n",
                    cached, recomputed, recomputed / cached, same);
        }
        return 0;
    }
}
