package org.tinymem.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Scorecard;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.Unlearner;
import org.tinymem.unlearn.Unlearning;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * A hyper-parameter sweep of one unlearning method on one model (App. A.3.5): every point of a
 * ratio × epochs × loss-weight grid is run on a fresh copy against one shared baseline (the same
 * unlearn and retain sets), measured as a {@link Scorecard} row, and the best row is chosen by
 * {@link Selection}. The measuring is {@link Unlearning#sweep}; this class only builds the grid and
 * selects.
 */
public final class Sweep {
    private Sweep() {}

    /** App. A.3.5's BalancedSubnet grid. */
    public static final double[] PAPER_MASK_RATIOS = {1e-5, 1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.25, 0.3};
    public static final int[] PAPER_EPOCHS = {1, 10, 20};
    public static final double[] PAPER_LOSS_WEIGHTS = {0.9, 0.7, 0.5};

    /** Whether {@code method} learns for a number of epochs (the epochs axis applies to it). */
    public static boolean hasEpochs(String method) {
        return method.equals("subnet") || method.equals("balanced-subnet") || method.equals("slim") || method.equals("hc")
                || UnlearnMethods.BASELINES.contains(method);
    }

    /**
     * The grid of the baselines that are not in the paper (ga, gd, npo; issue #16), ours: AdamW
     * learning rates 10× either side of their default 1e-3, and epochs {1, 5, 10}.
     */
    public static final double[] BASELINE_LEARNING_RATES = {1e-4, 1e-3, 1e-2};
    public static final int[] BASELINE_EPOCHS = {1, 5, 10};

    /**
     * {@code method}'s own App. A.3.5 grid (SPEC §8) for the axes that {@code given} leaves empty:
     * ratios (neuron methods: their own; weight methods: BalancedSubnet's), epochs {1, 10, 20} where
     * the method has epochs, loss weights {0.9, 0.7, 0.5} for BalancedSubnet. The baselines that are not in
     * the paper (ga, gd, npo) have no ratio; their grid, not from the paper, is learning rates
     * {@link #BASELINE_LEARNING_RATES} × epochs {@link #BASELINE_EPOCHS}.
     */
    public static Grid paperGrid(String method, Grid given) {
        if (UnlearnMethods.BASELINES.contains(method)) {
            List<Integer> epochs = new ArrayList<>(given.epochs());
            List<Double> rates = new ArrayList<>(given.learningRates());
            if (epochs.isEmpty()) for (int e : BASELINE_EPOCHS) epochs.add(e);
            if (rates.isEmpty() && given.base().learningRate() == null) for (double r : BASELINE_LEARNING_RATES) rates.add(r);
            return new Grid(given.ratios(), epochs, given.lossWeights(), rates, given.base());
        }
        double[] paperRatios = switch (method) {
            case "zero", "act", "ig" -> org.tinymem.unlearn.neuron.NeuronUnlearner.PAPER_RATIOS;
            case "slim", "hc" -> org.tinymem.unlearn.neuron.NeuronUnlearner.PAPER_GATE_RATIOS;
            default -> PAPER_MASK_RATIOS;
        };
        List<Double> ratios = new ArrayList<>(given.ratios());
        List<Integer> epochs = new ArrayList<>(given.epochs());
        List<Double> weights = new ArrayList<>(given.lossWeights());
        if (ratios.isEmpty()) for (double r : paperRatios) ratios.add(r);
        if (hasEpochs(method) && epochs.isEmpty()) for (int e : PAPER_EPOCHS) epochs.add(e);
        if (method.equals("balanced-subnet") && weights.isEmpty()) for (double w : PAPER_LOSS_WEIGHTS) weights.add(w);
        return new Grid(ratios, epochs, weights, given.base());
    }

    /**
     * The axes of a grid; an empty axis means "the method's default" (one point). Epochs and loss
     * weights only apply to the methods that have them (an error otherwise, as on the command line).
     *
     * @param ratios ablation ratios
     * @param epochs mask-learning epochs (Subnet, BalancedSubnet)
     * @param lossWeights w (BalancedSubnet, gd, npo)
     * @param learningRates learning rates (an axis of the baselines' grid; empty: {@code base}'s)
     * @param base every other option (learning rate, batch size, tokens, seed), applied to every point
     */
    public record Grid(List<Double> ratios, List<Integer> epochs, List<Double> lossWeights, List<Double> learningRates,
                       UnlearnMethods.Options base) {
        public Grid {
            ratios = List.copyOf(ratios);
            epochs = List.copyOf(epochs);
            lossWeights = List.copyOf(lossWeights);
            learningRates = List.copyOf(learningRates);
            java.util.Objects.requireNonNull(base, "base");
        }

        /** A grid without a learning-rate axis (the paper's grids have none). */
        public Grid(List<Double> ratios, List<Integer> epochs, List<Double> lossWeights, UnlearnMethods.Options base) {
            this(ratios, epochs, lossWeights, List.of(), base);
        }

        /** The points of the grid, ratio-major, then epochs, loss weights, learning rates, as method options. */
        public List<UnlearnMethods.Options> points() {
            List<UnlearnMethods.Options> points = new ArrayList<>();
            for (Double ratio : orDefault(ratios, base.ratio())) {
                for (Integer epoch : orDefault(epochs, base.epochs())) {
                    for (Double w : orDefault(lossWeights, base.lossWeight())) {
                        for (Double lr : orDefault(learningRates, base.learningRate())) {
                            points.add(new UnlearnMethods.Options(ratio, epoch, w, lr, base.seed(),
                                    base.batchSize(), base.tokens(), base.forget(), base.lambda(), base.igSteps()));
                        }
                    }
                }
            }
            return points;
        }

        private static <T> List<T> orDefault(List<T> axis, T fallback) {
            return axis.isEmpty() ? java.util.Collections.singletonList(fallback) : axis;
        }
    }

    /**
     * @param table one Scorecard row per grid point, plus {@code score} and {@code selected}
     * @param rows the same rows
     * @param best the selected row (empty when no row has a defined score)
     * @param timeLimitWaived whether no run met the time limit, so it was not enforced
     */
    public record Result(Table table, List<Scorecard.Row> rows, Optional<Scorecard.Row> best, boolean timeLimitWaived) {}

    /** Builds every method of the grid first, so a bad value fails before any run. */
    public static List<Unlearner> methods(String method, Grid grid) {
        return grid.points().stream().map(o -> UnlearnMethods.create(method, o)).toList();
    }

    /**
     * Runs {@code method} over {@code grid} on {@code model} against {@code baseline} (build it once
     * with {@link Unlearning.Baseline#of}) and selects the best run under {@code criterion}.
     */
    public static Result run(CausalLm model, TinyMemData data, Unlearning.Baseline baseline, String method, Grid grid,
                             Selection.Criterion criterion, Consumer<Scorecard.Row> onRow) {
        List<Unlearner> methods = methods(method, grid);
        List<Scorecard.Row> rows = Unlearning.sweep(model, data, baseline, methods, onRow);
        return select(rows, criterion);
    }

    /** The table and the selection of already measured rows. */
    public static Result select(List<Scorecard.Row> rows, Selection.Criterion criterion) {
        OptionalInt best = Selection.bestIndex(rows, criterion);
        Table table = Scorecard.table(rows);
        table.addColumns(DoubleColumn.create("score", rows.stream().mapToDouble(r -> Selection.score(r, criterion.kind()))));
        BooleanColumn selected = BooleanColumn.create("selected");
        for (int i = 0; i < rows.size(); i++) selected.append(best.isPresent() && best.getAsInt() == i);
        table.addColumns(selected);
        return new Result(table, rows, best.isPresent() ? Optional.of(rows.get(best.getAsInt())) : Optional.empty(),
                Selection.timeLimitWaived(rows, criterion));
    }
}
