package org.tinymem.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.util.Json;

class ResultStoreTest {
    @TempDir
    Path dir;

    private SweepPlan plan() {
        SweepPlan.Draft train = Plans.training(List.of("--data", "math-add", "--artifact", "noise"));
        SweepPlan.Draft unlearn = new SweepPlan.Draft(1, "unlearn", List.of("--model", "@{" + train.key() + "}", "--method", "sou"));
        return SweepPlan.of(dir, List.of(train, unlearn));
    }

    /** A runner that writes one file into its output and counts its calls. */
    private static ResultStore.Runner writing(AtomicInteger calls) {
        return (command, args, out) -> {
            calls.incrementAndGet();
            Files.createDirectories(out);
            Files.writeString(out.resolve("result.txt"), command + " " + args);
            return 0;
        };
    }

    @Test
    void anEntryRunsOnceAndItsResultAppearsWhole() throws Exception {
        SweepPlan plan = plan();
        ResultStore store = new ResultStore(plan);
        PlanEntry train = plan.entry(0);
        PlanEntry unlearn = plan.entry(1);
        AtomicInteger calls = new AtomicInteger();
        // the unlearning run needs the training: refused until it exists, and nothing is run
        ResultStore.Outcome early = store.run(unlearn, writing(calls), "test");
        assertEquals(ResultStore.Status.FAILED, early.status());
        assertEquals(3, early.exitCode());
        assertEquals(0, calls.get());
        assertEquals(ResultStore.Status.FAILED, store.status(unlearn));
        assertEquals(ResultStore.Status.PENDING, store.status(train));

        assertEquals(ResultStore.Status.DONE, store.run(train, writing(calls), "test").status());
        assertEquals(ResultStore.Status.DONE, store.status(train));
        assertTrue(Files.isRegularFile(plan.result(train).resolve("result.txt")));
        assertFalse(Files.exists(plan.work(train)), "the work folder was renamed into place");
        assertEquals(train.key(), Json.read(plan.result(train).resolve(ResultStore.ENTRY)).get("key").getAsString());
        // done means done: a second run does not call the runner
        assertEquals(ResultStore.Status.DONE, store.run(train, writing(calls), "test").status());
        assertEquals(1, calls.get());

        assertEquals(ResultStore.Status.DONE, store.run(unlearn, writing(calls), "test").status());
        assertTrue(Files.readString(plan.result(unlearn).resolve("result.txt")).contains(plan.result(train).toString()),
                "the reference became the training's result directory");
        assertFalse(Files.exists(plan.failure(unlearn)), "a success clears the earlier failure");
    }

    @Test
    void aFailureLeavesNoResultAndAKilledAttemptShowsAsInterrupted() throws Exception {
        SweepPlan plan = plan();
        ResultStore store = new ResultStore(plan);
        PlanEntry train = plan.entry(0);
        ResultStore.Outcome failed = store.run(train, (command, args, out) -> {
            Files.createDirectories(out);
            Files.writeString(out.resolve("checkpoint"), "epoch 3");
            throw new IllegalStateException("out of memory");
        }, "test");
        assertEquals(ResultStore.Status.FAILED, failed.status());
        assertFalse(Files.exists(plan.result(train)));
        assertTrue(Json.read(plan.failure(train)).get("message").getAsString().contains("out of memory"));
        // a training resumes where it stopped: its work folder is handed over as it was
        AtomicInteger calls = new AtomicInteger();
        assertEquals(ResultStore.Status.DONE, store.run(train, (command, args, out) -> {
            calls.incrementAndGet();
            assertEquals("epoch 3", Files.readString(out.resolve("checkpoint")));
            return 0;
        }, "test").status());
        assertEquals(1, calls.get());

        // an unlearning run starts over: a stale folder from a killed attempt is emptied first
        PlanEntry unlearn = plan.entry(1);
        Files.createDirectories(plan.work(unlearn));
        Files.writeString(plan.work(unlearn).resolve("half.safetensors"), "partial");
        assertEquals(ResultStore.Status.INTERRUPTED, store.status(unlearn));
        assertEquals(ResultStore.Status.DONE, store.run(unlearn, (command, args, out) -> {
            assertFalse(Files.exists(out.resolve("half.safetensors")));
            Files.createDirectories(out);
            Files.writeString(out.resolve("unlearn.json"), "{}");
            return 0;
        }, "test").status());
        assertFalse(Files.exists(plan.result(unlearn).resolve("half.safetensors")));
    }

    @Test
    void anEntryThatIsRunningIsNotRunAgain() {
        SweepPlan plan = plan();
        ResultStore store = new ResultStore(plan);
        PlanEntry train = plan.entry(0);
        AtomicInteger inner = new AtomicInteger();
        ResultStore.Outcome outer = store.run(train, (command, args, out) -> {
            assertEquals(ResultStore.Status.RUNNING, store.status(train));
            ResultStore.Outcome second = store.run(train, writing(inner), "test");
            assertEquals(ResultStore.Status.RUNNING, second.status());
            Files.createDirectories(out);
            return 0;
        }, "test");
        assertEquals(ResultStore.Status.DONE, outer.status());
        assertEquals(0, inner.get(), "the second attempt saw the lock and did not run");
        assertEquals(ResultStore.Status.DONE, store.status(train));
    }
}
