package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tinymem.data.Artifact;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Memorization;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Models;
import org.tinymem.train.Profile;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;
import org.tinymem.util.Progress;

/**
 * {@code tinymem bench unlearn}: seconds of one unlearning method on a 4-layer math model (the
 * paper reports 6.00 s for BalancedSubnet on a GPU node). Without {@code --model} a smoke 4-layer
 * model is trained into a temporary directory first; if a model memorizes nothing, all artifact
 * probes stand in for the unlearn set (the time is what is measured, not the effect).
 */
final class UnlearnBench {
    private UnlearnBench() {}

    static int run(String method, Path model) {
        return run(method, model, List.of());
    }

    /**
     * With {@code ladder} epoch counts (subnet, balanced-subnet): the method at each count run separately,
     * then all from one shared run ({@link org.tinymem.unlearn.EpochLadder}), with the cost ratio and
     * whether the edits are identical.
     */
    static int run(String method, Path model, List<Integer> ladder) {
        Unlearner unlearner = UnlearnMethods.create(method, UnlearnMethods.Options.defaults());
        if (!ladder.isEmpty() && !(unlearner instanceof org.tinymem.unlearn.EpochLadder)) {
            throw new IllegalArgumentException("--ladder needs a method whose epoch counts share one run: subnet or balanced-subnet");
        }
        Path dir = model != null ? model : trainSmokeModel();
        try {
            return ladder.isEmpty() ? time(unlearner, dir) : timeLadder(method, ladder, dir);
        } finally {
            if (model == null) deleteTree(dir);
        }
    }

    private static int timeLadder(String method, List<Integer> epochs, Path dir) {
        TinyMemData data = TrainRun.dataOf(dir);
        try (NDManager manager = NDManager.newBaseManager(); CausalLm gpt = Models.load(dir, manager)) {
            UnlearnSets sets = sets(gpt, data);
            System.out.printf("bench unlearn --ladder: method=%s model=%s epochs=%s unlearn rows=%d retain rows=%d threads=%s%n", method,
                    dir, epochs, sets.unlearn().size(), sets.retain().size(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
            double separate = 0;
            List<org.tinymem.unlearn.Edit> alone = new java.util.ArrayList<>();
            try {
                for (int e : epochs) {
                    Unlearner at = UnlearnMethods.create(method, new UnlearnMethods.Options(null, e, null, null, 0));
                    org.tinymem.unlearn.Edit edit = at.unlearn(gpt, sets);
                    alone.add(edit);
                    separate += edit.seconds();
                    System.out.printf("  %2d epochs alone: %.2f s%n", e, edit.seconds());
                }
                var shared = (org.tinymem.unlearn.EpochLadder) UnlearnMethods.create(method, UnlearnMethods.Options.defaults());
                List<org.tinymem.unlearn.Edit> snapshots = shared.unlearnAtEpochs(gpt, sets, epochs);
                try {
                    double ladderSeconds = snapshots.stream().mapToDouble(org.tinymem.unlearn.Edit::seconds).max().getAsDouble();
                    boolean identical = true;
                    for (int i = 0; i < epochs.size(); i++) {
                        for (String name : gpt.parameters().keySet()) {
                            identical &= java.util.Arrays.equals(alone.get(i).model().parameters().get(name).toFloatArray(),
                                    snapshots.get(i).model().parameters().get(name).toFloatArray());
                        }
                    }
                    System.out.printf("RESULT method=%s ladder=%s separate_s=%.2f shared_s=%.2f ratio=%.3f identical=%s%n", method,
                            epochs, separate, ladderSeconds, ladderSeconds / separate, identical);
                } finally {
                    snapshots.forEach(org.tinymem.unlearn.Edit::close);
                }
            } finally {
                alone.forEach(org.tinymem.unlearn.Edit::close);
            }
        }
        return 0;
    }

    /**
     * The memorized probes (all probes if the model memorizes none: the time is measured, not the effect)
     * and the default retain set, every clean training row ({@link UnlearnSets#of}), as {@code unlearn} runs it.
     */
    private static UnlearnSets sets(CausalLm gpt, TinyMemData data) {
        List<MemorizationProbe> memorized = Memorization.memorizedProbes(gpt, data.probes());
        return UnlearnSets.of(memorized.isEmpty() ? data.probes() : memorized, data, 0, 0);
    }

    private static int time(Unlearner unlearner, Path dir) {
        TinyMemData data = TrainRun.dataOf(dir);
        try (NDManager manager = NDManager.newBaseManager(); CausalLm gpt = Models.load(dir, manager)) {
            UnlearnSets sets = sets(gpt, data);
            System.out.printf("bench unlearn: method=%s model=%s layers=%d unlearn rows=%d of %d probes retain rows=%d threads=%s%n",
                    unlearner.method(), dir, gpt.layers(), sets.unlearn().size(), data.probes().size(),
                    sets.retain().size(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpuStarted = threads.getCurrentThreadCpuTime();
            try (Edit edit = unlearner.unlearn(gpt, sets)) {
                // on a shared machine wall time includes waiting; with one engine thread the CPU time is the work
                double cpu = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
                System.out.printf("params %s, ablated %d %s, cpu seconds of the calling thread %.2f%n", unlearner.params(),
                        edit.ablated(), edit.unit(), cpu);
                System.out.printf("RESULT method=%s seconds=%.2f%n", unlearner.method(), edit.seconds());
            }
        }
        return 0;
    }

    private static Path trainSmokeModel() {
        try {
            Path dir = Files.createTempDirectory("tinymem-bench-unlearn-");
            System.out.println("training a smoke 4-layer math-add model into " + dir);
            try (NDManager manager = NDManager.newBaseManager()) {
                TrainRun.run(new RunSpec("math-add", Artifact.Kind.NOISE, 4, Profile.SMOKE, 0), dir, manager, Progress.silent());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory: " + e.getMessage(), e);
        }
    }

    /** Removes the temporary smoke run this benchmark created (and nothing else). */
    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(path);
        } catch (IOException e) {
            System.err.println("tinymem: could not remove the temporary model " + dir + ": " + e.getMessage());
        }
    }
}
