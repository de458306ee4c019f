package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.model.ModelFiles;
import org.tinymem.train.Profile;
import org.tinymem.util.Json;
import org.tinymem.util.Progress;

/** Reusing a finished run writes nothing; resuming an unfinished one keeps the provenance it started with. */
class TrainRunReuseTest {
    private static final RunSpec SPEC = new RunSpec("tiny-memorizer", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0);

    @Test
    void aFinishedRunIsReadBackWithoutRewritingItsFiles(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainRun.Outcome first = TrainRun.run(SPEC, run, manager, Progress.silent());
            String provenance = Files.readString(run.resolve(TrainRun.PROVENANCE));
            FileTime weights = Files.getLastModifiedTime(run.resolve(ModelFiles.WEIGHTS));
            FileTime metrics = Files.getLastModifiedTime(run.resolve(TrainRun.METRICS));

            TrainRun.Outcome again = TrainRun.run(SPEC, run, manager, Progress.silent());
            assertTrue(again.result().resumed(), "the second call reads the last checkpoint");
            assertEquals(first.metrics(), again.metrics());
            assertEquals(first.parameters(), again.parameters());
            assertEquals(provenance, Files.readString(run.resolve(TrainRun.PROVENANCE)),
                    "reusing a finished run rewrote its provenance (code version, threads, time of the reuse)");
            assertEquals(weights, Files.getLastModifiedTime(run.resolve(ModelFiles.WEIGHTS)));
            assertEquals(metrics, Files.getLastModifiedTime(run.resolve(TrainRun.METRICS)));

            // A run stopped before its results were written (no metrics.json) is resumed: the original provenance
            // stays, and the resumption is recorded beside it.
            Files.delete(run.resolve(TrainRun.METRICS));
            TrainRun.Outcome resumed = TrainRun.run(SPEC, run, manager, Progress.silent());
            assertEquals(first.metrics(), resumed.metrics());
            assertTrue(Files.isRegularFile(run.resolve(TrainRun.METRICS)), "the resumed run writes its results");
            JsonObject before = Json.read(run.resolve(TrainRun.PROVENANCE));
            JsonObject original = com.google.gson.JsonParser.parseString(provenance).getAsJsonObject();
            assertEquals(original.get("recorded_at"), before.get("recorded_at"), "the start's provenance is kept");
            assertEquals(original.get("config"), before.get("config"));
            assertEquals(1, before.getAsJsonArray("resumed").size());
            JsonObject entry = before.getAsJsonArray("resumed").get(0).getAsJsonObject();
            assertTrue(entry.has("git_commit") && entry.has("torch_threads") && entry.has("recorded_at"), entry.toString());
            assertFalse(entry.has("config"), "a resumption entry does not repeat the configuration");
        }
    }
}
