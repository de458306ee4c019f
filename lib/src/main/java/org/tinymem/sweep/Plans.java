package org.tinymem.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.tinymem.experiment.Sweep;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.unlearn.UnlearnMethods;

/**
 * Plan drafts from grids: trainings (models × seeds), regularized trainings over each regularizer's
 * paper grid (§3.1, App. A.3.5), fine-tuning recipes (§3.2) and unlearning runs over a method's grid
 * (§3.3, App. A.3.5) on a model — either a run directory or the {@code @{KEY}} of a training in the
 * same plan. Every argument is written as the command line takes it, so a plan entry is exactly a
 * command a user could type.
 */
public final class Plans {
    private Plans() {}

    /** Stage 0: trainings; stage 1: what is run on a trained model. */
    public static final int TRAIN = 0;
    public static final int MITIGATE = 1;

    /**
     * The models of a plan: every combination, seed-major last.
     *
     * @param profile smoke, quick or paper
     */
    public record Models(List<String> data, List<String> artifacts, List<Integer> layers, List<Long> seeds, String profile) {
        public Models {
            data = List.copyOf(data);
            artifacts = List.copyOf(artifacts);
            layers = List.copyOf(layers);
            seeds = List.copyOf(seeds);
            if (data.isEmpty() || artifacts.isEmpty() || layers.isEmpty() || seeds.isEmpty()) {
                throw new IllegalArgumentException("a plan's models need at least one --data, --artifacts, --layers and --seeds value");
            }
        }

        /** The {@code train} arguments of every model, in order. */
        public List<List<String>> trainArgs() {
            List<List<String>> all = new ArrayList<>();
            for (String d : data) {
                for (String a : artifacts) {
                    for (int l : layers) {
                        for (long s : seeds) {
                            all.add(List.of("--data", d, "--artifact", a, "--layers", Integer.toString(l), "--profile", profile,
                                    "--seed", Long.toString(s)));
                        }
                    }
                }
            }
            return all;
        }
    }

    public static SweepPlan.Draft training(List<String> trainArgs) {
        return new SweepPlan.Draft(TRAIN, "train", trainArgs);
    }

    /** One regularized training per value of the regularizer's paper grid (or {@code values}, if given). */
    public static List<SweepPlan.Draft> regularized(List<String> trainArgs, RegularizerSpec.Kind kind, List<Double> values) {
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        for (double v : values.isEmpty() ? kind.paperGrid() : values) {
            List<String> args = new ArrayList<>(trainArgs);
            args.addAll(List.of("--regularizer", kind.cliName(), kind.option(), number(v)));
            drafts.add(new SweepPlan.Draft(TRAIN, "train", args));
        }
        return drafts;
    }

    public static SweepPlan.Draft fineTune(String model, String recipe) {
        return new SweepPlan.Draft(MITIGATE, "finetune", List.of("--model", model, "--recipe", recipe));
    }

    /**
     * One unlearning run per point of {@code grid}; every point is checked (as {@code unlearn} would)
     * before anything is written.
     */
    public static List<SweepPlan.Draft> unlearning(String model, String method, Sweep.Grid grid, int retainRows) {
        return unlearning(model, method, grid, retainRows, List.of());
    }

    /**
     * As {@link #unlearning(String, String, Sweep.Grid, int)}, with {@code extraArgs} added to every run (a
     * production model's {@code --memorized F --retain F --perplexity F}, evaluation while unlearning).
     */
    public static List<SweepPlan.Draft> unlearning(String model, String method, Sweep.Grid grid, int retainRows,
                                                   List<String> extraArgs) {
        Sweep.methods(method, grid); // refuses a value the method does not take, now
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        for (UnlearnMethods.Options o : grid.points()) {
            List<String> args = new ArrayList<>(List.of("--model", model, "--method", method));
            add(args, "--ratio", o.ratio());
            add(args, "--epochs", o.epochs());
            add(args, "--loss-weight", o.lossWeight());
            add(args, "--lr", o.learningRate());
            add(args, "--batch-size", o.batchSize());
            if (o.tokens() != null) args.addAll(List.of("--tokens", o.tokens().cliName()));
            if (o.forget() != null) args.addAll(List.of("--forget", o.forget().cliName()));
            add(args, "--lambda", o.lambda());
            add(args, "--ig-steps", o.igSteps());
            args.addAll(List.of("--seed", Long.toString(o.seed()), "--retain-rows", Integer.toString(retainRows)));
            args.addAll(extraArgs);
            drafts.add(new SweepPlan.Draft(MITIGATE, "unlearn", args));
        }
        return drafts;
    }

    private static void add(List<String> args, String option, Number value) {
        if (value != null) args.addAll(List.of(option, number(value)));
    }

    /** A number as the plan writes it: plain decimal, no trailing zeros ({@code 0.00001}, {@code 10}). */
    public static String number(Number value) {
        if (value instanceof Integer || value instanceof Long) return value.toString();
        return BigDecimal.valueOf(value.doubleValue()).stripTrailingZeros().toPlainString();
    }
}
