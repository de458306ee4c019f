package org.tinymem.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnlearnCommandTest {
    @TempDir
    Path dir;

    @Test
    void badArgumentsFailBeforeAnyWorkAndNothingIsOverwritten() throws Exception {
        Path model = dir.resolve("no-such-run");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "nope", "--out", dir.resolve("a").toString()));
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "durable", "--ratio", "0",
                "--out", dir.resolve("a").toString()));
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("result.txt"), "keep me");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "sou", "--out", taken.toString()));
        assertEquals("keep me", Files.readString(taken.resolve("result.txt")));
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "sou", "--out", dir.resolve("b").toString()),
                "a missing run directory is an error");
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void aBaselineWithRelearningWritesTheApproximateAndRelearnMeasures() throws Exception {
        Path run = dir.resolve("tiny");
        assertEquals(0, TinyMemCli.run("train", "--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2", "--profile", "smoke",
                "--out", run.toString()));
        Path out = dir.resolve("ga");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "ga", "--ratio", "0.1", "--out", out.toString()),
                "ga has no ratio");
        assertEquals(0, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "ga", "--epochs", "1", "--relearn-steps", "3",
                "--out", out.toString()));
        com.google.gson.JsonObject json = org.tinymem.util.Json.read(out.resolve("unlearn.json"));
        assertEquals("steps", json.get("unit").getAsString());
        assertEquals(3, json.get("relearn_steps").getAsInt());
        assertTrue(json.has("relearn_percent_memorized") && json.has("recovered_percent"), json.toString());
        for (String key : new String[] {"percent_approx_memorized", "rouge_l", "extraction_strength", "token_match", "edit_distance"}) {
            assertTrue(json.getAsJsonObject("after").has(key), key);
        }
        assertEquals(1, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "ga", "--relearn-steps", "-1",
                "--out", dir.resolve("neg").toString()));
        assertFalse(json.getAsJsonObject("early_stopping").get("used").getAsBoolean(), "off unless asked for");
    }

    /** --eval-every records the curve, the stop and the kept epoch; its options alone, or on other methods, are errors. */
    @Test
    void evaluationWhileUnlearningRecordsTheCurveAndTheKeptEpoch() throws Exception {
        Path run = dir.resolve("tiny");
        assertEquals(0, TinyMemCli.run("train", "--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2", "--profile", "smoke",
                "--out", run.toString()));
        assertEquals(1, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "balanced-subnet", "--patience", "2",
                "--out", dir.resolve("a").toString()), "--patience needs --eval-every");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "durable", "--eval-every", "1",
                "--out", dir.resolve("b").toString()), "durable cannot be evaluated while it runs");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "subnet", "--eval-every", "1",
                "--keep", "first", "--out", dir.resolve("c").toString()));
        Path out = dir.resolve("evaluated");
        assertEquals(0, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "balanced-subnet", "--epochs", "3",
                "--batch-size", "16", "--eval-every", "1", "--patience", "100", "--keep", "best", "--out", out.toString()));
        com.google.gson.JsonObject stopping = org.tinymem.util.Json.read(out.resolve("unlearn.json")).getAsJsonObject("early_stopping");
        assertTrue(stopping.get("used").getAsBoolean());
        assertEquals("best", stopping.get("keep").getAsString());
        assertEquals(100, stopping.get("patience").getAsInt());
        assertFalse(stopping.get("stopped_early").getAsBoolean(), "patience 100 never stops a 3-epoch run");
        assertEquals(3, stopping.get("epochs_run").getAsInt());
        com.google.gson.JsonArray curve = stopping.getAsJsonArray("curve");
        assertEquals(3, curve.size());
        int kept = stopping.get("kept_epoch").getAsInt();
        double bestScore = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (com.google.gson.JsonElement point : curve) {
            com.google.gson.JsonObject p = point.getAsJsonObject();
            assertTrue(p.has("percent_memorized") && p.has("accuracy"), p.toString());
            if (p.get("score").getAsDouble() < bestScore) {
                bestScore = p.get("score").getAsDouble();
                bestEpoch = p.get("epoch").getAsInt();
            }
        }
        assertEquals(bestEpoch, kept);
        assertTrue(Files.readString(out.resolve(org.tinymem.experiment.TrainRun.PROVENANCE)).contains("early_stopping"),
                "the settings are in the provenance");
    }
}
