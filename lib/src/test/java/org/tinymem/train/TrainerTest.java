package org.tinymem.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.data.MathData;
import org.tinymem.data.MathTask;
import org.tinymem.data.MathTokenizer;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Memorization;
import org.tinymem.eval.MemorizationResult;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.util.Progress;

class TrainerTest {
    @TempDir
    Path dir;

    /** A small, fast model for tests (d = 64). */
    static GptConfig tiny(int layers) {
        return new GptConfig(14, 150, 64, 4, layers, 13, 1e-5, 0.8);
    }

    @Test
    void smokeTrainingLowersTheLoss() {
        TinyMemData data = MathData.build(Profile.SMOKE.mathData(MathTask.Operation.ADD, Artifact.Kind.NOISE, 0));
        TrainConfig config = Profile.SMOKE.mathTraining(MathTask.Operation.ADD, Artifact.Kind.NOISE, 0);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 0, manager)) {
            Trainer.Result result = new Trainer(config, MathMeasures.INSTANCE.evaluator(data), null, Progress.silent())
                    .train(model, data.train());
            List<HistoryRow> history = result.history();
            assertEquals(config.epochs(), history.size());
            assertTrue(history.get(0).trainLoss() < Math.log(14), "first epoch already below uniform loss");
            assertTrue(history.get(history.size() - 1).trainLoss() < history.get(0).trainLoss() - 0.2,
                    "loss fell: " + history);
            assertTrue(history.get(history.size() - 1).metrics().get(MathMeasures.ACCURACY) > 30);
        }
    }

    /**
     * Rows of different lengths in a vocabulary without a pad token (a language model's memorized rows, which targeted
     * relearning trains on) are filled and their filled targets left out: the step's loss is the mean over the real
     * targets only, as {@code TokenBatch.packWithMask} gives it.
     */
    @Test
    void raggedRowsWithoutAPadTokenTrainOnTheirRealTargetsOnly() {
        GptConfig config = new GptConfig(20, 150, 32, 4, 1, -1, 1e-5, 0.8);
        List<int[]> rows = List.of(new int[] {1, 2, 3, 4, 5, 6}, new int[] {7, 8, 9, 10, 11, 12, 13, 14, 15}, new int[] {3, 3, 3, 3});
        TrainConfig one = new TrainConfig(1, 3, 1e-3, 0.9, 0.98, 1e-8, 0.0, 0, 1.0, 1, 1, 0);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(config, 0, manager)) {
            float expected;
            try (Gpt copy = model.copy(); NDManager scratch = NDManager.newBaseManager()) {
                expected = org.tinymem.model.NextTokenLoss.of(copy, org.tinymem.model.TokenBatch.packWithMask(scratch, rows, -1),
                        org.tinymem.model.Intervention.NONE).mean().getFloat();
            }
            List<TrainRow> train = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) train.add(new TrainRow(rows.get(i), i, TrainRow.Kind.CLEAN));
            Trainer.Result result = new Trainer(one, m -> Map.of(), null, Progress.silent()).train(model, train);
            assertEquals(1, result.steps());
            assertEquals(expected, result.history().get(0).trainLoss(), 1e-5, "the masked mean over the 16 real targets");
            assertThrows(IllegalArgumentException.class, () -> org.tinymem.model.TokenBatch.pack(manager, rows, -1),
                    "the strict packing still refuses ragged rows");
        }
    }

    @Test
    void trainsOnAThreadOtherThanTheOneThatLoadedTheEngine() throws Exception {
        // Notebook cells run on fresh threads, where PyTorch's per-thread grad mode starts on.
        TinyMemData data = MathData.build(Profile.SMOKE.mathData(MathTask.Operation.ADD, Artifact.Kind.NOISE, 0));
        TrainConfig config = new TrainConfig(1, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 5, 0.1, 1, 1, 0);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(1), 0, manager)) {
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread cell = new Thread(() -> {
                try {
                    new Trainer(config, m -> Map.of(), null, Progress.silent()).train(model, data.train().subList(0, 64));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            cell.start();
            cell.join();
            assertEquals(null, failure.get(), "training on a fresh thread");
        }
    }

    @Test
    void aTinyModelMemorizesAHandfulOfSequencesAndTheMeasureSaysSo() {
        // Eight "noisy" sequences: random numbers, so they can only be learned by heart.
        java.util.Random random = new java.util.Random(42);
        List<TrainRow> rows = new ArrayList<>();
        List<MemorizationProbe> probes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long[] values = new long[20];
            for (int j = 0; j < 20; j++) values[j] = 10_000 + random.nextInt(90_000);
            int[] tokens = MathTokenizer.encode(MathTask.text(values));
            rows.add(new TrainRow(tokens, i, TrainRow.Kind.NOISE));
            probes.add(new MemorizationProbe(java.util.Arrays.copyOf(tokens, 50), java.util.Arrays.copyOfRange(tokens, 50, 100),
                    java.util.Arrays.copyOfRange(tokens, 50, 100), "all"));
        }
        TrainConfig config = new TrainConfig(150, 8, 3e-3, 0.9, 0.98, 1e-8, 0.0, 10, 1.0, 1000, 1000, 1);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 1, manager)) {
            MemorizationResult before = Memorization.measure(model, probes);
            assertEquals(0, before.memorized(), "a fresh model memorizes nothing");
            new Trainer(config, m -> Map.of(), null, Progress.silent()).train(model, rows);
            MemorizationResult after = Memorization.measure(model, probes);
            assertEquals(8, after.probes());
            assertTrue(after.percentMemorized() >= 75, "memorized " + after.percentMemorized() + "%");
            assertEquals(after.memorized(), Memorization.memorizedProbes(model, probes).size());
        }
    }

    @Test
    void resumeAfterAnInterruptionEqualsAnUninterruptedRun() throws Exception {
        TinyMemData data = MathData.build(Profile.SMOKE.mathData(MathTask.Operation.ADD, Artifact.Kind.NOISE, 0));
        TrainConfig config = new TrainConfig(4, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 5, 0.1, 1, 2, 9);
        Evaluator evaluator = MathMeasures.INSTANCE.evaluator(data);
        List<TrainRow> rows = data.train().subList(0, 96); // 3 steps an epoch: equality, not learning, is tested
        Map<String, float[]> uninterrupted;
        List<HistoryRow> fullHistory;
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 5, manager)) {
            fullHistory = new Trainer(config, evaluator, dir.resolve("full"), Progress.silent()).train(model, rows).history();
            uninterrupted = snapshot(model);
        }
        Path run = dir.resolve("interrupted");
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 5, manager)) {
            Trainer trainer = new Trainer(config, evaluator, run, Progress.silent()).onEpoch(epoch -> {
                if (epoch == 3) throw new IllegalStateException("simulated crash");
            });
            assertThrows(IllegalStateException.class, () -> trainer.train(model, rows));
        }
        assertTrue(Files.isDirectory(run.resolve("checkpoints/epoch-0003")));
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 5, manager)) {
            Trainer.Result resumed = new Trainer(config, evaluator, run, Progress.silent()).train(model, rows);
            assertTrue(resumed.resumed());
            Map<String, float[]> after = snapshot(model);
            for (String name : uninterrupted.keySet()) {
                assertArrayEquals(uninterrupted.get(name), after.get(name), 0f, name);
            }
            assertEquals(fullHistory.size(), resumed.history().size());
            for (int i = 0; i < fullHistory.size(); i++) {
                assertEquals(fullHistory.get(i).metrics(), resumed.history().get(i).metrics());
                assertEquals(fullHistory.get(i).trainLoss(), resumed.history().get(i).trainLoss(), 0.0);
            }
        }
        assertFalse(Files.exists(run.resolve("checkpoints/epoch-0002/optimizer.safetensors")),
                "older checkpoints keep only the model");
        assertTrue(Files.exists(run.resolve("checkpoints/epoch-0002/model.safetensors")));
    }

    @Test
    void aFinishedRunIsReusedAndItsProgressShowsComplete() {
        TinyMemData data = MathData.build(Profile.SMOKE.mathData(MathTask.Operation.ADD, Artifact.Kind.NOISE, 0));
        TrainConfig config = new TrainConfig(2, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 5, 0.1, 1, 1, 9);
        List<TrainRow> rows = data.train().subList(0, 64); // 2 steps an epoch
        Path run = dir.resolve("finished");
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 5, manager)) {
            new Trainer(config, m -> Map.of(), run, Progress.silent()).train(model, rows);
        }
        List<String> updates = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 5, manager)) {
            Trainer.Result reused = new Trainer(config, m -> Map.of(), run,
                    (done, total, status) -> updates.add(done + "/" + total + " " + status)).train(model, rows);
            assertTrue(reused.resumed());
            assertEquals(4, reused.steps());
        }
        assertEquals(List.of("4/4 finished: reused"), updates);
    }

    @Test
    void theSameSeedGivesTheSameMetrics() {
        TinyMemData data = MathData.build(Profile.SMOKE.mathData(MathTask.Operation.MULT, Artifact.Kind.BACKDOOR, 2));
        TrainConfig config = new TrainConfig(2, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 0, 1.0, 1, 1, 3);
        List<Map<String, Double>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(tiny(2), 3, manager)) {
                runs.add(new Trainer(config, MathMeasures.INSTANCE.evaluator(data), null, Progress.silent())
                        .train(model, data.train().subList(0, 128)).last().metrics());
            }
        }
        assertEquals(runs.get(0), runs.get(1));
        assertTrue(runs.get(0).containsKey(MathMeasures.PERCENT_MEMORIZED));
    }

    @Test
    void learningRateScheduleWarmsUpThenDecays() {
        TrainConfig config = new TrainConfig(1, 32, 1e-3, 0.9, 0.98, 1e-8, 0.1, 10, 0.1, 1, 1, 0);
        assertEquals(1e-4, config.learningRateAt(0, 110), 1e-12);
        assertEquals(1e-3, config.learningRateAt(10, 110), 1e-12);
        assertEquals(1e-4, config.learningRateAt(109, 110), 1e-9);
        assertEquals(1e-3, TrainConfig.paper(10, 1, 0).learningRateAt(500, 1000), 0);
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0, 32, 1e-3, 0.9, 0.98, 1e-8, 0.1, 0, 1, 1, 1, 0));
    }

    private static Map<String, float[]> snapshot(Gpt model) {
        Map<String, float[]> values = new java.util.LinkedHashMap<>();
        model.parameters().forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }
}
