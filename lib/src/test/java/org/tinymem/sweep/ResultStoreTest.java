package org.tinymem.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.cli.TinyMemCli;
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
    @Test
    void aResultMadeFromWeightsThatChangedSinceIsStaleNeverReusedSelectedOrDeleted() throws Exception {
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        byte[] weights = {1, 2, 3, 4};
        Files.write(model.resolve("model.safetensors"), weights);
        SweepPlan plan = SweepPlan.of(dir.resolve("plan"),
                List.of(new SweepPlan.Draft(1, "unlearn", List.of("--model", model.toString(), "--method", "sou"))));
        plan.write();
        ResultStore store = new ResultStore(plan);
        PlanEntry unlearn = plan.entry(0);
        AtomicInteger calls = new AtomicInteger();
        assertEquals(ResultStore.Status.DONE, store.run(unlearn, writing(calls), "test").status());
        String recorded = Json.read(plan.result(unlearn).resolve(ResultStore.ENTRY)).get(ResultStore.MODEL_SHA256).getAsString();
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights)), recorded);
        assertEquals(ResultStore.Status.DONE, store.status(unlearn));

        // the model is retrained in place (same size, other values): its result no longer describes it
        Path tmp = model.resolve("model.safetensors.tmp");
        Files.write(tmp, new byte[] {1, 2, 3, 5});
        Files.move(tmp, model.resolve("model.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(ResultStore.Status.STALE, store.status(unlearn), "the same store notices, not only a new one");
        assertEquals(ResultStore.Status.STALE, new ResultStore(plan).status(unlearn));
        ResultStore.Outcome again = store.run(unlearn, writing(calls), "test");
        assertEquals(ResultStore.Status.STALE, again.status());
        assertEquals(4, again.exitCode());
        assertTrue(again.message().contains("move " + plan.result(unlearn)), again.message());
        assertEquals(1, calls.get(), "a stale result is not silently reused as done, nor rerun over");
        assertTrue(Files.isRegularFile(plan.result(unlearn).resolve("result.txt")), "and never deleted");
        // collect shows it with its numbers but under its own status, so selection (status done only) skips it
        assertEquals("stale", SweepResults.rows(store).get(0).get("status"));

        // submit refuses, names the entry and the remedy, and runs nothing
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = TinyMemCli.run("sweep", "submit", plan.dir().toString(), "--workers", "1", "--threads", "1");
        } finally {
            System.setErr(originalErr);
        }
        assertEquals(1, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("#0") && message.contains("changed since") && message.contains("nothing deleted"), message);
        assertTrue(Files.isRegularFile(plan.result(unlearn).resolve("result.txt")));

        // the original weights back: the result is done again
        Files.write(model.resolve("model.safetensors"), weights);
        assertEquals(ResultStore.Status.DONE, store.status(unlearn));
        // a result recorded before the check existed (no hash) is not second-guessed
        Files.write(model.resolve("model.safetensors"), new byte[] {9});
        com.google.gson.JsonObject old = Json.read(plan.result(unlearn).resolve(ResultStore.ENTRY));
        old.remove(ResultStore.MODEL_SHA256);
        Json.write(plan.result(unlearn).resolve(ResultStore.ENTRY), old);
        assertEquals(ResultStore.Status.DONE, store.status(unlearn));
    }
}
