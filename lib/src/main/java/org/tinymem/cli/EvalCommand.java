package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinymem.data.TinyMemData;
import org.tinymem.experiment.ModelKind;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.Gpt;
import org.tinymem.model.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tinymem eval}: recompute a trained model's measures from its files. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Recompute % memorized and accuracy (math) or perplexity (language) of a trained model.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a run directory written by 'tinymem train'")
    Path model;

    @Override
    public Integer call() {
        ModelKind kind = TrainRun.specOf(model).kind();
        TinyMemData data = TrainRun.dataOf(model);
        try (NDManager manager = NDManager.newBaseManager(); Gpt gpt = ModelFiles.load(model, manager)) {
            Map<String, Double> metrics = kind.measures().measure(gpt, data);
            System.out.printf("model %s: %d probes, %d parameters%n", model, data.probes().size(), gpt.parameterCount());
            Reports.printMeasures(metrics, 0, 0);
        }
        return 0;
    }
}
