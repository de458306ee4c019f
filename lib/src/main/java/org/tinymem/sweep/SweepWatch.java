package org.tinymem.sweep;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.tinymem.util.Progress;

/**
 * Follows a plan's result store (and Slurm's queue) until nothing of it runs or waits any more,
 * reporting done / total to a {@link Progress} — a terminal bar, or {@code Notebook.progress} in a
 * notebook that submitted a sweep.
 */
public final class SweepWatch {
    private SweepWatch() {}

    /** Entries per status, plus how many of the plan's Slurm tasks are queued. */
    public record Counts(Map<ResultStore.Status, Integer> byStatus, int total, int queued) {
        public int of(ResultStore.Status status) {
            return byStatus.getOrDefault(status, 0);
        }

        /** Nothing runs and nothing waits in Slurm's queue. */
        public boolean settled() {
            return of(ResultStore.Status.RUNNING) == 0 && queued == 0;
        }

        public String line() {
            return String.format("%d/%d done, %d running, %d queued, %d failed, %d interrupted%s", of(ResultStore.Status.DONE), total,
                    of(ResultStore.Status.RUNNING), queued, of(ResultStore.Status.FAILED), of(ResultStore.Status.INTERRUPTED),
                    of(ResultStore.Status.STALE) == 0 ? "" : ", " + of(ResultStore.Status.STALE) + " stale");
        }
    }

    public static Counts counts(ResultStore store) {
        Map<ResultStore.Status, Integer> counts = new EnumMap<>(ResultStore.Status.class);
        for (PlanEntry e : store.plan().entries()) counts.merge(store.status(e), 1, Integer::sum);
        return new Counts(counts, store.plan().entries().size(), SlurmEngine.queue(store.plan()).size());
    }

    /**
     * Polls every {@code every} until the plan is {@link Counts#settled settled} or {@code timeout}
     * has passed; returns the last counts (check {@code of(DONE) == total}).
     */
    public static Counts watch(ResultStore store, Progress progress, Duration every, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Counts counts = counts(store);
        while (true) {
            progress.update(counts.of(ResultStore.Status.DONE), counts.total(), counts.line());
            if (counts.settled() || System.nanoTime() > deadline) break;
            Thread.sleep(every.toMillis());
            counts = counts(store);
        }
        progress.close();
        return counts;
    }
}
