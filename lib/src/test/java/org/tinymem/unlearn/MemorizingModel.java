package org.tinymem.unlearn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.data.MathTask;
import org.tinymem.data.MathTokenizer;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TrainRow;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.train.TrainConfig;
import org.tinymem.train.Trainer;
import org.tinymem.util.Progress;

/**
 * One tiny 2-layer model (d = 64) that memorizes eight random "noise" sequences while learning a
 * clean additive task, trained once per test JVM and shared (never edit it in place).
 */
public final class MemorizingModel {
    public static final GptConfig CONFIG = new GptConfig(14, 150, 64, 4, 2, 13, 1e-5, 0.8);
    private static MemorizingModel instance;

    public final Gpt model;
    public final List<MemorizationProbe> probes = new ArrayList<>();
    public final List<int[]> clean = new ArrayList<>();
    public final UnlearnSets sets;

    private MemorizingModel() {
        Random random = new Random(42);
        List<TrainRow> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long[] values = new long[20];
            for (int j = 0; j < 20; j++) values[j] = 10_000 + random.nextInt(90_000);
            int[] tokens = MathTokenizer.encode(MathTask.text(values));
            rows.add(new TrainRow(tokens, i, TrainRow.Kind.NOISE));
            probes.add(new MemorizationProbe(Arrays.copyOf(tokens, 50), Arrays.copyOfRange(tokens, 50, 100),
                    Arrays.copyOfRange(tokens, 50, 100), "all"));
        }
        MathTask task = MathTask.of(MathTask.Operation.ADD, 7);
        for (int i = 0; i < 24; i++) {
            int[] tokens = MathTokenizer.encode(MathTask.text(task.values(1_000 + 977L * i)));
            clean.add(tokens);
            rows.add(new TrainRow(tokens, 100 + i, TrainRow.Kind.CLEAN));
        }
        TrainConfig config = new TrainConfig(150, 32, 3e-3, 0.9, 0.98, 1e-8, 0.0, 10, 1.0, 1000, 1000, 1);
        model = Gpt.initialize(CONFIG, 1, NDManager.newBaseManager());
        new Trainer(config, m -> Map.of(), null, Progress.silent()).train(model, rows);
        sets = new UnlearnSets(probes.stream().map(UnlearnSets::fullSequence).toList(), clean);
    }

    public static synchronized MemorizingModel get() {
        if (instance == null) instance = new MemorizingModel();
        return instance;
    }

    /** Every parameter's values, to check that the original is untouched. */
    public static Map<String, float[]> snapshot(Gpt model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.parameters().forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }

    /** Number of exactly-zero entries in the named tensors. */
    public static long zeros(Map<String, NDArray> parameters, List<String> names) {
        long zeros = 0;
        for (String name : names) {
            for (float v : parameters.get(name).toFloatArray()) zeros += v == 0f ? 1 : 0;
        }
        return zeros;
    }
}
