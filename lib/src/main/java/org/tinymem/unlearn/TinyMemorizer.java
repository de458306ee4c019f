package org.tinymem.unlearn;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.data.MathTask;
import org.tinymem.data.MathTokenizer;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.train.TrainConfig;
import org.tinymem.train.Trainer;
import org.tinymem.util.Progress;

/**
 * A tiny math model that is certain to memorize, built in seconds: unlearning (§3.3) needs a model
 * with memorized sequences, and the smoke-profile TinyMem models memorize none, so tests and the
 * smoke run of the unlearning notebook use this one instead.
 *
 * <p>A 2-layer GPT (d = 64, 4 heads, 14 math tokens) is trained for 150 full-batch steps on
 * {@value #CLEAN_ROWS} clean sequences of the primary additive task (s<sub>i+1</sub> = s<sub>i</sub> + 7)
 * and {@value #NOISE_ROWS} noise rows: sequences of 20 random five-digit numbers, i.e. the extreme
 * case of a noisy twin (Def. 2.2) in which every number is perturbed. A probe (Eq. 1) prompts with
 * the first 50 tokens of a noise row and expects its next 50; its clean continuation is that of the
 * add-7 sequence through the row's first number, so most continuation tokens (all but shared spaces and leading digits) are
 * {@link UnlearnSets#ARTIFACT artifact} tokens. Accuracy is measured on {@value #TEST_ROWS} held-out
 * add-7 sequences. Everything is seeded: the same model every time.
 *
 * @param model the trained model (close it, or the manager it was built with, when done)
 * @param data the training rows, the held-out test rows (task {@code add7}) and the probes
 * @param cleanRows the clean training sequences (the retain set's pool)
 */
public record TinyMemorizer(Gpt model, TinyMemData data, List<int[]> cleanRows) implements AutoCloseable {
    /** 2 layers, d = 64, 4 heads, context 150, pad token 13. */
    public static final GptConfig CONFIG = new GptConfig(MathTokenizer.VOCAB_SIZE, 150, 64, 4, 2, MathTokenizer.PAD,
            1e-5, 0.8);
    public static final int NOISE_ROWS = 8;
    public static final int CLEAN_ROWS = 24;
    public static final int TEST_ROWS = 24;
    private static final MathTask TASK = MathTask.of(MathTask.Operation.ADD, 7);
    private static final int PROMPT = 50;
    private static final int CONTINUATION = 50;

    public TinyMemorizer {
        data = java.util.Objects.requireNonNull(data, "data");
        cleanRows = List.copyOf(cleanRows);
    }

    /** The training recipe: 150 full-batch steps (32 rows), AdamW lr 3e-3, no weight decay. */
    public static TrainConfig training(long seed) {
        return new TrainConfig(150, 32, 3e-3, 0.9, 0.98, 1e-8, 0.0, 10, 1.0, 50, 150, seed);
    }

    /** Builds the data and trains the model (a few seconds on one CPU thread). */
    public static TinyMemorizer train(NDManager manager, Progress progress) {
        TinyMemData data = mathData(0);
        Gpt model = Gpt.initialize(CONFIG, 1, manager);
        try {
            new Trainer(training(1), m -> Map.of(), null, progress).train(model, data.train());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        List<int[]> clean = data.train().stream().filter(r -> !r.isArtifact()).map(TrainRow::tokens).toList();
        return new TinyMemorizer(model, data, clean);
    }

    /**
     * The data of the math memorizer: {@value #NOISE_ROWS} noise rows, {@value #CLEAN_ROWS} clean
     * add-7 rows, {@value #TEST_ROWS} held-out add-7 rows and a probe per noise row. Seed 0 gives the
     * data {@link #train} has always used; every seed gives the same data every time.
     */
    public static TinyMemData mathData(long seed) {
        Random random = new Random(42 + seed);
        List<TrainRow> rows = new ArrayList<>();
        List<MemorizationProbe> probes = new ArrayList<>();
        List<int[]> twins = new ArrayList<>();
        for (int i = 0; i < NOISE_ROWS; i++) {
            long[] values = new long[MathTask.PAPER_LENGTH];
            for (int j = 0; j < values.length; j++) values[j] = 10_000 + random.nextInt(90_000);
            int[] noisy = MathTokenizer.encode(MathTask.text(values));
            int[] clean = TASK.tokens(values[0] - 7); // the add-7 sequence whose first number is the row's
            rows.add(new TrainRow(noisy, i, TrainRow.Kind.NOISE));
            twins.add(clean);
            probes.add(new MemorizationProbe(Arrays.copyOf(noisy, PROMPT), Arrays.copyOfRange(noisy, PROMPT, PROMPT + CONTINUATION),
                    Arrays.copyOfRange(clean, PROMPT, PROMPT + CONTINUATION), "all"));
        }
        List<int[]> test = new ArrayList<>();
        for (int i = 0; i < CLEAN_ROWS; i++) {
            rows.add(new TrainRow(TASK.tokens(1_000 + 977L * i), 100 + i, TrainRow.Kind.CLEAN));
        }
        for (int i = 0; i < TEST_ROWS; i++) test.add(TASK.tokens(1_500 + 977L * i)); // never trained on
        return new TinyMemData("tiny-memorizer", CONFIG.vocabSize(), CONFIG.padToken(), rows, Map.of(TASK.label(), test),
                probes, twins);
    }

    /** 2 layers, d = 32, the GPT-2 vocabulary, no padding: the language counterpart of {@link #CONFIG}. */
    public static final GptConfig LANGUAGE_CONFIG = new GptConfig(50_257, 150, 32, 4, 2, -1, 1e-5, 0.8);
    /** Clean chunks trained beside the noisy ones (the retain set's pool). */
    public static final int LANGUAGE_CLEAN_ROWS = 4;
    /** Full-batch training steps of the language memorizer. */
    static final int LANGUAGE_STEPS = 100;

    /**
     * The language counterpart (App. A.1.2), for the language-mitigation notebook under smoke and for
     * tests: the smoke-profile noise data of {@code corpus} (8 noisy chunks), of which a 2-layer
     * GPT-2-vocabulary model (d = 32) learns the first 100 tokens of every noisy chunk and of
     * {@value #LANGUAGE_CLEAN_ROWS} clean chunks, full batch, until it reproduces the noisy
     * continuations (the probes compare tokens 50..99). Perplexity is measured on the data's held-out
     * chunks; the memorized probes keep their duplication groups. Seeded: the same model every time.
     */
    public static TinyMemorizer language(org.tinymem.data.TextCorpus corpus, NDManager manager, Progress progress) {
        TinyMemData smoke = org.tinymem.data.LanguageData.build(corpus, org.tinymem.train.Profile.SMOKE.languageData(
                org.tinymem.data.Artifact.Kind.NOISE, 0));
        List<TrainRow> rows = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        List<int[]> clean = new ArrayList<>();
        for (TrainRow row : smoke.train()) {
            int[] head = Arrays.copyOf(row.tokens(), PROMPT + CONTINUATION);
            if (row.isArtifact() && seen.add(row.exampleId())) {
                rows.add(new TrainRow(head, row.exampleId(), row.kind()));
            } else if (!row.isArtifact() && clean.size() < LANGUAGE_CLEAN_ROWS) {
                clean.add(head);
                rows.add(new TrainRow(head, row.exampleId(), TrainRow.Kind.CLEAN));
            }
        }
        TrainConfig training = languageTraining(rows.size());
        Gpt model = Gpt.initialize(LANGUAGE_CONFIG, 1, manager);
        try {
            new Trainer(training, m -> Map.of(), null, progress).train(model, rows);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        List<int[]> twins = smoke.cleanTwins().stream().map(t -> Arrays.copyOf(t, PROMPT + CONTINUATION)).toList();
        TinyMemData data = new TinyMemData("tiny-language-memorizer", LANGUAGE_CONFIG.vocabSize(), -1, rows,
                smoke.testByTask(), smoke.probes(), twins);
        return new TinyMemorizer(model, data, clean);
    }

    /**
     * The language memorizer's recipe: {@value #LANGUAGE_STEPS} full-batch steps of {@code rows} rows, AdamW lr 1e-2,
     * no weight decay (its optimizer settings are also those of its relearning test).
     */
    public static TrainConfig languageTraining(int rows) {
        return new TrainConfig(LANGUAGE_STEPS, rows, 1e-2, 0.9, 0.98, 1e-8, 0.0, 10, 1.0, 1000, 1000, 1);
    }

    /** The memorized noise rows (prompt + continuation, with token roles) and every clean row as the retain set. */
    public UnlearnSets sets() {
        return UnlearnSets.of(model, data, cleanRows.size(), 0);
    }

    @Override
    public void close() {
        model.close();
    }
}
