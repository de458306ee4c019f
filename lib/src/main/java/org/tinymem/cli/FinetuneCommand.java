package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tinymem.eval.Scorecard;
import org.tinymem.experiment.FineTuneRun;
import org.tinymem.train.FineTune;
import org.tinymem.util.TerminalProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tinymem finetune}: five more epochs of a trained model on a curated set (§3.2). */
@Command(name = "finetune", mixinStandardHelpOptions = true, description = "Fine-tune a trained model for 5 epochs: clean twins, extra (clean) data, or both.")
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a run directory written by 'tinymem train' (only read)")
    Path model;

    @Option(names = "--recipe", required = true, description = "clean, extra or both")
    String recipe;

    @Option(names = "--out", required = true, description = "a new or empty directory for the fine-tuned model")
    Path out;

    @Override
    public Integer call() {
        FineTune.Recipe parsed = FineTune.Recipe.parse(recipe);
        System.out.println("fine-tuning " + model + " (" + parsed.cliName() + ") into " + out);
        FineTune.Result result;
        try (NDManager manager = NDManager.newBaseManager()) {
            result = FineTuneRun.run(model, parsed, out, manager, new TerminalProgress("finetune"));
        }
        System.out.printf("%n%-28s %10s %10s %10s%n", "measure", "before", "after", "% diff");
        for (String name : result.before().keySet().stream().sorted().toList()) {
            double before = result.before().get(name);
            double after = result.after().getOrDefault(name, Double.NaN);
            System.out.printf("%-28s %10.2f %10.2f %10.2f%n", name, before, after, Scorecard.percentDifference(before, after));
        }
        System.out.printf("%-20s %10d%n%-20s %10.1f%n", "rows", result.rows(), "seconds", result.seconds());
        System.out.println("wrote " + out.resolve("model.safetensors") + ", " + FineTuneRun.RESULT + ", provenance.json");
        return 0;
    }
}
