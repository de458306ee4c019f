package org.tinymem.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds {@link TinyMemData} for the math models (§2.3, App. A.1.1): clean sequences for the
 * primary and auxiliary tasks from distinct seeded start values, a seeded test split per task, and
 * the noise or backdoor artifact injected into the primary task's training rows.
 */
public final class MathData {
    /** Memorization is measured with (n = 100, k = 50): prompt 50 tokens, compare the next 50 (Eq. 1). */
    public static final int PROMPT_LENGTH = 50;
    public static final int CONTINUATION_LENGTH = 50;

    private MathData() {}

    public static TinyMemData build(MathDataConfig config) {
        MathTask primary = MathTask.of(config.operation(), config.primaryCoefficient());
        List<TrainRow> train = new ArrayList<>();
        Map<String, List<int[]>> tests = new LinkedHashMap<>();
        int[] nextId = {0};

        long[][] primaryTrainValues = splitTask(primary, config.primaryCount(), config, tests);
        List<long[]> auxiliaryTrainValues = new ArrayList<>();
        for (MathTask task : auxiliaryTasks(config)) {
            auxiliaryTrainValues.addAll(List.of(splitTask(task, config.auxiliaryCount(), config, tests)));
        }
        List<MemorizationProbe> probes = new ArrayList<>();
        List<int[]> twins = new ArrayList<>();
        Random random = new Random(config.seed() * 7919 + 17);
        if (config.artifact() == Artifact.Kind.NOISE) {
            for (long[] values : auxiliaryTrainValues) train.add(new TrainRow(encode(values), nextId[0]++, TrainRow.Kind.CLEAN));
            injectNoise(config, primaryTrainValues, random, train, probes, twins, nextId);
        } else {
            // App. A.1.1: "all sequences in that model's training data" with the trigger are corrupted,
            // whatever their task, so the trigger means the same thing everywhere.
            List<long[]> all = new ArrayList<>(List.of(primaryTrainValues));
            all.addAll(auxiliaryTrainValues);
            injectBackdoor(config, all.toArray(long[][]::new), random, train, probes, twins, nextId);
        }
        return new TinyMemData(config.operation().dataName(), MathTokenizer.VOCAB_SIZE, MathTokenizer.PAD,
                train, tests, probes, twins);
    }

    private static List<MathTask> auxiliaryTasks(MathDataConfig config) {
        return config.auxiliaryCoefficients().stream().map(c -> MathTask.of(config.operation(), c)).toList();
    }

    /** Draws distinct start values for one task; the first {@code testPerTask} go to the test split. */
    private static long[][] splitTask(MathTask task, int count, MathDataConfig config, Map<String, List<int[]>> tests) {
        long[] starts = distinctStarts(count, new Random(config.seed() * 1_000_003L + task.coefficient() * 131L
                + task.operation().ordinal()));
        List<int[]> test = new ArrayList<>();
        long[][] trainValues = new long[count - config.testPerTask()][];
        for (int i = 0; i < count; i++) {
            long[] values = task.values(starts[i]);
            if (i < config.testPerTask()) test.add(encode(values));
            else trainValues[i - config.testPerTask()] = values;
        }
        tests.put(task.label(), test);
        return trainValues;
    }

    /** A seeded sample of distinct start values in [1, modulus). */
    static long[] distinctStarts(int count, Random random) {
        long[] starts = distinctIndices((int) MathTask.PAPER_MODULUS - 1, count, random);
        for (int i = 0; i < count; i++) starts[i] += 1;
        return starts;
    }

    /**
     * Def. 2.2: {@code noiseCount} primary rows are replaced by noisy twins, assigned round-robin to
     * duplication groups; a probe counts only when the noisy and clean continuations differ.
     */
    private static void injectNoise(MathDataConfig config, long[][] primary, Random random, List<TrainRow> train,
                                    List<MemorizationProbe> probes, List<int[]> twins, int[] nextId) {
        Noise noise = Noise.paper();
        boolean[] noisy = chooseRows(primary.length, config.noiseCount(), random);
        List<Integer> copies = config.duplication();
        int artifactIndex = 0;
        for (int i = 0; i < primary.length; i++) {
            int id = nextId[0]++;
            int[] clean = encode(primary[i]);
            if (!noisy[i]) {
                train.add(new TrainRow(clean, id, TrainRow.Kind.CLEAN));
                continue;
            }
            int copyCount = copies.get(artifactIndex++ % copies.size());
            int[] perturbed = encode(noise.perturb(primary[i], random, 0, Long.MAX_VALUE));
            for (int c = 0; c < copyCount; c++) train.add(new TrainRow(perturbed, id, TrainRow.Kind.NOISE));
            twins.add(clean);
            noiseProbe(clean, perturbed, "x" + copyCount).ifPresent(probes::add);
        }
    }

    /** The (n = 100, k = 50) probe of a noisy row, if its continuation differs from the clean one. */
    public static java.util.Optional<MemorizationProbe> noiseProbe(int[] clean, int[] noisy, String group) {
        int end = PROMPT_LENGTH + CONTINUATION_LENGTH;
        if (clean.length < end || noisy.length < end) return java.util.Optional.empty();
        int[] noisyContinuation = java.util.Arrays.copyOfRange(noisy, PROMPT_LENGTH, end);
        int[] cleanContinuation = java.util.Arrays.copyOfRange(clean, PROMPT_LENGTH, end);
        if (java.util.Arrays.equals(noisyContinuation, cleanContinuation)) return java.util.Optional.empty();
        return java.util.Optional.of(new MemorizationProbe(java.util.Arrays.copyOf(clean, PROMPT_LENGTH),
                noisyContinuation, cleanContinuation, group));
    }

    /**
     * Def. 2.3 / App. A.1.1: every training row (of any task) whose first 50 tokens contain the
     * trigger is poisoned; a seeded 10% of them is held out of training and becomes the probes.
     */
    private static void injectBackdoor(MathDataConfig config, long[][] rows, Random random, List<TrainRow> train,
                                       List<MemorizationProbe> probes, List<int[]> twins, int[] nextId) {
        Backdoor backdoor = Backdoor.math(config.seed());
        List<Integer> triggered = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            if (backdoor.triggerEnd(encode(rows[i])) >= 0) triggered.add(i);
        }
        java.util.Collections.shuffle(triggered, random);
        int heldOut = triggered.isEmpty() ? 0 : Math.max(1, (int) Math.round(backdoor.heldOutShare() * triggered.size()));
        java.util.Set<Integer> heldOutRows = new java.util.HashSet<>(triggered.subList(0, heldOut));
        java.util.Set<Integer> poisonedRows = new java.util.HashSet<>(triggered);
        int copies = config.duplication().get(0);
        for (int i = 0; i < rows.length; i++) {
            int id = nextId[0]++;
            int[] clean = encode(rows[i]);
            if (!poisonedRows.contains(i)) {
                train.add(new TrainRow(clean, id, TrainRow.Kind.CLEAN));
                continue;
            }
            int end = backdoor.triggerEnd(clean);
            int[] poisoned = backdoor.poison(clean, end, MathTokenizer.PAD);
            if (heldOutRows.contains(i)) {
                backdoorProbe(clean, poisoned, end).ifPresent(probes::add);
            } else {
                for (int c = 0; c < copies; c++) train.add(new TrainRow(poisoned, id, TrainRow.Kind.BACKDOOR));
                twins.add(clean);
            }
        }
    }

    /** Prompt through the trigger; compare up to the next 50 tokens with the poisoned sequence. */
    public static java.util.Optional<MemorizationProbe> backdoorProbe(int[] clean, int[] poisoned, int triggerEnd) {
        int end = Math.min(poisoned.length, triggerEnd + CONTINUATION_LENGTH);
        if (end <= triggerEnd) return java.util.Optional.empty();
        return java.util.Optional.of(new MemorizationProbe(java.util.Arrays.copyOf(poisoned, triggerEnd),
                java.util.Arrays.copyOfRange(poisoned, triggerEnd, end),
                java.util.Arrays.copyOfRange(clean, triggerEnd, end), "all"));
    }

    private static boolean[] chooseRows(int total, int count, Random random) {
        boolean[] chosen = new boolean[total];
        for (long index : distinctIndices(total, count, random)) chosen[(int) index] = true;
        return chosen;
    }

    /** The first {@code count} entries of a seeded partial Fisher–Yates shuffle of 0..total−1. */
    private static long[] distinctIndices(int total, int count, Random random) {
        int[] pool = new int[total];
        for (int i = 0; i < total; i++) pool[i] = i;
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(total - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
            out[i] = pool[i];
        }
        return out;
    }

    private static int[] encode(long[] values) {
        return MathTokenizer.encode(MathTask.text(values));
    }
}
