package org.tinymem.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.data.Artifact;
import org.tinymem.data.LanguageData;
import org.tinymem.data.LanguageDataConfig;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.ProductionData;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TokenMatrix;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.model.ModelConfig;
import org.tinymem.model.neox.NeoxConfig;
import org.tinymem.train.Profile;
import org.tinymem.train.TrainConfig;

/**
 * {@code --data tiny-pythia}: the stand-in for Pythia (§7) on machines without its weights (ours, not
 * a paper model). A GPT-NeoX network ({@link NeoxConfig#tinyPythia}: parallel residual, rotary
 * embeddings on a quarter of each head, GELU, untied head) trained on 80-token GPT-2 BPE chunks of
 * the corpus — the length of Chang et al. (2024)'s memorized sequences — into which noisy chunks are
 * injected with duplication, so that it verbatim memorizes a known set. It is measured like Pythia:
 * each injected sequence is a probe at (n, k) = (72, 32) (prompt = its own first 32 tokens, App.
 * A.4.1), perplexity on held-out chunks, and the selection rule M + |P| + t (App. A.4.2; see
 * {@link #criterion()} for the perplexity cap). Every run also writes its sets in Chang et al.'s format
 * ({@code memorized.npy}, {@code retain.npy}, {@code perplexity.npy}), so the file-based production
 * pipeline ({@code tinymem unlearn --memorized ...}) is exercised exactly as on real Pythia.
 */
public final class TinyPythiaKind implements ModelKind {
    public static final TinyPythiaKind INSTANCE = new TinyPythiaKind();
    public static final String NAME = "tiny-pythia";
    /** Token files written next to every run (Chang et al.'s [N, 80] int64 format). */
    public static final String MEMORIZED = "memorized.npy";
    public static final String RETAIN = "retain.npy";
    public static final String PERPLEXITY = "perplexity.npy";
    /** Chang et al.'s sequence length. */
    public static final int SEQUENCE = 80;

    private TinyPythiaKind() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Measures measures() {
        return LanguageMeasures.INSTANCE;
    }

    /**
     * M + |P| + t (App. A.4.2) without the paper's perplexity-below-500 inclusion rule (ours): that cap is set for
     * Pythia's perplexities (≈ 20); TinyPythia's held-out perplexity on a small corpus is ≈ 10³ before any edit, so
     * the cap would exclude every run. Real Pythia directories keep it ({@link Selection.Criterion#production()}).
     */
    @Override
    public Selection.Criterion criterion() {
        return Selection.Criterion.language();
    }

    @Override
    public boolean usesCorpus() {
        return true;
    }

    @Override
    public ModelConfig model(int layers) {
        return NeoxConfig.tinyPythia(layers);
    }

    /**
     * Ours: smoke 48 clean chunks + 4 noisy ones ×48, 5 epochs of 15 steps (it must memorize something
     * for the notebook to unlearn: 12 epochs of a 160-chunk variant memorized all 4 by epoch 4); quick 1,000 clean
     * chunks + 32 noisy ones, half ×40 and half ×80, 4 epochs (a checkpoint each) of 91 steps (2.7 M tokens with 2,000
     * chunks and ×100/×300 ran at ≈ 300 tokens/s on 2 shared cores: hours, not the 30 minutes asked).
     */
    @Override
    public LanguageDataConfig dataConfig(RunSpec spec) {
        requireNoise(spec);
        return switch (spec.profile()) {
            case SMOKE -> new LanguageDataConfig(SEQUENCE, 48, 16, Artifact.Kind.NOISE, 4, List.of(48), 4, 4, 12, spec.seed());
            case QUICK -> new LanguageDataConfig(SEQUENCE, 1_000, 200, Artifact.Kind.NOISE, 32, List.of(40, 80), 10, 100, 200,
                    spec.seed());
            case PAPER -> throw paperRefused();
        };
    }

    @Override
    public TrainConfig training(RunSpec spec) {
        requireNoise(spec);
        return switch (spec.profile()) {
            case SMOKE -> new TrainConfig(5, 16, 3e-3, 0.9, 0.98, 1e-8, 0.1, 5, 0.1, 1, 1, spec.seed());
            case QUICK -> new TrainConfig(4, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 20, 0.1, 1, 1, spec.seed());
            case PAPER -> throw paperRefused();
        };
    }

    /**
     * The corpus chunks with their noisy twins, measured as Pythia is: one probe per injected sequence,
     * prompted with the sequence's own first 32 tokens (group = its duplication, e.g. {@code x100}).
     */
    @Override
    public TinyMemData buildData(RunSpec spec) {
        TinyMemData chunks = LanguageData.build(spec.textCorpus(), dataConfig(spec));
        Map<Integer, int[]> noisy = new LinkedHashMap<>();
        Map<Integer, Integer> copies = new LinkedHashMap<>();
        for (TrainRow row : chunks.train()) {
            if (row.kind() != TrainRow.Kind.NOISE) continue;
            noisy.putIfAbsent(row.exampleId(), row.tokens());
            copies.merge(row.exampleId(), 1, Integer::sum);
        }
        List<MemorizationProbe> probes = new ArrayList<>();
        int twin = 0;
        for (Map.Entry<Integer, int[]> entry : noisy.entrySet()) {
            int[] sequence = entry.getValue();
            int[] clean = chunks.cleanTwins().get(twin++);
            int end = ProductionData.PROMPT + ProductionData.MATCH;
            probes.add(new MemorizationProbe(Arrays.copyOf(sequence, ProductionData.PROMPT),
                    Arrays.copyOfRange(sequence, ProductionData.PROMPT, end), Arrays.copyOfRange(clean, ProductionData.PROMPT, end),
                    "x" + copies.get(entry.getKey())));
        }
        return new TinyMemData(NAME, chunks.vocabSize(), chunks.padToken(), chunks.train(), chunks.testByTask(), probes,
                chunks.cleanTwins());
    }

    /** {@code memorized.npy} (the injected sequences), {@code retain.npy} (the clean chunks) and {@code perplexity.npy}. */
    @Override
    public void writeTokenSets(TinyMemData data, Path dir) {
        List<int[]> memorized = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (TrainRow row : data.train()) {
            if (row.kind() == TrainRow.Kind.NOISE && seen.add(row.exampleId())) memorized.add(row.tokens());
        }
        new TokenMatrix(memorized).writeNpy(dir.resolve(MEMORIZED));
        new TokenMatrix(data.cleanTrainTokens()).writeNpy(dir.resolve(RETAIN));
        new TokenMatrix(data.testByTask().get(LanguageData.TEST)).writeNpy(dir.resolve(PERPLEXITY));
    }

    private static void requireNoise(RunSpec spec) {
        if (spec.artifact() != Artifact.Kind.NOISE) {
            throw new IllegalArgumentException(NAME + " memorizes injected sequences (noise); use --artifact noise");
        }
    }

    private static IllegalArgumentException paperRefused() {
        return new IllegalArgumentException(NAME + " is ours, not a paper model: use --profile smoke or quick (real Pythia"
                + " checkpoints are measured with 'tinymem eval --tokens' and 'tinymem unlearn --memorized')");
    }

    @Override
    public String toString() {
        return name();
    }
}
