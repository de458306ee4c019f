package org.tinymem.cli;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SlurmEngine;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tinymem sweep status PLAN}: done / running / failed / interrupted / pending, from the result store and Slurm's queue. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show how far a sweep plan is: per status, and what failed.")
final class SweepStatusCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the plan's directory (or its plan.jsonl)")
    Path plan;

    @Override
    public Integer call() {
        SweepPlan sweep = SweepPlan.read(plan);
        ResultStore store = new ResultStore(sweep);
        Map<Integer, String> queue = SlurmEngine.queue(sweep);
        Map<ResultStore.Status, Integer> counts = new EnumMap<>(ResultStore.Status.class);
        int queued = 0;
        StringBuilder failures = new StringBuilder();
        StringBuilder stale = new StringBuilder();
        for (PlanEntry e : sweep.entries()) {
            ResultStore.Status status = store.status(e);
            counts.merge(status, 1, Integer::sum);
            if (status != ResultStore.Status.DONE && status != ResultStore.Status.RUNNING && queue.containsKey(e.index())) queued++;
            if (status == ResultStore.Status.STALE) {
                stale.append(String.format("  #%d %s: %s%n", e.index(), e.label(), store.staleMessage(e)));
            }
            if (status == ResultStore.Status.FAILED || status == ResultStore.Status.INTERRUPTED) {
                String why = status == ResultStore.Status.FAILED ? Json.read(sweep.failure(e)).get("message").getAsString()
                        : "interrupted (killed?)";
                failures.append(String.format("  #%d %s: %s%s%n", e.index(), e.label(), why,
                        queue.containsKey(e.index()) ? " [queued again: " + queue.get(e.index()) + "]" : ""));
            }
        }
        System.out.printf("%s: %d entries", sweep.dir(), sweep.entries().size());
        for (ResultStore.Status s : ResultStore.Status.values()) System.out.printf(", %d %s", counts.getOrDefault(s, 0), s.label());
        System.out.println();
        if (!queue.isEmpty()) System.out.printf("slurm queue: %d tasks of this plan (%d waiting to start)%n", queue.size(), queued);
        if (stale.length() > 0) System.out.print("stale (shown by collect, never selected):\n" + stale);
        if (failures.length() > 0) System.out.print("not finished:\n" + failures + "resubmit them with: ./tinymem sweep submit " + plan + "\n");
        return 0;
    }
}
