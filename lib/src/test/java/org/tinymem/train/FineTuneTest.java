package org.tinymem.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.data.MathData;
import org.tinymem.data.MathTask;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.MathMeasures;
import org.tinymem.experiment.FineTuneRun;
import org.tinymem.util.Json;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.Gpt;
import org.tinymem.model.ModelFiles;
import org.tinymem.util.Progress;

class FineTuneTest {
    @TempDir
    Path dir;

    @Test
    void eachRecipeUsesExactlyItsRows() {
        for (Artifact.Kind artifact : Artifact.Kind.values()) {
            TinyMemData data = MathData.build(Profile.SMOKE.mathData(MathTask.Operation.ADD, artifact, 0));
            List<TrainRow> clean = FineTune.rows(data, FineTune.Recipe.CLEAN);
            List<TrainRow> extra = FineTune.rows(data, FineTune.Recipe.EXTRA);
            List<TrainRow> both = FineTune.rows(data, FineTune.Recipe.BOTH);
            assertFalse(clean.isEmpty(), artifact + " has clean twins");

            // Clean: exactly the twins, one row each, carrying their artifact's example id.
            assertEquals(keys(data.cleanTwins()), keys(clean.stream().map(TrainRow::tokens).toList()));
            assertEquals(data.cleanTwins().size(), clean.size());
            Set<Integer> artifactIds = new HashSet<>();
            data.train().stream().filter(TrainRow::isArtifact).forEach(row -> artifactIds.add(row.exampleId()));
            assertEquals(artifactIds, new HashSet<>(clean.stream().map(TrainRow::exampleId).toList()));

            // Extra: every non-artifact training row and nothing else.
            assertTrue(extra.stream().noneMatch(TrainRow::isArtifact));
            assertEquals(data.cleanTrainTokens().size(), extra.size());
            assertEquals(keys(data.cleanTrainTokens()), keys(extra.stream().map(TrainRow::tokens).toList()));
            Set<String> artifactRows = keys(data.train().stream().filter(TrainRow::isArtifact).map(TrainRow::tokens).toList());
            assertTrue(extra.stream().noneMatch(row -> artifactRows.contains(Arrays.toString(row.tokens()))));

            // Both: the union.
            assertEquals(extra.size() + clean.size(), both.size());
            assertEquals(union(extra, clean), keys(both.stream().map(TrainRow::tokens).toList()));
            assertTrue(both.stream().noneMatch(TrainRow::isArtifact));
        }
    }

    @Test
    void fineTuneRunWritesModelAndMeasuresAndNeverOverwrites() {
        Path source = dir.resolve("run");
        RunSpec spec = new RunSpec("math-add", Artifact.Kind.NOISE, 1, Profile.SMOKE, 0);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(TrainerTest.tiny(1), 0, manager)) {
            Json.write(source.resolve(TrainRun.SPEC), spec.toJson());
            ModelFiles.save(model, source, Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Path out = dir.resolve("clean");
        try (NDManager manager = NDManager.newBaseManager()) {
            FineTune.Result result = FineTuneRun.run(source, FineTune.Recipe.CLEAN, out, manager, Progress.silent());
            assertEquals(FineTune.EPOCHS, result.epochs());
            assertTrue(result.seconds() > 0);
            assertTrue(result.before().containsKey(MathMeasures.PERCENT_MEMORIZED));
            String weight = "transformer.h.0.mlp.c_fc.weight";
            try (Gpt before = ModelFiles.load(source, manager); Gpt after = ModelFiles.load(out, manager)) {
                assertFalse(java.util.Arrays.equals(before.parameters().get(weight).toFloatArray(),
                        after.parameters().get(weight).toFloatArray()), "fine-tuning changed the saved model");
            }
            var json = Json.read(out.resolve(FineTuneRun.RESULT));
            assertEquals("clean", json.get("recipe").getAsString());
            assertTrue(json.getAsJsonObject("after").has(MathMeasures.ACCURACY));
            assertEquals("accuracy", json.get("performance_measure").getAsString());
            assertEquals(org.tinymem.eval.Scorecard.percentDifference(result.before().get(MathMeasures.ACCURACY),
                    result.after().get(MathMeasures.ACCURACY)), json.get("accuracy_difference").getAsDouble(), 1e-9);
            assertTrue(Files.isRegularFile(out.resolve(ModelFiles.WEIGHTS)));
            assertTrue(Files.isRegularFile(out.resolve(TrainRun.PROVENANCE)));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> FineTuneRun.run(source, FineTune.Recipe.BOTH, out, manager, Progress.silent()));
            assertTrue(refused.getMessage().contains("holds other results"), refused.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> FineTuneRun.run(source, FineTune.Recipe.BOTH, source, manager, Progress.silent()));
        }
        assertThrows(IllegalArgumentException.class, () -> FineTune.Recipe.parse("dirty"));
    }

    @Test
    void cachedFineTuneIsKeptUnderTheRunAndReadBack() throws Exception {
        Path source = dir.resolve("run");
        RunSpec spec = new RunSpec("math-add", Artifact.Kind.NOISE, 1, Profile.SMOKE, 0);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(TrainerTest.tiny(1), 0, manager)) {
            Json.write(source.resolve(TrainRun.SPEC), spec.toJson());
            ModelFiles.save(model, source, Map.of());
        }
        Path target = FineTuneRun.cacheOf(source, FineTune.Recipe.CLEAN);
        assertEquals(source.resolve("finetune/clean"), target);
        Files.createDirectories(target.resolveSibling(".clean.partial"));
        Files.writeString(target.resolveSibling(".clean.partial/leftover"), "from a crashed run");
        try (NDManager manager = NDManager.newBaseManager()) {
            FineTune.Result first = FineTuneRun.cached(source, FineTune.Recipe.CLEAN, manager, Progress.silent());
            assertTrue(Files.isRegularFile(target.resolve(FineTuneRun.RESULT)));
            assertTrue(Files.isRegularFile(target.resolve(ModelFiles.WEIGHTS)));
            assertFalse(Files.exists(target.resolveSibling(".clean.partial")), "the leftover partial folder is gone");
            long written = Files.getLastModifiedTime(target.resolve(FineTuneRun.RESULT)).toMillis();
            FineTune.Result again = FineTuneRun.cached(source, FineTune.Recipe.CLEAN, manager, Progress.silent());
            assertEquals(written, Files.getLastModifiedTime(target.resolve(FineTuneRun.RESULT)).toMillis(), "read, not rerun");
            assertEquals(first.recipe(), again.recipe());
            assertEquals(first.rows(), again.rows());
            assertEquals(first.seconds(), again.seconds(), 1e-9);
            assertEquals(first.before(), again.before());
            assertEquals(first.after(), again.after());
        }
    }

    @Test
    void runSpecRecordsTheRegularizerAndStaysBackwardCompatible() {
        RunSpec plain = new RunSpec("math-add", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0);
        assertFalse(plain.toJson().has("regularizer"));
        assertEquals(plain, RunSpec.fromJson(plain.toJson()));
        RunSpec regularized = plain.withRegularizer(new RegularizerSpec(RegularizerSpec.Kind.LOSS_TRUNCATION, 0.1));
        assertEquals(regularized, RunSpec.fromJson(regularized.toJson()));
        assertNotEquals(plain, regularized);
        assertThrows(IllegalArgumentException.class, () -> new RegularizerSpec(RegularizerSpec.Kind.SPECTRAL_NORM, 0));
        assertThrows(IllegalArgumentException.class, () -> new RegularizerSpec(RegularizerSpec.Kind.LOSS_TRUNCATION, 1));
        assertThrows(IllegalArgumentException.class, () -> new RegularizerSpec(RegularizerSpec.Kind.EXAMPLE_TIED_DROPOUT, 0));
    }

    private static Set<String> keys(List<int[]> rows) {
        Set<String> keys = new HashSet<>();
        rows.forEach(row -> keys.add(Arrays.toString(row)));
        return keys;
    }

    private static Set<String> union(List<TrainRow> a, List<TrainRow> b) {
        Set<String> keys = keys(a.stream().map(TrainRow::tokens).toList());
        keys.addAll(keys(b.stream().map(TrainRow::tokens).toList()));
        return keys;
    }
}
