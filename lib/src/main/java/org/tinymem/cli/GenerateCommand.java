package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.tinymem.data.TokenMatrix;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Generator;
import org.tinymem.model.Models;
import org.tinymem.util.Progress;
import org.tinymem.util.TerminalProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tinymem generate}: greedy continuations of the first tokens of every row of a token file. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Greedy continuations (KV cache) of the first --prompt tokens of each row of a token file, written as .npy.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a HuggingFace GPT-2 / GPT-NeoX directory (or a TinyMem run)")
    Path model;

    @Option(names = "--tokens", required = true, description = "sequences, [N, L] .npy (or raw int64 rows of --seq-len)")
    Path tokens;

    @Option(names = "--new", defaultValue = "40", description = "tokens to generate per row (default: ${DEFAULT-VALUE})")
    int newTokens;

    @Option(names = "--batch-size", defaultValue = "32", description = "rows decoded together (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--out", required = true, description = "the .npy file of continuations [N, --new] (never overwritten)")
    Path out;

    @Mixin
    TokenSetOptions set;

    @Override
    public Integer call() {
        if (Files.exists(out)) throw new IllegalArgumentException(out + " exists; choose a new --out (results are never overwritten)");
        if (newTokens < 1 || batchSize < 1) throw new IllegalArgumentException("--new and --batch-size must be ≥ 1");
        try (NDManager manager = set.manager(); CausalLm lm = Models.load(model, manager)) {
            TokenMatrix input = set.read(tokens, lm.vocabSize());
            if (input.columns() < set.prompt) {
                throw new IllegalArgumentException(tokens + " has rows of " + input.columns() + " tokens, fewer than --prompt " + set.prompt);
            }
            List<int[]> prompts = input.rows().stream().map(row -> Arrays.copyOf(row, set.prompt)).toList();
            List<int[]> continuations = new java.util.ArrayList<>();
            long started = System.nanoTime();
            try (Progress progress = new TerminalProgress("generate")) {
            for (int start = 0; start < prompts.size(); start += batchSize) {
                List<int[]> chunk = prompts.subList(start, Math.min(prompts.size(), start + batchSize));
                continuations.addAll(Generator.greedy(lm, chunk, newTokens, batchSize));
                progress.update(continuations.size(), prompts.size(), "rows");
            }
            }
            new TokenMatrix(continuations).writeNpy(out);
            System.out.printf("wrote %s: %d x %d greedy tokens after %d-token prompts in %.1f s%n", out, continuations.size(),
                    newTokens, set.prompt, (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }
}
