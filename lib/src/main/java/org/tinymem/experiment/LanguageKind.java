package org.tinymem.experiment;

import org.tinymem.data.LanguageData;
import org.tinymem.data.LanguageDataConfig;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.model.GptConfig;
import org.tinymem.train.TrainConfig;

/**
 * Toy language models (§2.3, App. A.1.2): GPT-2 BPE chunks of an English corpus ({@link RunSpec#textCorpus()}),
 * measured by perplexity on held-out chunks and % memorized per duplication group; a sweep's best run
 * minimises M + |P| + t (App. A.3.5).
 */
public final class LanguageKind implements ModelKind {
    public static final LanguageKind INSTANCE = new LanguageKind();

    private LanguageKind() {}

    @Override
    public String name() {
        return "lang";
    }

    @Override
    public Measures measures() {
        return LanguageMeasures.INSTANCE;
    }

    @Override
    public Selection.Criterion criterion() {
        return Selection.Criterion.language();
    }

    @Override
    public boolean usesCorpus() {
        return true;
    }

    @Override
    public GptConfig model(int layers) {
        return GptConfig.language(layers);
    }

    @Override
    public TrainConfig training(RunSpec spec) {
        return spec.profile().languageTraining(spec.artifact(), spec.seed());
    }

    @Override
    public LanguageDataConfig dataConfig(RunSpec spec) {
        return spec.profile().languageData(spec.artifact(), spec.seed());
    }

    @Override
    public TinyMemData buildData(RunSpec spec) {
        return LanguageData.build(spec.textCorpus(), dataConfig(spec));
    }

    @Override
    public String toString() {
        return name();
    }
}
