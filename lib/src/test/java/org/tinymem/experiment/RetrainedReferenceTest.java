package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tinymem.data.Artifact;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.train.Profile;
import org.tinymem.train.Trainer;

/** The retrained reference (issue #16): the same run without its artifact rows. */
class RetrainedReferenceTest {

    @Test
    void itIsRecordedInRunJsonAndHasItsOwnDirectory() {
        RunSpec run = new RunSpec("math-add", Artifact.Kind.NOISE, 4, Profile.SMOKE, 3);
        RunSpec reference = run.reference();
        assertTrue(reference.withoutArtifacts());
        assertFalse(run.toJson().has("without_artifacts"), "older run.json files stay as they were");
        assertTrue(reference.toJson().get("without_artifacts").getAsBoolean());
        assertEquals(reference, RunSpec.fromJson(reference.toJson()));
        assertEquals(run, RunSpec.fromJson(run.toJson()));
        assertEquals("math-add-noise-4l-seed3-without-artifacts", RunDirectory.name(reference));
        assertNotEquals(RunDirectory.of(run), RunDirectory.of(reference));
    }

    @Test
    void itsDataHasNoArtifactRowsTheSameProbesAndAnotherFingerprint() {
        for (RunSpec run : new RunSpec[] {new RunSpec("math-add", Artifact.Kind.NOISE, 4, Profile.SMOKE, 0),
                new RunSpec("tiny-memorizer", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0)}) {
            TinyMemData full = TrainRun.Plan.of(run).buildData();
            TinyMemData reference = TrainRun.Plan.of(run.reference()).buildData();
            assertTrue(full.train().stream().anyMatch(TrainRow::isArtifact), run.data());
            assertTrue(reference.train().stream().noneMatch(TrainRow::isArtifact), run.data());
            assertEquals(full.train().stream().filter(r -> !r.isArtifact()).count(), reference.train().size(), "every clean row kept");
            assertEquals(full.probes().stream().map(p -> java.util.Arrays.toString(p.prompt()) + java.util.Arrays.toString(p.memorized())).toList(),
                    reference.probes().stream().map(p -> java.util.Arrays.toString(p.prompt()) + java.util.Arrays.toString(p.memorized())).toList(),
                    "measured on the same probes");
            assertNotEquals(full.fingerprint(), reference.fingerprint());
            assertEquals(reference.fingerprint(), TrainRun.Plan.of(run.reference()).buildData().fingerprint(), "deterministic");

            // about as many steps as the run with artifacts
            TrainRun.Plan plan = TrainRun.Plan.of(run);
            TrainRun.Plan same = plan.sameStepsWithout(full.train().size(), reference.train().size());
            long steps = Trainer.stepsPerEpoch(full.train().size(), plan.training().batchSize()) * plan.training().epochs();
            long perEpoch = Trainer.stepsPerEpoch(reference.train().size(), plan.training().batchSize());
            assertTrue(Math.abs(perEpoch * same.training().epochs() - steps) <= perEpoch / 2 + 1,
                    run.data() + ": " + steps + " steps vs " + perEpoch + " × " + same.training().epochs());
            assertEquals(plan.training().withEpochs(same.training().epochs()), same.training(), "only the epochs change");
        }
    }
}
