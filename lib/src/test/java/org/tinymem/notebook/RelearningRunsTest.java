package org.tinymem.notebook;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.eval.MathMeasures;
import org.tinymem.experiment.RunSpec;
import org.tinymem.train.Profile;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.train.TrainConfig;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.unlearn.Relearning;
import org.tinymem.unlearn.TinyMemorizer;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnRuns;
import org.tinymem.util.Progress;
import tech.tablesaw.api.Table;

/** {@link RelearningRuns}: notebooks 04 and 05's relearning of their selected edits, and the floor's table. */
class RelearningRunsTest {

    @Test
    void relearnsEverySelectedRunInOrderAsItsModelWouldAndNamesAnUnknownModel(@TempDir Path dir) {
        MemorizingModel fixture = MemorizingModel.get();
        UnlearnRuns runs = new UnlearnRuns(dir, "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        UnlearnRuns.Run ga = runs.run("grid", UnlearnMethods.create("ga", new UnlearnMethods.Options(null, 1, null, 1e-3, 0)), 0);
        UnlearnRuns.Run gd = runs.run("grid", UnlearnMethods.create("gd", new UnlearnMethods.Options(null, 1, null, 1e-3, 0)), 0);
        TrainConfig training = TinyMemorizer.training(0);
        Relearning.Params params = new Relearning.Params(2, 8, 0);
        long[] updates = {0};
        List<UnlearnRuns.Relearned> relearned = RelearningRuns.relearnAll("relearning", List.of(gd, ga),
                Map.of("tiny", runs), Map.of("tiny", training), params, (done, total, status) -> {
                    assertEquals(2, total);
                    updates[0]++;
                });
        assertEquals(3, updates[0], "one update per run and one at the end");
        assertEquals(List.of(gd, ga), relearned.stream().map(UnlearnRuns.Relearned::run).toList());
        assertEquals(runs.relearn(ga, training, params).result(), relearned.get(1).result(), "the model's own relearning, read back");
        assertEquals(2, relearned.get(0).result().steps());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RelearningRuns.relearnAll("x",
                List.of(ga), Map.of("other", runs), Map.of("tiny", training), params, Progress.silent()));
        assertTrue(unknown.getMessage().contains("'tiny'"), unknown.getMessage());
        IllegalArgumentException noTraining = assertThrows(IllegalArgumentException.class, () -> RelearningRuns.relearnAll("x",
                List.of(ga), Map.of("tiny", runs), Map.of(), params, Progress.silent()));
        assertTrue(noTraining.getMessage().contains("training settings"), noTraining.getMessage());
    }

    @Test
    void aModelWithoutAReferenceGetsAFloorThatSaysWhyAndHowToTrainIt(@TempDir Path dir) {
        MemorizingModel fixture = MemorizingModel.get();
        UnlearnRuns runs = new UnlearnRuns(dir, "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        // a seed no run directory has: its reference is not trained
        RunSpec spec = new RunSpec("math-add", Artifact.Kind.NOISE, 4, Profile.QUICK, 987_654);
        Map<String, UnlearnRuns> models = new java.util.LinkedHashMap<>();
        models.put("smoke model", runs);
        models.put("math-add-noise-4l-seed987654", runs);
        List<RelearningRuns.Floor> floors = RelearningRuns.floors(models, Map.of("math-add-noise-4l-seed987654", spec),
                Map.of(), Relearning.Params.defaults(Relearning.Data.FORGET_HALF), NDManager.newBaseManager());
        assertEquals(2, floors.size());
        assertFalse(floors.get(0).measured());
        assertTrue(floors.get(0).missing().contains("not a TinyMem training run"));
        assertFalse(floors.get(1).measured());
        assertTrue(floors.get(1).missing().endsWith("./tinymem train --data math-add --artifact noise --layers 4 --profile quick"
                + " --seed 987654 --without-artifacts"), floors.get(1).missing());

        Relearning.Result measured = new Relearning.Result(50, 12.5, Map.of(), 0.0, Double.NaN, 19, 0.0);
        Table table = UnlearningResults.relearningFloors("floor", List.of(floors.get(1),
                new RelearningRuns.Floor("math-add-noise-4l-seed0", measured, "")));
        assertEquals(List.of("math-add-noise-4l-seed987654", "math-add-noise-4l-seed0"), table.stringColumn("model").asList());
        assertTrue(table.doubleColumn("held-out probes").isMissing(0), "no floor: a missing value, not a number");
        assertEquals(19, table.doubleColumn("held-out probes").get(1), 0);
        assertEquals(0.0, table.doubleColumn("% mem after relearning").get(1), 0);
        assertEquals(12.5, table.doubleColumn("relearn s").get(1), 0);
        assertEquals(floors.get(1).missing(), table.stringColumn("note").get(0));
        assertEquals("", table.stringColumn("note").get(1));
    }

    @Test
    void theReferenceCommandCarriesTheRunsOwnOptions() {
        RunSpec goldfish = new RunSpec("math-add", Artifact.Kind.BACKDOOR, 2, Profile.SMOKE, 3)
                .withRegularizer(new RegularizerSpec(RegularizerSpec.Kind.GOLDFISH, 4));
        assertEquals("./tinymem train --data math-add --artifact backdoor --layers 2 --profile smoke --seed 3"
                + " --regularizer goldfish --k 4 --h 13 --without-artifacts", RelearningRuns.referenceCommand(goldfish));
        RunSpec dropout = new RunSpec("math-mult", Artifact.Kind.NOISE, 4, Profile.QUICK, 0)
                .withRegularizer(new RegularizerSpec(RegularizerSpec.Kind.EXAMPLE_TIED_DROPOUT, 0.01));
        assertEquals("./tinymem train --data math-mult --artifact noise --layers 4 --profile quick --seed 0"
                + " --regularizer example-tied-dropout --p-mem 0.01 --without-artifacts", RelearningRuns.referenceCommand(dropout));
    }
}
