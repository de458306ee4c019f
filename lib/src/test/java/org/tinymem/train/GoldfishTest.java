package org.tinymem.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinymem.cli.TinyMemCli;
import org.tinymem.data.TrainRow;
import org.tinymem.experiment.RunDirectory;
import org.tinymem.experiment.RunSpec;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.unlearn.TinyMemorizer;

/** Goldfish loss (Hans et al. 2024, issue #16): the hashed mask, its rate, its objective and its spec. */
class GoldfishTest {

    @Test
    void theSameContextGivesTheSameDecisionInAnyRowAndPosition() {
        Random random = new Random(1);
        int[] passage = random.ints(60, 0, 50_257).toArray();
        int[] elsewhere = new int[80];
        for (int i = 0; i < 7; i++) elsewhere[i] = random.nextInt(50_257);
        System.arraycopy(passage, 10, elsewhere, 7, 50); // passage[10..59] at elsewhere[7..56]
        for (int i = 57; i < 80; i++) elsewhere[i] = random.nextInt(50_257);
        Goldfish goldfish = new Goldfish(4, 13);
        int compared = 0;
        int dropped = 0;
        for (int i = 10 + 12; i < 60; i++) { // the whole 13-token window lies in the shared part
            boolean here = goldfish.dropped(passage, i);
            assertEquals(here, goldfish.dropped(elsewhere, i - 3), "position " + i);
            assertEquals(here, new Goldfish(4, 13).dropped(passage.clone(), i), "another instance, another array");
            compared++;
            dropped += here ? 1 : 0;
        }
        assertTrue(dropped > 0 && dropped < compared, "some but not all of " + compared + " tokens dropped: " + dropped);
        // the keep mask of the same rows in a batch, in another order, gives the same per-row values
        float[] ab = goldfish.keep(List.of(passage, elsewhere), 79);
        float[] ba = goldfish.keep(List.of(elsewhere, passage), 79);
        assertArrayEquals(Arrays.copyOfRange(ab, 0, 79), Arrays.copyOfRange(ba, 79, 158));
        // a short window at the start hashes what exists: the first token's target is decided by tokens 0..1
        int[] prefix = Arrays.copyOf(passage, 2);
        assertEquals(goldfish.dropped(passage, 1), goldfish.dropped(prefix, 1));
    }

    @Test
    void aboutOneTokenInKIsDroppedOnRandomData() {
        Random random = new Random(2);
        List<int[]> rows = new ArrayList<>();
        for (int r = 0; r < 100; r++) rows.add(random.ints(150, 0, 50_257).toArray());
        for (int k : new int[] {2, 3, 4, 8}) {
            float[] keep = new Goldfish(k, 13).keep(rows, 149);
            double droppedShare = 0;
            for (float v : keep) droppedShare += 1 - v;
            droppedShare /= keep.length;
            assertEquals(1.0 / k, droppedShare, 0.02, "k = " + k + " over " + keep.length + " tokens");
        }
    }

    @Test
    void theObjectiveIsTheMeanLossOverTheKeptRealTargets() {
        Random random = new Random(3);
        List<int[]> rows = List.of(random.ints(40, 0, 14).toArray(), random.ints(30, 0, 14).toArray()); // row 2: 10 pads
        Goldfish goldfish = new Goldfish(3, 4);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] nll = new float[2 * 39];
            float[] mask = new float[2 * 39];
            for (int i = 0; i < nll.length; i++) {
                nll[i] = random.nextFloat() * 3;
                mask[i] = i < 39 || i - 39 < 29 ? 1f : 0f;
            }
            NDArray targets = manager.zeros(new Shape(2, 39));
            NextTokenLoss.Terms terms = new NextTokenLoss.Terms(manager.create(nll, new Shape(2, 39)),
                    manager.create(mask, new Shape(2, 39)), null, targets);
            List<TrainRow> batch = List.of(new TrainRow(rows.get(0), 0, TrainRow.Kind.CLEAN), new TrainRow(rows.get(1), 1, TrainRow.Kind.CLEAN));
            double sum = 0;
            int kept = 0;
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < 39; j++) {
                    if (mask[r * 39 + j] == 1f && !goldfish.dropped(rows.get(r), j + 1)) {
                        sum += nll[r * 39 + j];
                        kept++;
                    }
                }
            }
            assertTrue(kept > 40 && kept < 68, "some real targets dropped: " + kept + " of 68 kept");
            assertEquals(sum / kept, goldfish.objective(terms, batch).getFloat(), 1e-5);
        }
    }

    @Test
    void theSpecRecordsKAndHAndRefusesWhatIsNotAGoldfish() {
        RegularizerSpec spec = new RegularizerSpec(RegularizerSpec.Kind.GOLDFISH, 4);
        assertEquals(13, spec.context());
        assertEquals("{\"name\":\"goldfish\",\"k\":4.0,\"h\":13}", spec.toJson().toString());
        RegularizerSpec wide = new RegularizerSpec(RegularizerSpec.Kind.GOLDFISH, 8, 20);
        assertEquals(wide, RegularizerSpec.fromJson(wide.toJson()));
        assertEquals(List.of(2.0, 3.0, 4.0, 8.0), RegularizerSpec.Kind.GOLDFISH.paperGrid());
        assertFalse(RegularizerSpec.Kind.paper().contains(RegularizerSpec.Kind.GOLDFISH));
        assertThrows(IllegalArgumentException.class, () -> new RegularizerSpec(RegularizerSpec.Kind.GOLDFISH, 1));
        assertThrows(IllegalArgumentException.class, () -> new RegularizerSpec(RegularizerSpec.Kind.GOLDFISH, 2.5));
        assertThrows(IllegalArgumentException.class, () -> new RegularizerSpec(RegularizerSpec.Kind.GOLDFISH, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new RegularizerSpec(RegularizerSpec.Kind.SPECTRAL_NORM, 0.1, 13));
        RunSpec base = new RunSpec("math-add", org.tinymem.data.Artifact.Kind.NOISE, 4, Profile.SMOKE, 0);
        assertTrue(RunDirectory.name(base.withRegularizer(spec)).endsWith("-goldfish-4"), RunDirectory.name(base.withRegularizer(spec)));
        assertTrue(RunDirectory.name(base.withRegularizer(wide)).endsWith("-goldfish-8-h20"));
        assertEquals(1, TinyMemCli.run("train", "--data", "math-add", "--artifact", "noise", "--h", "5", "--profile", "smoke"), "--h without goldfish");
        assertEquals(1, TinyMemCli.run("train", "--data", "math-add", "--artifact", "noise", "--regularizer", "spectral-norm", "--k", "4", "--profile", "smoke"));
    }

    @Test
    void aTinyModelTrainsWithIt() {
        var data = TinyMemorizer.mathData(0);
        try (NDManager manager = NDManager.newBaseManager();
             var model = org.tinymem.model.Gpt.initialize(TinyMemorizer.CONFIG, 1, manager)) {
            TrainConfig config = new TrainConfig(20, 32, 3e-3, 0.9, 0.98, 1e-8, 0.0, 5, 1.0, 20, 20, 1);
            Trainer.Result result = new Trainer(config, m -> Map.of(), null, org.tinymem.util.Progress.silent())
                    .withRegularizer(new RegularizerSpec(RegularizerSpec.Kind.GOLDFISH, 4).create(model, 0)).train(model, data.train());
            assertEquals(20, result.steps());
            assertTrue(Double.isFinite(result.last().trainLoss()) && result.last().trainLoss() < 3, result.last().toString());
        }
    }
}
