package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.eval.MathMeasures;
import org.tinymem.notebook.UnlearningResults;
import tech.tablesaw.api.Table;

/** {@link UnlearnRuns#relearn}: a run's relearning test (issue #16, not in the paper), kept beside the run and reused. */
class UnlearnRunsRelearnTest {

    @Test
    void aRunsRelearningIsMeasuredOnceBesideItThenReadBackUntilItsStepsChange(@TempDir Path dir) throws Exception {
        MemorizingModel fixture = MemorizingModel.get();
        UnlearnRuns runs = new UnlearnRuns(dir, "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        Unlearner ga = UnlearnMethods.create("ga", new UnlearnMethods.Options(null, 2, null, 1e-3, 0));
        UnlearnRuns.Run run = runs.run("grid", ga, 0);
        assertEquals(0, run.retainRows());
        Path record = dir.resolve("ga-grid-r1");
        String unlearnJson = Files.readString(record.resolve(UnlearnRuns.RESULT));
        org.tinymem.train.TrainConfig training = TinyMemorizer.training(0);
        Relearning.Params three = new Relearning.Params(3, 8, 0);

        UnlearnRuns.Relearned first = runs.relearn(run, training, three);
        assertFalse(first.reused());
        assertEquals(3, first.result().steps());
        assertTrue(Files.isRegularFile(record.resolve(UnlearnRuns.RELEARN_RESULT)));
        assertEquals(unlearnJson, Files.readString(record.resolve(UnlearnRuns.RESULT)), "the run's own record is untouched");
        // the edit is applied again with the run's seed and sets: the same edit as the run's
        assertEquals(run.row().memorizedAfter(), first.editedPercentMemorized(), 1e-9);
        assertEquals(Relearning.recoveredPercent(run.row().memorizedBefore(), first.editedPercentMemorized(),
                first.result().percentMemorized()), first.result().recoveredPercent(), 1e-9);
        assertEquals(first.result().percentMemorized(), first.result().after().get(org.tinymem.eval.Measures.PERCENT_MEMORIZED));

        // a second session reads it back, to the last digit
        UnlearnRuns.Relearned again = new UnlearnRuns(dir, "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE)
                .relearn(run, training, three);
        assertTrue(again.reused());
        assertEquals(first.result(), again.result());
        assertEquals(first.editedPercentMemorized(), again.editedPercentMemorized());
        Table table = UnlearningResults.relearning("relearning", List.of(first, again));
        assertEquals(List.of(UnlearningResults.OTHER_BASELINE, UnlearningResults.OTHER_BASELINE), table.stringColumn("family").asList());
        assertEquals(first.result().recoveredPercent(), table.doubleColumn("recovered %").get(0), 1e-12);
        assertEquals(first.result().percentMemorized(), table.doubleColumn("% mem after relearning").get(1), 1e-12);
        assertEquals(first.editedPercentMemorized(), table.doubleColumn("% mem after edit").get(0), 1e-12);
        assertEquals(List.of(false, true), table.booleanColumn("reused").asList());
        Table approximate = UnlearningResults.approximate("approximate", List.of(run));
        assertEquals(run.row().memorizedAfter(), approximate.doubleColumn("% memorized").get(0), 1e-12);
        assertEquals(run.after().get(org.tinymem.eval.Measures.ROUGE_L), approximate.doubleColumn("ROUGE-L").get(0), 1e-12);
        assertEquals(UnlearningResults.PAPER_METHOD, UnlearningResults.family("balanced-subnet"));

        // other steps, or another learning rate: relearned again, and the record replaced
        UnlearnRuns.Relearned two = runs.relearn(run, training, new Relearning.Params(2, 8, 0));
        assertFalse(two.reused());
        assertEquals(2, two.result().steps());
        assertTrue(runs.relearn(run, training, new Relearning.Params(2, 8, 0)).reused());
        org.tinymem.train.TrainConfig slower = new org.tinymem.train.TrainConfig(training.epochs(), training.batchSize(),
                training.learningRate() / 10, training.beta1(), training.beta2(), training.eps(), training.weightDecay(),
                training.warmupSteps(), training.finalLearningRateFraction(), training.checkpointEvery(), training.evaluateEvery(),
                training.seed());
        assertFalse(runs.relearn(run, slower, new Relearning.Params(2, 8, 0)).reused());
        // a damaged record is measured again
        Files.writeString(record.resolve(UnlearnRuns.RELEARN_RESULT), "{ not json");
        assertFalse(runs.relearn(run, training, three).reused());
        assertThrows(IllegalArgumentException.class, () -> new UnlearnRuns(dir, "other", fixture.model, fixture.data,
                MathMeasures.INSTANCE).relearn(run, training, three), "a run of another model");
    }

    /**
     * Targeted relearning (forget-half) keeps its own record beside the clean one, splits the probes the model memorizes,
     * and a clean record from before the data and the scale existed is still read back.
     */
    @Test
    void targetedRelearningHasItsOwnRecordAndOldCleanRecordsStayValid(@TempDir Path dir) throws Exception {
        MemorizingModel fixture = MemorizingModel.get();
        UnlearnRuns runs = new UnlearnRuns(dir, "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        UnlearnRuns.Run run = runs.run("grid", UnlearnMethods.create("ga", new UnlearnMethods.Options(null, 2, null, 1e-3, 0)), 0);
        Path record = dir.resolve("ga-grid-r1");
        org.tinymem.train.TrainConfig training = TinyMemorizer.training(0);
        assertEquals(fixture.sets.unlearnProbes(fixture.data.probes()), runs.memorizedProbes());

        Relearning.Params targeted = new Relearning.Params(3, 8, 0, Relearning.Data.FORGET_HALF, 0.1);
        UnlearnRuns.Relearned first = runs.relearn(run, training, targeted);
        assertFalse(first.reused());
        assertEquals("relearn-forget-half.json", UnlearnRuns.relearnFile(Relearning.Data.FORGET_HALF));
        assertTrue(Files.isRegularFile(record.resolve("relearn-forget-half.json")));
        assertFalse(Files.exists(record.resolve(UnlearnRuns.RELEARN_RESULT)), "the clean record is another file");
        assertEquals(Relearning.split(runs.memorizedProbes(), 0).heldOut().size(), first.result().heldOutProbes());
        assertEquals(run.row().memorizedAfter(), first.editedPercentMemorized(), 1e-9);
        assertEquals(first.result(), runs.relearn(run, training, targeted).result());
        assertTrue(runs.relearn(run, training, targeted).reused());
        assertFalse(runs.relearn(run, training, new Relearning.Params(3, 8, 0, Relearning.Data.FORGET_HALF, 1.0)).reused(),
                "another learning rate");
        Table table = UnlearningResults.relearning("targeted", List.of(first));
        assertEquals(first.result().heldOutProbes() + " held-out probes", table.stringColumn("measured on").get(0));
        assertEquals(first.result().editedPercentMemorized(), table.doubleColumn("% measured after edit").get(0), 1e-12);

        // the floor: a model that never saw the rows (here: freshly initialised) relearned on the same split, kept and reused
        try (org.tinymem.model.Gpt reference = org.tinymem.model.Gpt.initialize(fixture.model.config(), 5, fixture.model.manager())) {
            Relearning.Result floor = runs.relearnReference(reference, training, targeted);
            Path floorFile = dir.resolve("reference-relearn-forget-half.json");
            assertTrue(Files.isRegularFile(floorFile));
            assertEquals(first.result().heldOutProbes(), floor.heldOutProbes());
            assertEquals(0, floor.editedPercentMemorized(), 1e-12, "an untrained model memorizes none of the held-out probes");
            java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(floorFile);
            assertEquals(floor, runs.relearnReference(reference, training, targeted));
            assertEquals(written, Files.getLastModifiedTime(floorFile), "read back, not measured again");
        }

        // a clean record written before held-out probes were recorded (same settings string) is read back as it is
        Relearning.Params clean = new Relearning.Params(3, 8, 0);
        UnlearnRuns.Relearned cleanFirst = runs.relearn(run, training, clean);
        com.google.gson.JsonObject json = org.tinymem.util.Json.read(record.resolve(UnlearnRuns.RELEARN_RESULT));
        assertTrue(json.get("relearn_settings").getAsString().startsWith("Params[steps=3, batchSize=8, seed=0] lr="),
                json.get("relearn_settings").getAsString());
        json.remove("relearn_held_out_probes");
        json.remove("relearn_edited_percent_memorized");
        org.tinymem.util.Json.write(record.resolve(UnlearnRuns.RELEARN_RESULT), json);
        UnlearnRuns.Relearned old = runs.relearn(run, training, clean);
        assertTrue(old.reused());
        assertEquals(cleanFirst.result(), old.result());
    }

    /**
     * Each run keeps its edit (the changed tensors); relearning starts from it instead of applying the method again,
     * with the same numbers, and falls back to applying it again when the file is missing or does not match.
     */
    @Test
    void aKeptEditIsRelearnedWithoutApplyingTheMethodAgainWithTheSameNumbers(@TempDir Path dir) throws Exception {
        MemorizingModel fixture = MemorizingModel.get();
        Unlearner durable = new org.tinymem.unlearn.weight.Durable(new org.tinymem.unlearn.weight.Durable.Params(0.05, 64, TensorScope.MLP));
        org.tinymem.train.TrainConfig training = TinyMemorizer.training(0);
        Relearning.Params three = new Relearning.Params(3, 8, 0);

        UnlearnRuns kept = new UnlearnRuns(dir.resolve("kept"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        UnlearnRuns.Run run = kept.run("paper", durable, 0);
        Path record = dir.resolve("kept").resolve("durable-paper-r0.05");
        com.google.gson.JsonObject json = org.tinymem.util.Json.read(record.resolve(UnlearnRuns.RESULT));
        var tensors = org.tinymem.model.Safetensors.read(record.resolve(UnlearnRuns.EDIT_FILE)).tensors();
        assertEquals(tensors.size(), json.get("edit_tensors").getAsInt());
        assertFalse(tensors.isEmpty());
        assertTrue(tensors.keySet().stream().allMatch(name -> name.contains(".mlp.")), "an MLP edit keeps MLP tensors only: " + tensors.keySet());
        try (var copy = fixture.model.copy()) {
            EditFile.apply(record.resolve(UnlearnRuns.EDIT_FILE), copy);
            assertEquals(json.get("edited_model_fingerprint").getAsString(), UnlearnRuns.fingerprint(copy));
            assertNotEquals(UnlearnRuns.fingerprint(fixture.model), UnlearnRuns.fingerprint(copy));
        }
        try (UnlearnRuns.Edited edited = kept.edited(run)) {
            assertTrue(edited.kept());
            assertEquals(json.get("edited_model_fingerprint").getAsString(), UnlearnRuns.fingerprint(edited.model()));
            assertEquals(run.after(), edited.after());
        }
        UnlearnRuns.Relearned fromFile = kept.relearn(run, training, three);
        assertEquals("kept " + UnlearnRuns.EDIT_FILE,
                org.tinymem.util.Json.read(record.resolve(UnlearnRuns.RELEARN_RESULT)).get("edit_source").getAsString());

        UnlearnRuns again = new UnlearnRuns(dir.resolve("again"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        UnlearnRuns.Run same = again.run("paper", durable, 0);
        Path againRecord = dir.resolve("again").resolve("durable-paper-r0.05");
        Files.delete(againRecord.resolve(UnlearnRuns.EDIT_FILE));
        UnlearnRuns.Relearned reapplied = again.relearn(same, training, three);
        assertEquals("method applied again",
                org.tinymem.util.Json.read(againRecord.resolve(UnlearnRuns.RELEARN_RESULT)).get("edit_source").getAsString());
        assertSameNumbers(reapplied.result(), fromFile.result());
        assertEquals(reapplied.editedPercentMemorized(), fromFile.editedPercentMemorized());
        // the re-made edit measured as recorded, so it is kept again for next time
        assertTrue(Files.isRegularFile(againRecord.resolve(UnlearnRuns.EDIT_FILE)));
        try (UnlearnRuns.Edited edited = again.edited(same)) {
            assertTrue(edited.kept());
            assertEquals(json.get("edited_model_fingerprint").getAsString(), UnlearnRuns.fingerprint(edited.model()));
        }

        // a record from before edits were kept (no fingerprint, no file) gets both when its edit is made again
        com.google.gson.JsonObject old = org.tinymem.util.Json.read(againRecord.resolve(UnlearnRuns.RESULT));
        old.remove("edited_model_fingerprint");
        old.remove("edit_tensors");
        org.tinymem.util.Json.write(againRecord.resolve(UnlearnRuns.RESULT), old);
        Files.delete(againRecord.resolve(UnlearnRuns.EDIT_FILE));
        UnlearnRuns fresh = new UnlearnRuns(dir.resolve("again"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        UnlearnRuns.Run oldRun = fresh.run("paper", durable, 0);
        assertTrue(oldRun.reused());
        try (UnlearnRuns.Edited edited = fresh.edited(oldRun)) {
            assertFalse(edited.kept(), "no kept edit: the method is applied again");
            assertEquals(oldRun.after(), edited.after());
        }
        com.google.gson.JsonObject backfilled = org.tinymem.util.Json.read(againRecord.resolve(UnlearnRuns.RESULT));
        assertEquals(json.get("edited_model_fingerprint").getAsString(), backfilled.get("edited_model_fingerprint").getAsString());
        assertEquals(json.get("edit_tensors").getAsInt(), backfilled.get("edit_tensors").getAsInt());
        assertEquals(old.get("after"), backfilled.get("after"), "the record's numbers are untouched");
        try (UnlearnRuns.Edited edited = fresh.edited(oldRun)) {
            assertTrue(edited.kept());
        }

        // a kept file that does not give the recorded edit (here: no tensor changed) is not used
        EditFile.write(againRecord.resolve(UnlearnRuns.EDIT_FILE), fixture.model, fixture.model);
        Files.delete(againRecord.resolve(UnlearnRuns.RELEARN_RESULT));
        assertSameNumbers(reapplied.result(), again.relearn(same, training, three).result());
        assertEquals("method applied again",
                org.tinymem.util.Json.read(againRecord.resolve(UnlearnRuns.RELEARN_RESULT)).get("edit_source").getAsString());
        try (UnlearnRuns.Edited edited = again.edited(same)) {
            assertTrue(edited.kept(), "the damaged file was replaced by the re-made edit");
        }
        // a file of another model's shapes is an error that names the tensor
        try (var other = fixture.model.copy()) {
            Path foreign = dir.resolve("foreign.safetensors");
            org.tinymem.model.Safetensors.write(foreign, java.util.Map.of(tensors.keySet().iterator().next(),
                    org.tinymem.model.Safetensors.Tensor.ofFloats(new float[] {1, 2, 3}, 3)), java.util.Map.of());
            String error = assertThrows(IllegalArgumentException.class, () -> EditFile.apply(foreign, other)).getMessage();
            assertTrue(error.contains(tensors.keySet().iterator().next()) && error.contains("does not fit"), error);
        }
    }

    /** Every number of two relearnings but their wall time. */
    private static void assertSameNumbers(Relearning.Result expected, Relearning.Result actual) {
        assertEquals(expected.steps(), actual.steps());
        assertEquals(expected.after(), actual.after());
        assertEquals(expected.percentMemorized(), actual.percentMemorized());
        assertEquals(expected.recoveredPercent(), actual.recoveredPercent());
    }
}
