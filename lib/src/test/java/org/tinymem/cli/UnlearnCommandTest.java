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
    }
}
