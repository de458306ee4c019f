package org.tinymem.cli;

import java.util.ArrayList;
import java.util.List;
import org.tinymem.experiment.Sweep;
import org.tinymem.unlearn.ForgetLoss;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnTokens;
import picocli.CommandLine.Option;

/**
 * The axes and per-run options of an unlearning grid (App. A.3.5), shared by {@code sweep grid} and
 * {@code sweep plan} (a picocli mixin): what is not given is the method's default, or its paper grid
 * with {@code --paper-grid}.
 */
final class GridOptions {
    @Option(names = "--ratios", split = ",", description = "ratios, comma-separated (default: the method's)")
    List<Double> ratios = new ArrayList<>();

    @Option(names = "--epochs", split = ",", description = "epochs, comma-separated (subnet, balanced-subnet, slim, hc)")
    List<Integer> epochs = new ArrayList<>();

    @Option(names = "--loss-weights", split = ",", description = "loss weights w, comma-separated (balanced-subnet)")
    List<Double> lossWeights = new ArrayList<>();

    @Option(names = "--lr", description = "learning rate for every run (subnet, balanced-subnet, slim, hc)")
    Double learningRate;

    @Option(names = "--batch-size", description = "rows per batch for every run")
    Integer batchSize;

    @Option(names = "--tokens", description = "forget-term tokens: sequence (paper), continuation or artifact")
    String tokens;

    @Option(names = "--forget", description = "forget quantity: ascent (paper) or unlikelihood")
    String forget;

    @Option(names = "--lambda", description = "sparsity weight for every run (slim, hc)")
    Double lambda;

    @Option(names = "--ig-steps", description = "integration steps for every run (ig)")
    Integer igSteps;

    /** Whether any option was given (they apply to one method at a time). */
    boolean any() {
        return !ratios.isEmpty() || !epochs.isEmpty() || !lossWeights.isEmpty() || learningRate != null || batchSize != null
                || tokens != null || forget != null || lambda != null || igSteps != null;
    }

    /** The grid for {@code method} with runs seeded by {@code seed}; {@code paperGrid} fills the axes not given. */
    Sweep.Grid grid(String method, long seed, boolean paperGrid) {
        UnlearnMethods.Options base = new UnlearnMethods.Options(null, null, null, learningRate, seed, batchSize,
                tokens == null ? null : UnlearnTokens.parse(tokens), forget == null ? null : ForgetLoss.parse(forget), lambda, igSteps);
        Sweep.Grid grid = new Sweep.Grid(ratios, epochs, lossWeights, base);
        return paperGrid ? Sweep.paperGrid(method, grid) : grid;
    }
}
