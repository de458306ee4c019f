package org.tinymem.sweep;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default engine: runs a plan now, on this machine, with {@code workers} worker processes
 * ({@code sweep serve}, see {@link Launcher#serveCommand}); each runs one entry at a time and keeps
 * its JVM and PyTorch engine between entries, so a small run costs its own work rather than a JVM
 * start. Stages run in order; each entry's output goes to {@code logs/INDEX.log}, the workers' own to
 * {@code logs/worker-N.log}. With {@code threads} PyTorch threads per worker, keep workers × threads
 * ≤ cores. A worker that dies (killed, out of memory) fails its entry and is replaced. If this
 * process is stopped, its workers are stopped too (the kernel releases their locks; a re-run
 * resumes); if it is killed outright, each worker finishes its current entry and exits.
 */
public final class LocalEngine implements Engine {
    /** The first word of a worker's answer line. */
    public static final String RESULT = "@@sweep-result";

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
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        try {
            for (int stage : store.plan().stages()) {
                List<PlanEntry> inStage = entries.stream().filter(e -> e.stage() == stage).toList();
                ConcurrentLinkedQueue<List<PlanEntry>> queue = new ConcurrentLinkedQueue<>(ladders(store.plan(), inStage));
                if (queue.isEmpty()) continue;
                int n = Math.min(workers, queue.size());
                out.printf("stage %d: %d runs%s on %d worker%s × %d thread%s%n", stage, inStage.size(),
                        queue.size() == inStage.size() ? "" : " (" + queue.size() + " after sharing epoch ladders)", n,
                        n == 1 ? "" : "s", launcher.threads(), launcher.threads() == 1 ? "" : "s");
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < n; w++) {
                    int slot = w;
                    Thread thread = new Thread(() -> {
                        try (Worker worker = new Worker(store.plan(), slot)) {
                            List<PlanEntry> group;
                            while ((group = queue.poll()) != null) {
                                for (PlanEntry e : group) {
                                    ResultStore.Status status = e == group.get(0) ? null : store.status(e);
                                    // the first runs the group's shared run; one it did not serve runs on its own
                                    if (status != ResultStore.Status.DONE && status != ResultStore.Status.FAILED
                                            && status != ResultStore.Status.STALE) {
                                        status = runOne(store, worker, e);
                                    }
                                    if (status == ResultStore.Status.FAILED) failed.incrementAndGet();
                                    int done = finished.incrementAndGet();
                                    synchronized (out) {
                                        out.printf("[%d/%d] %-7s #%d %s (%.0f s elapsed, %d failed)%n", done, entries.size(),
                                                status.label(), e.index(), e.label(), (System.nanoTime() - t0) / 1e9, failed.get());
                                    }
                                }
                            }
                        }
                    }, "sweep-worker-" + w);
                    thread.start();
                    threads.add(thread);
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

    /**
     * The entries as work items: the members of one {@link SweepPlan#ladder} (among {@code entries}) form
     * one item, run as one shared run by whichever worker takes it; any other entry is an item alone.
     */
    public static List<List<PlanEntry>> ladders(SweepPlan plan, List<PlanEntry> entries) {
        Set<String> keys = new java.util.HashSet<>();
        entries.forEach(e -> keys.add(e.key()));
        Set<String> grouped = new java.util.HashSet<>();
        List<List<PlanEntry>> items = new ArrayList<>();
        for (PlanEntry e : entries) {
            if (grouped.contains(e.key())) continue;
            List<PlanEntry> group = plan.ladder(e).stream().filter(m -> keys.contains(m.key())).toList();
            group.forEach(m -> grouped.add(m.key()));
            items.add(group);
        }
        return items;
    }

    private ResultStore.Status runOne(ResultStore store, Worker worker, PlanEntry e) {
        SweepPlan plan = store.plan();
        try { // an entry whose model has no result fails in the worker (ResultStore.run), without running
            Files.deleteIfExists(plan.failure(e)); // this attempt's own failure, if any, replaces the last one
            String answer = worker.run(e);
            ResultStore.Status status = store.status(e);
            if (status == ResultStore.Status.DONE || status == ResultStore.Status.RUNNING) return status;
            if (!Files.isRegularFile(plan.failure(e))) {
                store.recordFailure(e, 1, answer == null ? "the worker died (" + worker.exit() + "; see " + plan.log(e) + ")"
                        : "failed: " + answer, name());
            }
            return ResultStore.Status.FAILED;
        } catch (IOException ex) {
            store.recordFailure(e, 1, "could not run: " + ex.getMessage(), name());
            return ResultStore.Status.FAILED;
        }
    }

    /** One {@code sweep serve} process, started on first use and again after it dies. */
    private final class Worker implements AutoCloseable {
        private final SweepPlan plan;
        private final int slot;
        private Process process;
        private BufferedWriter in;
        private BufferedReader out;
        private String exit = "";

        Worker(SweepPlan plan, int slot) {
            this.plan = plan;
            this.slot = slot;
        }

        /** Runs an entry; its answer line, or null if the worker died. */
        String run(PlanEntry e) throws IOException {
            if (process == null || !process.isAlive()) start();
            try {
                in.write(e.index() + "\n");
                in.flush();
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(RESULT + " " + e.index() + " ")) return line;
                }
            } catch (IOException broken) {
                // the worker died; handled below
            }
            exit = describeExit();
            process = null;
            return null;
        }

        private void start() throws IOException {
            Path log = plan.dir().resolve("logs").resolve("worker-" + slot + ".log");
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(launcher.serveCommand(plan.dir()));
            builder.environment().putAll(launcher.environment());
            builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
            running.add(process);
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        private String describeExit() {
            try {
                int code = process.waitFor();
                running.remove(process);
                return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        String exit() {
            return exit;
        }

        @Override
        public void close() {
            if (process == null) return;
            try {
                in.close(); // end of input: the worker exits after its current entry
                process.waitFor();
            } catch (IOException | InterruptedException ex) {
                process.destroy();
            } finally {
                running.remove(process);
            }
        }
    }
}
