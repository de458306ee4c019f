package org.tinymem.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Assumptions;
import org.tinymem.experiment.Sweep;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.util.Json;

/**
 * The engines on a real plan, in real processes: two tiny-memorizer trainings (stage 0) and three
 * Durable unlearning runs on each (stage 1). The local engine's worker tree is SIGKILLed mid-plan and
 * the re-run completes it without a missing or duplicated run; the Slurm engine (a one-node cluster:
 * environment/slurm/start-local-cluster.sh; required when TINYMEM_REQUIRE_SLURM=1, as in CI) gives
 * the same results, and a task cancelled while it runs is completed by resubmission.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepEnginesTest {
    @TempDir
    static Path dir;

    /** The local engine's collected rows, compared with Slurm's. */
    private static List<Map<String, String>> localRows;

    private static final long TIMEOUT_MS = 8 * 60_000;

    static SweepPlan smokePlan(Path dir) {
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        List<SweepPlan.Draft> trainings = new ArrayList<>();
        for (String seed : List.of("0", "1")) {
            trainings.add(Plans.training(List.of("--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2", "--profile",
                    "smoke", "--seed", seed)));
        }
        drafts.addAll(trainings);
        for (SweepPlan.Draft t : trainings) {
            drafts.addAll(Plans.unlearning("@{" + t.key() + "}", "durable",
                    new Sweep.Grid(List.of(0.01, 0.05, 0.1), List.of(), List.of(), UnlearnMethods.Options.defaults()), 0));
        }
        SweepPlan plan = SweepPlan.of(dir, drafts);
        plan.write();
        return plan;
    }

    private static long done(ResultStore store, int stage) {
        return store.plan().entries().stream().filter(e -> e.stage() == stage && store.status(e) == ResultStore.Status.DONE).count();
    }

    /** Every entry has exactly one complete result, under its own key, and nothing is left half-done. */
    private static void assertCompleteOnce(SweepPlan plan) throws Exception {
        ResultStore store = new ResultStore(plan);
        for (PlanEntry e : plan.entries()) assertEquals(ResultStore.Status.DONE, store.status(e), "#" + e.index());
        try (Stream<Path> results = Files.list(plan.dir().resolve(SweepPlan.RESULTS))) {
            assertEquals(plan.entries().size(), results.count(), "one result per entry, no more");
        }
        for (PlanEntry e : plan.entries()) {
            assertEquals(e.key(), Json.read(plan.result(e).resolve(ResultStore.ENTRY)).get("key").getAsString());
            assertTrue(Files.isRegularFile(plan.result(e).resolve(SweepResults.resultFile(e.command()))), "#" + e.index());
        }
        Path work = plan.dir().resolve("work");
        if (Files.isDirectory(work)) {
            try (Stream<Path> left = Files.list(work)) {
                assertEquals(List.of(), left.toList(), "no half-done run is left in work/");
            }
        }
    }

    private static Map<String, String> finishedAt(SweepPlan plan) {
        Map<String, String> finished = new HashMap<>();
        for (PlanEntry e : plan.entries()) {
            Path entry = plan.result(e).resolve(ResultStore.ENTRY);
            if (Files.isRegularFile(entry)) finished.put(e.key(), Json.read(entry).get("finished").getAsString());
        }
        return finished;
    }

    /** The rows without what may differ between two correct runs: timings (and the energy and carbon made from them), host, engine. */
    private static List<Map<String, String>> comparable(List<Map<String, String>> rows) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> row : rows) {
            Map<String, String> kept = new LinkedHashMap<>(row);
            kept.keySet().removeIf(c -> c.startsWith("run_") || c.contains("seconds") || c.endsWith("energy_wh") || c.endsWith("carbon_g"));
            out.add(kept);
        }
        return out;
    }

    @Test
    @Order(1)
    void aSigkilledLocalSweepIsCompletedByARerunWithNoRunMissingOrDuplicated() throws Exception {
        SweepPlan plan = smokePlan(dir.resolve("local"));
        ResultStore store = new ResultStore(plan);
        Launcher launcher = Launcher.current(1);
        List<String> command = new ArrayList<>(launcher.command(plan.dir(), "0"));
        int run = command.indexOf("run");
        command.subList(run, command.size()).clear(); // "... TinyMemCli sweep" + submit
        command.addAll(List.of("submit", plan.dir().toString(), "--workers", "2", "--threads", "1"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(plan.dir().resolve("engine.log").toFile());
        builder.environment().putAll(launcher.environment());
        Process engine = builder.start();
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (done(store, 1) < 1) {
            assertTrue(engine.isAlive(), () -> "the engine stopped early: " + read(plan.dir().resolve("engine.log")));
            assertTrue(System.currentTimeMillis() < deadline, "no unlearning run finished in time");
            Thread.sleep(100);
        }
        // the machine dies: every process of the sweep is killed at once, mid-plan
        engine.descendants().forEach(ProcessHandle::destroyForcibly);
        engine.destroyForcibly();
        engine.waitFor();
        Thread.sleep(500);
        Map<String, String> before = finishedAt(plan);
        assertEquals(2, done(store, 0));
        assertTrue(done(store, 1) < 6, "the kill came mid-plan");

        List<PlanEntry> todo = plan.entries().stream().filter(e -> store.status(e) != ResultStore.Status.DONE).toList();
        new LocalEngine(2, launcher).submit(store, todo, new PrintStream(System.out));
        assertCompleteOnce(plan);
        Map<String, String> after = finishedAt(plan);
        before.forEach((key, time) -> assertEquals(time, after.get(key), "a run finished before the kill was not run again"));

        localRows = SweepResults.rows(store);
        // each model's selected Durable run (App. A.3.5): the lowest M + |A| of its three ratios
        List<Map<String, String>> selected = SweepResults.selected(store);
        assertEquals(2, selected.size(), "one selected run per model");
        for (Map<String, String> best : selected) {
            double bestScore = localRows.stream().filter(r -> r.get("command").equals("unlearn") && r.get("model").equals(best.get("model")))
                    .mapToDouble(r -> Double.parseDouble(r.get("memorization_difference"))
                            + Math.abs(Double.parseDouble(r.get("accuracy_difference")))).min().orElseThrow();
            assertEquals(bestScore, Double.parseDouble(best.get("score")), 1e-9);
            assertEquals("3", best.get("candidates"));
        }
        for (Map<String, String> row : localRows) {
            if (!row.get("command").equals("unlearn")) continue;
            assertEquals(100.0, Double.parseDouble(row.get("before_percent_memorized")), 1e-9, "the tiny memorizer memorizes every probe");
            assertTrue(Double.parseDouble(row.get("after_percent_memorized")) <= 100.0);
        }
    }

    @Test
    @Order(2)
    void slurmGivesTheLocalResultsAndAResubmissionCompletesACancelledTask() throws Exception {
        boolean required = "1".equals(System.getenv("TINYMEM_REQUIRE_SLURM"));
        boolean available = slurmUp();
        if (required) assertTrue(available, "TINYMEM_REQUIRE_SLURM=1 but no Slurm cluster answers (environment/slurm/start-local-cluster.sh)");
        Assumptions.assumeTrue(available, "no Slurm cluster here (environment/slurm/start-local-cluster.sh starts one)");
        assertNotNull(localRows, "the local engine's test runs first");

        SweepPlan plan = smokePlan(dir.resolve("slurm"));
        ResultStore store = new ResultStore(plan);
        SlurmEngine slurm = new SlurmEngine(new SlurmEngine.Options(1, null, null, null, null, null, List.of(), List.of()),
                Launcher.current(1));
        slurm.submit(store, plan.entries(), new PrintStream(System.out));
        // cancel an unlearning task while it runs
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        PlanEntry victim = null;
        while (victim == null) {
            assertTrue(System.currentTimeMillis() < deadline, "no unlearning task started: " + SlurmEngine.queue(plan));
            victim = plan.entries().stream().filter(e -> e.stage() == 1 && store.status(e) == ResultStore.Status.RUNNING)
                    .findFirst().orElse(null);
            if (victim == null) Thread.sleep(50);
        }
        List<String> jobs = SlurmEngine.jobs(plan);
        SlurmEngine.call(List.of("scancel", jobs.get(jobs.size() - 1) + "_" + victim.index()));
        waitForQueue(plan, deadline);
        assertNotEquals(ResultStore.Status.DONE, store.status(victim), "the cancelled task did not finish");
        List<PlanEntry> missing = plan.entries().stream().filter(e -> store.status(e) != ResultStore.Status.DONE).toList();
        assertEquals(List.of(victim), missing, "only the cancelled task is missing");

        slurm.submit(store, missing, new PrintStream(System.out)); // what 'sweep submit' does again
        List<Long> reported = new ArrayList<>();
        SweepWatch.Counts counts = SweepWatch.watch(store, (done, total, status) -> reported.add(done),
                java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(TIMEOUT_MS));
        assertTrue(counts.settled(), counts.line());
        assertEquals(plan.entries().size(), counts.of(ResultStore.Status.DONE), counts.line());
        assertEquals((long) plan.entries().size(), reported.get(reported.size() - 1));
        assertCompleteOnce(plan);
        assertEquals(comparable(localRows), comparable(SweepResults.rows(store)), "Slurm and local engines give the same results");
        assertTrue(SweepResults.rows(store).stream().allMatch(r -> "slurm".equals(r.get("run_engine"))));
    }

    private static void waitForQueue(SweepPlan plan, long deadline) throws InterruptedException {
        while (!SlurmEngine.queue(plan).isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "Slurm tasks still queued: " + SlurmEngine.queue(plan));
            Thread.sleep(250);
        }
    }

    private static boolean slurmUp() {
        try {
            return SlurmEngine.call(List.of("sinfo", "-h", "-o", "%T")).matches("(?s).*(idle|mix|alloc).*");
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
