package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.data.Artifact;
import org.tinymem.train.Profile;
import org.tinymem.train.RegularizerSpec;

class RunDirectoryTest {

    @Test
    void namesRunsLikeTheLauncherDemo() {
        RunSpec spec = new RunSpec("math-add", Artifact.Kind.NOISE, 4, Profile.QUICK, 0);
        assertEquals("math-add-noise-4l-seed0", RunDirectory.name(spec));
        assertEquals(RunDirectory.root().resolve("quick").resolve("math-add-noise-4l-seed0"), RunDirectory.of(spec));
    }

    @Test
    void regularizedRunsGetTheirOwnDirectory() {
        RunSpec spec = new RunSpec("math-add", Artifact.Kind.NOISE, 4, Profile.QUICK, 0)
                .withRegularizer(new RegularizerSpec(RegularizerSpec.Kind.SPECTRAL_NORM, 0.01));
        assertEquals("math-add-noise-4l-seed0-spectral-norm-0.01", RunDirectory.name(spec));
        RunSpec dropout = spec.withRegularizer(new RegularizerSpec(RegularizerSpec.Kind.EXAMPLE_TIED_DROPOUT, 0.1));
        assertEquals("math-add-noise-4l-seed0-example-tied-dropout-0.1", RunDirectory.name(dropout));
    }

    @Test
    void tinymemRunsOverridesTheHomeRunsDirectory() {
        assertEquals(Paths.get("/tmp/r"), RunDirectory.root(Map.of("TINYMEM_RUNS", "/tmp/r", "TINYMEM_HOME", "/h")));
        assertEquals(Paths.get("/h/runs"), RunDirectory.root(Map.of("TINYMEM_HOME", "/h")));
        assertEquals(Paths.get("runs").toAbsolutePath(), RunDirectory.root(Map.of()));
    }
}
