package org.tinymem.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.data.MathTask;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Utility;
import org.tinymem.model.CausalLm;
import org.tinymem.model.ModelConfig;
import org.tinymem.train.TrainConfig;
import org.tinymem.unlearn.Unlearning;

/**
 * What kind of model a run is (§2.3, App. A.1): math sequence models ({@link MathKind}) and toy
 * language models ({@link LanguageKind}) differ only in how their data is built, which network they
 * use, which utility measure applies (accuracy or perplexity) and which rule picks the best run of a
 * sweep (App. A.3.5 / A.4.2). Everything else — training, fine-tuning, unlearning, sweeps, the command
 * line and the notebooks — asks the kind of a run ({@link RunSpec#kind()}) instead of testing its
 * name, so a new kind (GPT-NeoX / Pythia) is one new class plus its measures.
 */
public interface ModelKind {

    /** The kind's name on the command line and in {@code run.json} ({@code --data}). */
    String name();

    /** % memorized (per group where the data has groups) and the utility measure. */
    Measures measures();

    /** Accuracy (math) or perplexity (language). */
    default Utility utility() {
        return measures().utility();
    }

    /** The rule that picks a sweep's best run (math: M + |A|; language: M + |P| + t). */
    Selection.Criterion criterion();

    /** Whether the data comes from a text corpus ({@code --corpus}, {@code --corpus-dir}). */
    boolean usesCorpus();

    /** The network of a model with {@code layers} blocks (Table 4). */
    ModelConfig model(int layers);

    /** The training recipe of {@code spec}'s profile. */
    TrainConfig training(RunSpec spec);

    /** The data configuration of {@code spec}'s profile (recorded in the provenance). */
    Record dataConfig(RunSpec spec);

    /** Builds the data of {@code spec} (deterministic: the same spec always gives the same data). */
    TinyMemData buildData(RunSpec spec);

    /**
     * Writes the run's data files that other tools read, next to its model in {@code dir} (default:
     * none; {@link TinyPythiaKind}: its memorized, retain and perplexity token matrices).
     */
    default void writeTokenSets(TinyMemData data, java.nio.file.Path dir) {}

    /**
     * The measures before any edit and the unlearn / retain sets of §3.3: the probes the model
     * actually memorizes, and {@code retainRows} clean training rows (≤ 0: all of them).
     */
    default Unlearning.Baseline unlearningBaseline(CausalLm model, TinyMemData data, int retainRows, long seed) {
        return Unlearning.Baseline.of(model, data, measures(), retainRows, seed);
    }

    /** Every kind by name, in the order the command line lists them. */
    static Map<String, ModelKind> all() {
        Map<String, ModelKind> kinds = new LinkedHashMap<>();
        for (ModelKind kind : List.of(new MathKind(MathTask.Operation.ADD), new MathKind(MathTask.Operation.MULT),
                LanguageKind.INSTANCE, TinyMemorizerKind.INSTANCE, TinyPythiaKind.INSTANCE)) {
            kinds.put(kind.name(), kind);
        }
        return kinds;
    }

    static List<String> names() {
        return List.copyOf(all().keySet());
    }

    /** The kind named {@code name}; an unknown name is a clear error. */
    static ModelKind of(String name) {
        ModelKind kind = all().get(name);
        if (kind == null) {
            throw new IllegalArgumentException("unknown data '" + name + "': use one of " + String.join(", ", names()));
        }
        return kind;
    }
}
