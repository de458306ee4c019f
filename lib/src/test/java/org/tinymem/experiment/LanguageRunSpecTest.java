package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.train.Profile;

class LanguageRunSpecTest {
    @TempDir
    Path dir;

    @Test
    void languageSpecsNameTheirCorpusAndRoundTrip() {
        RunSpec brown = new RunSpec("lang", Artifact.Kind.NOISE, 4, Profile.QUICK, 0);
        assertEquals("brown", brown.corpus());
        assertEquals(brown, RunSpec.fromJson(brown.toJson()));
        RunSpec wiki = new RunSpec("lang", Artifact.Kind.BACKDOOR, 4, Profile.PAPER, 1, "wikitext", dir.toString());
        assertEquals(wiki, RunSpec.fromJson(wiki.toJson()));
        assertEquals(RunSpec.fromJson(new RunSpec("math-add", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0).toJson()).corpus(), null);
        assertTrue(TrainRun.Plan.of(wiki).model().vocabSize() == 50_257);
    }

    @Test
    void corpusOptionsAreCheckedWithClearErrors() {
        String math = assertThrows(IllegalArgumentException.class,
                () -> new RunSpec("math-add", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0, "brown", null)).getMessage();
        assertTrue(math.contains("only apply to --data lang"), math);
        String noDir = assertThrows(IllegalArgumentException.class,
                () -> new RunSpec("lang", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0, "wikitext", null)).getMessage();
        assertTrue(noDir.contains("needs --corpus-dir"), noDir);
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> new RunSpec("lang", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0, "pile", null)).getMessage();
        assertTrue(unknown.contains("unknown corpus 'pile'"), unknown);
        RunSpec emptyDir = new RunSpec("lang", Artifact.Kind.NOISE, 2, Profile.SMOKE, 0, "dir", dir.toString());
        String empty = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(emptyDir, dir.resolve("run"), null,
                org.tinymem.util.Progress.silent())).getMessage();
        assertTrue(empty.contains("is empty"), empty);
        assertFalse(dir.resolve("run").toFile().exists(), "a failed corpus leaves no run directory behind");
    }

    @Test
    void metricsGroupTheMemorizationByDuplication() {
        var groups = TrainRun.byGroup(Map.of("percent_memorized", 50.0, "percent_memorized_x10", 20.0,
                "percent_memorized_x1000", 80.0, "perplexity", 300.0));
        assertEquals(2, groups.size());
        assertEquals(80.0, groups.get("x1000").getAsDouble());
    }
}
