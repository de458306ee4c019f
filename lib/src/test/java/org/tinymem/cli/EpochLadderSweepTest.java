package org.tinymem.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.Plans;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.unlearn.UnlearnRuns;
import org.tinymem.util.Json;

/**
 * Issue 17, item 1: BalancedSubnet runs that differ only in their epoch count come from one run, on the
 * command line ({@code unlearn --epochs 1,2}) and in a sweep (the result store runs a plan's epoch
 * ladder once), with the numbers and weights of separate runs.
 */
class EpochLadderSweepTest {
    @TempDir
    Path dir;

    private static List<String> unlearnArgs(Path model, String method, String epochs) {
        return List.of("--model", model.toString(), "--method", method, "--ratio", "0.05", "--epochs", epochs, "--seed", "0",
                "--retain-rows", "8");
    }

    private static int unlearn(Path model, String method, String epochs, Path out) {
        List<String> line = new ArrayList<>(List.of("unlearn"));
        line.addAll(unlearnArgs(model, method, epochs));
        line.addAll(List.of("--out", out.toString()));
        return TinyMemCli.run(line.toArray(String[]::new));
    }

    @Test
    void oneSharedRunGivesEachEpochCountTheResultOfItsOwnRun() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, TinyMemCli.run("train", "--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2", "--profile", "smoke",
                "--out", model.toString()));

        // the command line: one run, one sub-directory per epoch count, each as a separate run writes it
        assertEquals(0, unlearn(model, "balanced-subnet", "1", dir.resolve("alone-1")));
        assertEquals(0, unlearn(model, "balanced-subnet", "2", dir.resolve("alone-2")));
        Path shared = dir.resolve("shared");
        assertEquals(0, unlearn(model, "balanced-subnet", "2,1", shared));
        for (int epochs : new int[] {1, 2}) {
            Path snapshot = shared.resolve(UnlearnRuns.epochsDirectory(epochs));
            Path alone = dir.resolve("alone-" + epochs);
            assertArrayEquals(Files.readAllBytes(alone.resolve("model.safetensors")), Files.readAllBytes(snapshot.resolve("model.safetensors")),
                    epochs + " epochs: the snapshot's weights are those of a separate run");
            JsonObject a = Json.read(alone.resolve("unlearn.json"));
            JsonObject s = Json.read(snapshot.resolve("unlearn.json"));
            assertEquals(a.getAsJsonObject("after"), s.getAsJsonObject("after"));
            assertEquals(a.getAsJsonObject("params"), s.getAsJsonObject("params"));
            assertEquals(epochs, s.getAsJsonObject("params").getAsJsonObject("mask").get("epochs").getAsInt());
            assertTrue(s.get("epoch_ladder").getAsString().contains("one run to 2 epochs"), s.toString());
        }

        // refused: a method without a shared run, and a repeated count; nothing written
        assertEquals(1, unlearn(model, "zero", "1,2", dir.resolve("zero")));
        assertEquals(1, unlearn(model, "balanced-subnet", "2,2", dir.resolve("twice")));
        assertFalse(Files.exists(dir.resolve("zero")) || Files.exists(dir.resolve("twice")));

        // a sweep: the ladder's entries are one work item and one run; each gets its own result
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        for (String epochs : List.of("1", "2")) drafts.add(new SweepPlan.Draft(Plans.MITIGATE, "unlearn", unlearnArgs(model, "balanced-subnet", epochs)));
        drafts.add(new SweepPlan.Draft(Plans.MITIGATE, "unlearn", unlearnArgs(model, "subnet", "1")));
        SweepPlan plan = SweepPlan.of(dir.resolve("sweep"), drafts);
        plan.write();
        assertEquals(2, plan.ladder(plan.entry(0)).size());
        assertEquals(plan.ladder(plan.entry(0)), plan.ladder(plan.entry(1)));
        assertEquals(List.of(plan.entry(2)), plan.ladder(plan.entry(2)), "another method (or another ratio) is another ladder");
        assertEquals(2, org.tinymem.sweep.LocalEngine.ladders(plan, plan.entries()).size());

        ResultStore store = new ResultStore(plan);
        ResultStore.Outcome outcome = store.run(plan.entry(1), SweepRunCommand.IN_PROCESS, "local");
        assertEquals(ResultStore.Status.DONE, outcome.status(), outcome.message());
        for (PlanEntry e : List.of(plan.entry(0), plan.entry(1))) {
            assertEquals(ResultStore.Status.DONE, store.status(e), "entry " + e.index() + " done by the shared run");
            Path result = plan.result(e);
            Path alone = dir.resolve("alone-" + e.option("--epochs"));
            assertArrayEquals(Files.readAllBytes(alone.resolve("model.safetensors")), Files.readAllBytes(result.resolve("model.safetensors")));
            assertTrue(Json.read(result.resolve(ResultStore.ENTRY)).get("shared_run").getAsString().contains("entries 0, 1"));
        }
        assertEquals(ResultStore.Status.PENDING, store.status(plan.entry(2)));
        assertFalse(Files.exists(plan.dir().resolve("work").resolve(plan.entry(1).key() + "-ladder")), "the shared run's folder is gone");
        assertEquals("already done", store.run(plan.entry(0), SweepRunCommand.IN_PROCESS, "local").message());
    }
}
