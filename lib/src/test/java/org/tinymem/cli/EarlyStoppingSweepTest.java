package org.tinymem.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.sweep.SweepResults;
import org.tinymem.util.Json;

/**
 * Issue 17, item 2, in sweeps: {@code sweep plan --eval-every} gives every subnet and balanced-subnet run
 * of the plan evaluation while unlearning (the same arguments as {@code unlearn}, every value written
 * out), such runs do not share an epoch ladder, other methods run as without it, and {@code sweep
 * collect} shows where each run stopped and which epoch it kept.
 */
class EarlyStoppingSweepTest {
    @TempDir
    Path dir;

    @Test
    void aPlanEvaluatesItsMaskRunsWhileTheyUnlearnAndCollectShowsWhereEachStopped() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, TinyMemCli.run("train", "--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2", "--profile", "smoke",
                "--out", model.toString()));

        // misuse is refused and writes nothing: options without --eval-every; a plan with no method that can be evaluated
        assertEquals(1, TinyMemCli.run("sweep", "plan", "--model", model.toString(), "--methods", "balanced-subnet", "--keep", "best",
                "--out", dir.resolve("bad-1").toString()));
        assertEquals(1, TinyMemCli.run("sweep", "plan", "--model", model.toString(), "--methods", "durable", "--eval-every", "1",
                "--out", dir.resolve("bad-2").toString()));
        assertEquals(1, TinyMemCli.run("sweep", "plan", "--model", model.toString(), "--methods", "balanced-subnet", "--eval-every", "0",
                "--out", dir.resolve("bad-3").toString()));
        assertFalse(Files.exists(dir.resolve("bad-1")) || Files.exists(dir.resolve("bad-2")) || Files.exists(dir.resolve("bad-3")));

        Path sweep = dir.resolve("sweep");
        assertEquals(0, TinyMemCli.run("sweep", "plan", "--model", model.toString(), "--methods", "balanced-subnet", "--ratios", "0.05",
                "--epochs", "2,4", "--retain-rows", "8", "--eval-every", "1", "--patience", "0", "--keep", "best",
                "--out", sweep.toString()));
        SweepPlan plan = SweepPlan.read(sweep);
        assertEquals(2, plan.entries().size());
        for (PlanEntry e : plan.entries()) {
            assertEquals("1", e.option("--eval-every"), e.label());
            assertEquals("0", e.option("--patience"));
            assertEquals("0.5", e.option("--tolerance"), "the default is written out, so the entry does not depend on it");
            assertEquals("best", e.option("--keep"));
            assertEquals(List.of(e), plan.ladder(e), "an evaluated run is its own work item, not an epoch ladder's snapshot");
        }
        // without --eval-every the same grid shares one run, and a method that cannot be evaluated gets no such options
        assertEquals(0, TinyMemCli.run("sweep", "plan", "--model", model.toString(), "--methods", "balanced-subnet", "--ratios", "0.05",
                "--epochs", "2,4", "--retain-rows", "8", "--out", dir.resolve("plain").toString()));
        SweepPlan plain = SweepPlan.read(dir.resolve("plain"));
        assertEquals(2, plain.ladder(plain.entry(0)).size());
        assertNull(plain.entry(0).option("--eval-every"));
        assertEquals(0, TinyMemCli.run("sweep", "plan", "--model", model.toString(), "--methods", "balanced-subnet,durable",
                "--eval-every", "2", "--out", dir.resolve("mixed").toString()));
        for (PlanEntry e : SweepPlan.read(dir.resolve("mixed")).entries()) {
            assertEquals(e.option("--method").equals("durable") ? null : "2", e.option("--eval-every"), e.label());
        }

        ResultStore store = new ResultStore(plan);
        PlanEntry four = plan.entries().stream().filter(e -> e.option("--epochs").equals("4")).findFirst().orElseThrow();
        ResultStore.Outcome outcome = store.run(four, SweepRunCommand.IN_PROCESS, "local");
        assertEquals(ResultStore.Status.DONE, outcome.status(), outcome.message());
        assertEquals(ResultStore.Status.PENDING, store.status(plan.entries().stream().filter(e -> e != four).findFirst().orElseThrow()),
                "the other epoch count is not served by this run");

        JsonObject record = Json.read(plan.result(four).resolve("unlearn.json"));
        JsonObject stopping = record.getAsJsonObject("early_stopping");
        assertTrue(stopping.get("used").getAsBoolean(), record.toString());
        int epochsRun = stopping.get("epochs_run").getAsInt();
        int kept = stopping.get("kept_epoch").getAsInt();
        assertTrue(epochsRun >= 1 && epochsRun <= 4, "epochs run " + epochsRun);
        assertEquals(epochsRun, stopping.getAsJsonArray("curve").size(), "one evaluation per epoch run");
        assertTrue(kept >= 1 && kept <= epochsRun, "kept epoch " + kept);

        Map<String, String> row = SweepResults.rows(store).get(four.index());
        assertEquals("true", row.get("early_stopping_used"), row.toString());
        assertEquals(Integer.toString(kept), row.get("early_stopping_kept_epoch"));
        assertEquals(Integer.toString(epochsRun), row.get("early_stopping_epochs_run"));
        assertEquals("best", row.get("keep"));
        Map<String, String> selected = SweepResults.selected(store).get(0);
        assertEquals(Integer.toString(four.index()), selected.get("index"), "the one finished run is selected");
    }
}
