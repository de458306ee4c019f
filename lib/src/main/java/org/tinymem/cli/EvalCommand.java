package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinymem.data.ProductionData;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TokenMatrix;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.experiment.ModelKind;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tinymem eval}: recompute a trained model's measures from its files, or measure any model on token files. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Recompute %% memorized and accuracy (math) or perplexity (language) of a trained model; with --tokens,"
                + " measure any model directory (GPT-2 or GPT-NeoX/Pythia) on memorized sequences at (n, k) (App. A.4.1).")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true,
            description = "a run directory written by 'tinymem train', or (with --tokens) any HuggingFace GPT-2 / GPT-NeoX directory")
    Path model;

    @Option(names = "--tokens", description = "memorized sequences, [N, L] .npy (or raw int64 rows of --seq-len)")
    Path tokens;

    @Option(names = "--perplexity", description = "held-out sequences for perplexity (default: the --tokens rows)")
    Path perplexity;

    @Mixin
    TokenSetOptions set;

    @Override
    public Integer call() {
        if (tokens == null) {
            if (perplexity != null) throw new IllegalArgumentException("--perplexity needs --tokens");
            return runMeasures();
        }
        try (NDManager manager = set.manager(); CausalLm lm = Models.load(model, manager)) {
            TokenMatrix memorized = set.read(tokens, lm.vocabSize());
            TokenMatrix held = perplexity == null ? memorized : set.read(perplexity, lm.vocabSize());
            TinyMemData data = ProductionData.of(memorized, new TokenMatrix(java.util.List.of()), held, lm.vocabSize(), set.prompt,
                    set.match);
            Map<String, Double> measured = LanguageMeasures.INSTANCE.measure(lm, data);
            Map<String, Double> shown = new LinkedHashMap<>();
            shown.put(Measures.PERCENT_MEMORIZED, measured.get(Measures.PERCENT_MEMORIZED));
            shown.put(LanguageMeasures.PERPLEXITY, measured.get(LanguageMeasures.PERPLEXITY));
            System.out.printf("model %s: %d sequences at (n, k) = (%d, %d), perplexity on %s (%d rows), %d parameters%n", model,
                    memorized.size(), set.prompt + set.match, set.prompt, perplexity == null ? tokens : perplexity, held.size(),
                    Models.parameterCount(lm));
            Reports.printMeasures(shown, 0, 0);
        }
        return 0;
    }

    private int runMeasures() {
        ModelKind kind = TrainRun.specOf(model).kind();
        TinyMemData data = TrainRun.dataOf(model);
        try (NDManager manager = set.manager(); CausalLm lm = Models.load(model, manager)) {
            Map<String, Double> metrics = kind.measures().measure(lm, data);
            System.out.printf("model %s: %d probes, %d parameters%n", model, data.probes().size(), Models.parameterCount(lm));
            Reports.printMeasures(metrics, 0, 0);
        }
        return 0;
    }
}
