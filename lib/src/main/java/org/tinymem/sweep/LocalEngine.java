package org.tinymem.sweep;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default engine: runs a plan now, on this machine, with {@code workers} worker threads, each of
 * which runs one entry at a time in its own JVM ({@link Launcher}; output appended to
 * {@code logs/INDEX.log}). Stages run in order. With {@code TINYMEM_THREADS} threads per run, keep
 * workers × threads ≤ cores. Progress is printed as each run ends. If this process is stopped, its
 * runs are stopped too (their locks are released by the kernel; a re-run resumes); if it is killed
 * outright, runs already started finish on their own and a re-run skips them.
 */
public final class LocalEngine implements Engine {
    private final int workers;
    private final Launcher launcher;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    public LocalEngine(int workers, Launcher launcher) {
        if (workers < 1) throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        this.workers = workers;
        this.launcher = launcher;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void submit(ResultStore store, List<PlanEntry> entries, PrintStream out) throws Exception {
        Thread stopper = new Thread(() -> running.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            AtomicInteger finished = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            long t0 = System.nanoTime();
            for (int stage : store.plan().stages()) {
                ConcurrentLinkedQueue<PlanEntry> queue = new ConcurrentLinkedQueue<>(
                        entries.stream().filter(e -> e.stage() == stage).toList());
                if (queue.isEmpty()) continue;
                out.printf("stage %d: %d runs on %d worker%s × %d thread%s%n", stage, queue.size(), workers, workers == 1 ? "" : "s",
                        launcher.threads(), launcher.threads() == 1 ? "" : "s");
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    Thread worker = new Thread(() -> {
                        PlanEntry e;
                        while ((e = queue.poll()) != null) {
                            ResultStore.Status status = runOne(store, e);
                            if (status == ResultStore.Status.FAILED) failed.incrementAndGet();
                            int n = finished.incrementAndGet();
                            synchronized (out) {
                                out.printf("[%d/%d] %-7s #%d %s (%.0f s elapsed, %d failed)%n", n, entries.size(), status.label(), e.index(),
                                        e.label(), (System.nanoTime() - t0) / 1e9, failed.get());
                            }
                        }
                    }, "sweep-worker-" + w);
                    worker.start();
                    threads.add(worker);
                }
                for (Thread t : threads) t.join();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs
            }
        }
    }

    private ResultStore.Status runOne(ResultStore store, PlanEntry e) {
        SweepPlan plan = store.plan();
        for (String need : e.needs()) {
            PlanEntry needed = plan.byKey(need);
            if (store.status(needed) != ResultStore.Status.DONE) {
                store.recordFailure(e, 3, "not run: needs entry " + needed.index() + " (" + needed.label() + "), which has no result", name());
                return ResultStore.Status.FAILED;
            }
        }
        try {
            Path log = plan.log(e);
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(plan.failure(e)); // the attempt's own failure, if any, replaces the last one
            Files.writeString(log, "== " + Instant.now() + " local engine: " + e.label() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(launcher.command(plan.dir(), Integer.toString(e.index())));
            builder.environment().putAll(launcher.environment());
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process process = builder.start();
            running.add(process);
            int code;
            try {
                code = process.waitFor();
            } finally {
                running.remove(process);
            }
            ResultStore.Status status = store.status(e);
            if (status == ResultStore.Status.DONE || status == ResultStore.Status.RUNNING) return status;
            if (!Files.isRegularFile(plan.failure(e))) {
                store.recordFailure(e, code, code > 128 ? "killed by signal " + (code - 128) : "exit code " + code + " (see " + log + ")", name());
            }
            return ResultStore.Status.FAILED;
        } catch (java.io.IOException ex) {
            store.recordFailure(e, 1, "could not start: " + ex.getMessage(), name());
            return ResultStore.Status.FAILED;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return ResultStore.Status.INTERRUPTED;
        }
    }
}
