package org.tinymem.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The data of a production model (§7, App. A.4.1): the sequences it is known to memorize, a retain set
 * and held-out text for perplexity, each a {@link TokenMatrix} (Chang et al. (2024)'s format: [N, 80]
 * int64). A memorized sequence is measured with (n, k) = (72, 32): the first k = 32 tokens are the
 * prompt and the model must greedily reproduce the next n − k = 40 exactly.
 *
 * <p>A production model has no clean twins and no artifact marks: the probes' "clean" continuation is
 * the memorized one (so {@code percent_correct} equals {@code percent_memorized} and is not reported),
 * and a method that asks for artifact tokens gets none — every method sees the same information.
 */
public final class ProductionData {
    /** k of App. A.4.1: prompt tokens. */
    public static final int PROMPT = 32;
    /** n − k of App. A.4.1: tokens that must match (n = 72). */
    public static final int MATCH = 40;
    /** The data's name in result files. */
    public static final String NAME = "production";

    private ProductionData() {}

    /** The (n, k) probes of {@code memorized}: prompt = the first {@code prompt} tokens, then {@code match} tokens. */
    public static List<MemorizationProbe> probes(TokenMatrix memorized, int prompt, int match) {
        if (prompt < 1 || match < 1) throw new IllegalArgumentException("--prompt and --match must be ≥ 1, got " + prompt + ", " + match);
        if (memorized.columns() < prompt + match) {
            throw new IllegalArgumentException("memorized sequences have " + memorized.columns() + " tokens; (n, k) = ("
                    + (prompt + match) + ", " + prompt + ") needs " + (prompt + match));
        }
        List<MemorizationProbe> probes = new ArrayList<>();
        for (int[] row : memorized.rows()) {
            int[] continuation = Arrays.copyOfRange(row, prompt, prompt + match);
            probes.add(new MemorizationProbe(Arrays.copyOf(row, prompt), continuation, continuation, "all"));
        }
        return probes;
    }

    /**
     * The data of a production model.
     *
     * @param memorized the memorized sequences (probes and unlearn set)
     * @param retain sequences that unlearning should keep (the retain set)
     * @param perplexity held-out sequences for perplexity
     * @param vocabSize the model's vocabulary (every id is checked against it)
     * @param prompt k (32)
     * @param match n − k (40)
     */
    public static TinyMemData of(TokenMatrix memorized, TokenMatrix retain, TokenMatrix perplexity, int vocabSize,
                                 int prompt, int match) {
        if (memorized.size() == 0) throw new IllegalArgumentException("the memorized set is empty");
        if (perplexity.size() == 0) throw new IllegalArgumentException("the perplexity set is empty");
        List<TrainRow> train = new ArrayList<>();
        for (int i = 0; i < retain.size(); i++) train.add(new TrainRow(retain.rows().get(i), i, TrainRow.Kind.CLEAN));
        return new TinyMemData(NAME, vocabSize, -1, train, Map.of(LanguageData.TEST, perplexity.rows()),
                probes(memorized, prompt, match), List.of());
    }

    /** Reads the three files ({@code .npy}, or raw int64 rows of {@code rawColumns}) and checks them against the vocabulary. */
    public static TinyMemData read(Path memorized, Path retain, Path perplexity, int rawColumns, int vocabSize, int prompt,
                                   int match) {
        return of(TokenMatrix.read(memorized, rawColumns).requireVocabulary(vocabSize, memorized),
                TokenMatrix.read(retain, rawColumns).requireVocabulary(vocabSize, retain),
                TokenMatrix.read(perplexity, rawColumns).requireVocabulary(vocabSize, perplexity), vocabSize, prompt, match);
    }
}
