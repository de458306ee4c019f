package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.data.Artifact;
import org.tinymem.train.Profile;

class RunDirectoryTest {

    @Test
    void namesRunsLikeTheLauncherDemo() {
        RunSpec spec = new RunSpec("math-add", Artifact.Kind.NOISE, 4, Profile.QUICK, 0);
        assertEquals("math-add-noise-4l-seed0", RunDirectory.name(spec));
        assertEquals(RunDirectory.root().resolve("quick").resolve("math-add-noise-4l-seed0"), RunDirectory.of(spec));
    }

    @Test
    void tinymemRunsOverridesTheHomeRunsDirectory() {
        assertEquals(Paths.get("/tmp/r"), RunDirectory.root(Map.of("TINYMEM_RUNS", "/tmp/r", "TINYMEM_HOME", "/h")));
        assertEquals(Paths.get("/h/runs"), RunDirectory.root(Map.of("TINYMEM_HOME", "/h")));
        assertEquals(Paths.get("runs").toAbsolutePath(), RunDirectory.root(Map.of()));
    }
}
