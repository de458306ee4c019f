package org.tinymem.cli;

import java.util.concurrent.Callable;
import org.tinymem.model.GptConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tinymem info}: the model's size (Table 4). */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print a model's shape and parameter count (Table 4).")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "math-add, math-mult or lang")
    String data;

    @Option(names = "--layers", required = true, description = "number of transformer blocks")
    int layers;

    @Override
    public Integer call() {
        GptConfig config = switch (data) {
            case "math-add", "math-mult" -> GptConfig.math(layers);
            case "lang" -> GptConfig.language(layers);
            default -> throw new IllegalArgumentException("unknown data '" + data + "': use math-add, math-mult or lang");
        };
        System.out.printf("data=%s layers=%d d=%d heads=%d mlp=%d vocab=%d context=%d%n", data, layers,
                config.embedDim(), config.heads(), config.mlpDim(), config.vocabSize(), config.contextLength());
        System.out.printf("parameters=%d%n", config.parameterCount());
        return 0;
    }
}
