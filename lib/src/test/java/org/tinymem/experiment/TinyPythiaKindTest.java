package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.data.FetchedBrown;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TokenMatrix;
import org.tinymem.data.TrainRow;
import org.tinymem.model.neox.NeoxConfig;
import org.tinymem.train.Profile;

class TinyPythiaKindTest {
    @TempDir
    Path dir;

    @Test
    void itsProbesAreTheInjectedSequencesAtSeventyTwoThirtyTwoAndItsFilesHoldThem() {
        FetchedBrown.orFail();
        RunSpec spec = new RunSpec(TinyPythiaKind.NAME, Artifact.Kind.NOISE, 2, Profile.SMOKE, 0);
        assertTrue(TrainRun.Plan.of(spec).model() instanceof NeoxConfig, "TinyPythia is a GPT-NeoX network");
        TinyMemData data = spec.kind().buildData(spec);
        List<int[]> noisy = data.train().stream().filter(r -> r.kind() == TrainRow.Kind.NOISE).map(TrainRow::tokens).toList();
        assertEquals(4 * 48, noisy.size(), "4 sequences, 48 copies each");
        assertEquals(4, data.probes().size());
        for (MemorizationProbe probe : data.probes()) {
            assertEquals(32, probe.prompt().length);
            assertEquals(40, probe.memorized().length);
            assertEquals("x48", probe.group());
            int[] source = noisy.stream().filter(row -> Arrays.equals(Arrays.copyOf(row, 32), probe.prompt())).findFirst().orElseThrow();
            assertArrayEquals(Arrays.copyOfRange(source, 32, 72), probe.memorized(), "prompt and continuation come from one sequence");
        }
        spec.kind().writeTokenSets(data, dir);
        TokenMatrix memorized = TokenMatrix.readNpy(dir.resolve(TinyPythiaKind.MEMORIZED));
        assertEquals(4, memorized.size());
        assertEquals(TinyPythiaKind.SEQUENCE, memorized.columns());
        assertEquals(data.cleanTrainTokens().size(), TokenMatrix.readNpy(dir.resolve(TinyPythiaKind.RETAIN)).size());
        assertEquals(16, TokenMatrix.readNpy(dir.resolve(TinyPythiaKind.PERPLEXITY)).size());
    }

    @Test
    void backdoorsAndThePaperProfileAreRefusedWithAReason() {
        RunSpec backdoor = new RunSpec(TinyPythiaKind.NAME, Artifact.Kind.BACKDOOR, 2, Profile.QUICK, 0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainRun.Plan.of(backdoor)).getMessage().contains("--artifact noise"));
        RunSpec paper = new RunSpec(TinyPythiaKind.NAME, Artifact.Kind.NOISE, 4, Profile.PAPER, 0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainRun.Plan.of(paper)).getMessage().contains("not a paper model"));
    }
}
