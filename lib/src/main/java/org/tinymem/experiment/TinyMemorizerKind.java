package org.tinymem.experiment;

import org.tinymem.data.Artifact;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.model.GptConfig;
import org.tinymem.train.TrainConfig;
import org.tinymem.unlearn.TinyMemorizer;

/**
 * {@code --data tiny-memorizer}: the {@link TinyMemorizer} as a run kind, so that the command line
 * can train, in seconds, a model that is certain to memorize (8 noise rows beside 24 add-7 rows; a
 * 2-layer d = 64 model trained for 150 full-batch steps). It exists for tests, CI and smoke sweeps
 * (the smoke-profile TinyMem models memorize nothing, so they cannot be unlearned); it is not a paper
 * model. The profile does not change it; the seed changes the noise rows and the initialisation;
 * {@code --layers} sets the depth (2 is the fixture's). Noise only: it has no backdoor variant.
 */
public final class TinyMemorizerKind implements ModelKind {
    public static final TinyMemorizerKind INSTANCE = new TinyMemorizerKind();
    public static final String NAME = "tiny-memorizer";

    private TinyMemorizerKind() {}

    /** What the data is, for the provenance: the fixture's sizes and seed. */
    public record DataConfig(String name, int noiseRows, int cleanRows, int testRows, long seed) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Measures measures() {
        return MathMeasures.INSTANCE;
    }

    @Override
    public Selection.Criterion criterion() {
        return Selection.Criterion.math();
    }

    @Override
    public boolean usesCorpus() {
        return false;
    }

    @Override
    public GptConfig model(int layers) {
        GptConfig c = TinyMemorizer.CONFIG;
        return new GptConfig(c.vocabSize(), c.contextLength(), c.embedDim(), c.heads(), layers, c.padToken(),
                c.layerNormEps(), c.initScale());
    }

    @Override
    public TrainConfig training(RunSpec spec) {
        requireNoise(spec);
        return TinyMemorizer.training(spec.seed());
    }

    @Override
    public DataConfig dataConfig(RunSpec spec) {
        requireNoise(spec);
        return new DataConfig(NAME, TinyMemorizer.NOISE_ROWS, TinyMemorizer.CLEAN_ROWS, TinyMemorizer.TEST_ROWS, spec.seed());
    }

    @Override
    public TinyMemData buildData(RunSpec spec) {
        requireNoise(spec);
        return TinyMemorizer.mathData(spec.seed());
    }

    private static void requireNoise(RunSpec spec) {
        if (spec.artifact() != Artifact.Kind.NOISE) {
            throw new IllegalArgumentException(NAME + " has noise rows only; use --artifact noise");
        }
    }
}
