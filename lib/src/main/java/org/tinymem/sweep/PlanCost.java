package org.tinymem.sweep;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tinymem.data.Artifact;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.Memorization;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.StepTimer;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Models;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.train.FineTune;
import org.tinymem.train.Profile;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.train.TrainConfig;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.ForgetLoss;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.UnlearnTokens;
import org.tinymem.unlearn.Unlearner;

/**
 * A sweep plan's wall time, estimated before it runs from costs measured on this machine (issue 17,
 * item 5; {@code tinymem bench table1 --dry-run}). Per model shape of the plan it measures:
 * <ul>
 *   <li>one training step per regularizer kind ({@link StepTimer}; a training costs its steps — epochs ×
 *       ⌈rows / batch⌉ — plus one evaluation per {@code evaluateEvery} epochs; a fine-tuning
 *       {@link FineTune#EPOCHS} epochs over its recipe's rows plus two evaluations);</li>
 *   <li>one evaluation (the model kind's measures: memorization decoding and utility);</li>
 *   <li>each unlearning method at the median of its ratios in the plan and 1 and 2 epochs (or IG steps) where it
 *       has them, else once, on the plan's
 *       trained model when its result exists, else on an untrained model of the same shape with every
 *       artifact probe as the forget set (Greedy and SOU stop early on a model that memorizes nothing, so
 *       their times are then lower bounds); a run costs the fixed part plus its epochs × the part per epoch, plus one
 *       evaluation, and an epoch ladder ({@link SweepPlan#ladder}) its largest member plus one
 *       evaluation per member; each model's unedited evaluation is counted once (it is cached), and a neuron
 *       method's runs that differ only in the ratio count one attribution ({@link #attributionGroup}).</li>
 * </ul>
 * Stages run in order; within a stage the items go, in plan order, to whichever of {@code workers} is
 * free first, as {@link LocalEngine} hands them out. The estimate assumes the workers do not slow each
 * other (measured at this process's thread count).
 */
public final class PlanCost {
    /** Seconds of a plan's entries grouped by kind ({@code train spectral-norm}, {@code unlearn greedy}, ...). */
    public record Line(String what, int runs, int items, double seconds) {}

    /**
     * The estimate.
     *
     * @param lines per kind: runs, work items (after sharing epoch ladders) and summed seconds
     * @param stageSeconds each stage's wall time on the workers
     * @param workers workers assumed
     */
    public record Estimate(List<Line> lines, Map<Integer, Double> stageSeconds, int workers) {
        public double wallSeconds() {
            return stageSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        public double workSeconds() {
            return lines.stream().mapToDouble(Line::seconds).sum();
        }
    }

    private final SweepPlan plan;
    private final Consumer<String> log;
    private final Map<String, Double> stepSeconds = new HashMap<>();
    private final Map<String, Double> evaluationSeconds = new HashMap<>();
    private final Map<String, Double> methodSeconds = new HashMap<>();
    private final Map<String, TinyMemData> data = new HashMap<>();
    private final int timedSteps;

    /**
     * @param timedSteps training steps timed per shape and regularizer (after one warm-up)
     * @param log where each measurement is reported as it is made
     */
    public PlanCost(SweepPlan plan, int timedSteps, Consumer<String> log) {
        if (timedSteps <= 0) throw new IllegalArgumentException("timed steps must be positive, got " + timedSteps);
        this.plan = plan;
        this.timedSteps = timedSteps;
        this.log = log;
    }

    /** Estimates the plan on {@code workers} workers, measuring what it needs. */
    public Estimate estimate(int workers) {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        Map<String, double[]> byKind = new LinkedHashMap<>(); // runs, items, seconds
        Map<Integer, Double> stageSeconds = new LinkedHashMap<>();
        java.util.Set<String> evaluatedModels = new java.util.HashSet<>();
        java.util.Set<String> attributed = new java.util.HashSet<>();
        for (int stage : plan.stages()) {
            List<PlanEntry> inStage = plan.entries().stream().filter(e -> e.stage() == stage).toList();
            List<Double> items = new ArrayList<>();
            for (List<PlanEntry> item : LocalEngine.ladders(plan, inStage)) {
                PlanEntry first = item.get(0);
                String group = attributionGroup(first);
                // a neuron method's other ratios read the first one's attribution back (AttributionCache): evaluation only
                double seconds = group != null && !attributed.add(group) ? item.size() * evaluation(sourceSpec(first)) : seconds(item);
                if (first.command().equals("unlearn") && evaluatedModels.add(first.option("--model"))) {
                    seconds += evaluation(sourceSpec(first)); // the unedited model, measured once and cached
                }
                items.add(seconds);
                double[] sums = byKind.computeIfAbsent(kind(first), k -> new double[3]);
                sums[0] += item.size();
                sums[1] += 1;
                sums[2] += seconds;
            }
            stageSeconds.put(stage, makespan(items, workers));
        }
        List<Line> lines = new ArrayList<>();
        byKind.forEach((what, s) -> lines.add(new Line(what, (int) s[0], (int) s[1], s[2])));
        return new Estimate(lines, stageSeconds, workers);
    }

    /**
     * For a neuron method's run, what its attribution depends on: the command without {@code --ratio}
     * (model, method and every other option), so runs with the same group share one attribution through
     * the {@link org.tinymem.unlearn.neuron.AttributionCache}; null for anything else. The estimate counts
     * the attribution for the first run of a group only, which assumes it finished before the others began
     * (one worker per model's grid; parallel workers may each compute it once).
     */
    static String attributionGroup(PlanEntry e) {
        if (!e.command().equals("unlearn") || !UnlearnMethods.NEURONS.contains(e.option("--method"))) return null;
        List<String> args = new ArrayList<>(e.args());
        int ratio = args.indexOf("--ratio");
        if (ratio >= 0) args.subList(ratio, Math.min(args.size(), ratio + 2)).clear();
        return String.join(" ", args);
    }

    /** The wall time of {@code items} (seconds, in order) handed to the first free of {@code workers}. */
    static double makespan(List<Double> items, int workers) {
        double[] free = new double[workers];
        for (double seconds : items) {
            int w = 0;
            for (int i = 1; i < workers; i++) if (free[i] < free[w]) w = i;
            free[w] += seconds;
        }
        return Arrays.stream(free).max().orElse(0);
    }

    /** {@code train} (+ regularizer), {@code finetune RECIPE} or {@code unlearn METHOD}. */
    public static String kind(PlanEntry e) {
        String detail = switch (e.command()) {
            case "train" -> e.option("--regularizer");
            case "finetune" -> e.option("--recipe");
            default -> e.option("--method");
        };
        return detail == null ? e.command() : e.command() + " " + detail;
    }

    /** One work item: a training, a fine-tuning, an unlearning run or an epoch ladder of them. */
    private double seconds(List<PlanEntry> item) {
        PlanEntry e = item.get(item.size() - 1); // a ladder's largest epoch count
        RunSpec spec = e.command().equals("train") ? trainSpec(e) : sourceSpec(e);
        TrainRun.Plan run = TrainRun.Plan.of(spec);
        return switch (e.command()) {
            case "train" -> {
                TrainConfig config = run.training();
                long steps = (long) config.epochs() * batches(data(spec).train().size(), config.batchSize());
                String regularizer = e.option("--regularizer");
                yield steps * step(spec, regularizer == null ? null : RegularizerSpec.Kind.parse(regularizer))
                        + Math.ceil((double) config.epochs() / config.evaluateEvery()) * evaluation(spec);
            }
            case "finetune" -> {
                int rows = FineTune.rows(data(spec), FineTune.Recipe.parse(e.option("--recipe"))).size();
                yield FineTune.EPOCHS * batches(rows, run.training().batchSize()) * step(spec, null) + 2 * evaluation(spec);
            }
            default -> method(e, spec, scale(e)) + item.size() * evaluation(spec);
        };
    }

    private static long batches(int rows, int batch) {
        return (rows + batch - 1) / batch;
    }

    /** How many units an unlearning run takes: its epochs × IG steps (1 where absent). */
    private static int scale(PlanEntry e) {
        int scale = 1;
        if (e.option("--epochs") != null) scale *= Integer.parseInt(e.option("--epochs"));
        if (e.option("--ig-steps") != null) scale *= Integer.parseInt(e.option("--ig-steps"));
        return scale;
    }

    /** Whether {@code e}'s method has a length (epochs or IG steps) that its cost grows with. */
    private static boolean scales(PlanEntry e) {
        return e.option("--epochs") != null || e.option("--ig-steps") != null;
    }

    private static String shapeKey(RunSpec spec) {
        return spec.data() + "/" + spec.artifact() + "/" + spec.layers() + "/" + spec.profile();
    }

    private TinyMemData data(RunSpec spec) {
        return data.computeIfAbsent(shapeKey(spec), k -> TrainRun.Plan.of(spec).buildData());
    }

    /** Seconds of one training step of {@code spec}'s model with {@code regularizer} (null: none). */
    private double step(RunSpec spec, RegularizerSpec.Kind regularizer) {
        String key = shapeKey(spec) + "/" + (regularizer == null ? "none" : regularizer.cliName());
        return stepSeconds.computeIfAbsent(key, k -> {
            TrainRun.Plan run = TrainRun.Plan.of(spec);
            List<TrainRow> rows = data(spec).train();
            int batch = Math.min(run.training().batchSize(), rows.size() - 1);
            boolean sliced = run.model().vocabSize() >= NextTokenLoss.CHUNKED_VOCAB;
            RegularizerSpec reg = regularizer == null ? null : new RegularizerSpec(regularizer, regularizer.defaultValue());
            double seconds = StepTimer.time(run, rows, reg, batch, 1, timedSteps, sliced).median() / 1000;
            log.accept(String.format("measured: training step %s = %.3f s", k, seconds));
            return seconds;
        });
    }

    /** Seconds of one evaluation of {@code spec}'s model (its kind's measures). */
    private double evaluation(RunSpec spec) {
        return evaluationSeconds.computeIfAbsent(shapeKey(spec), k -> {
            try (NDManager manager = NDManager.newBaseManager(); CausalLm model = TrainRun.Plan.of(spec).model().initialize(0, manager)) {
                long t0 = System.nanoTime();
                spec.kind().measures().measure(model, data(spec));
                double seconds = (System.nanoTime() - t0) / 1e9;
                log.accept(String.format("measured: evaluation %s = %.2f s", k, seconds));
                return seconds;
            }
        });
    }

    /**
     * Seconds of {@code e}'s method at {@code units} epochs (or IG steps) on its model: a fixed part and a
     * part per unit, from runs at 1 and 2 units ({@code t(n) = t1 + (n − 1)(t2 − t1)}); one run where the
     * method has no length.
     */
    private double method(PlanEntry e, RunSpec spec, int units) {
        double one = methodSeconds(e, spec, 1);
        if (!scales(e) || units == 1) return one;
        double perUnit = Math.max(0, methodSeconds(e, spec, 2) - one);
        return one + (units - 1) * perUnit;
    }

    /** Seconds of one run of {@code e}'s method at {@code units} epochs (or IG steps), measured once. */
    private double methodSeconds(PlanEntry e, RunSpec spec, int units) {
        String retainRows = e.option("--retain-rows") == null ? "0" : e.option("--retain-rows");
        String key = shapeKey(spec) + "/" + e.option("--method") + "/retain " + retainRows + "/batch " + e.option("--batch-size")
                + (scales(e) ? "/units " + units : "");
        return methodSeconds.computeIfAbsent(key, k -> {
            Unlearner method = UnlearnMethods.create(e.option("--method"), unitOptions(e, units));
            TinyMemData tinyMem = data(spec);
            Path trained = trainedModel(e);
            try (NDManager manager = NDManager.newBaseManager();
                 CausalLm model = trained != null ? Models.load(trained, manager)
                         : TrainRun.Plan.of(spec).model().initialize(0, manager)) {
                List<MemorizationProbe> memorized = trained == null ? List.of() : Memorization.memorizedProbes(model, tinyMem.probes());
                // a model that memorizes nothing is timed on every probe: the cost is measured, not the effect
                UnlearnSets sets = UnlearnSets.of(memorized.isEmpty() ? tinyMem.probes() : memorized, tinyMem,
                        Integer.parseInt(retainRows), 0);
                try (Edit edit = method.unlearn(model, sets)) {
                    log.accept(String.format("measured: %s%s on %s (%s, %d forget, %d retain rows) = %.2f s", method.method(),
                            scales(e) ? " at " + units + (e.option("--epochs") != null ? " epoch(s)" : " IG step(s)") : "",
                            trained != null ? "the trained model" : "an untrained model", shapeKey(spec), sets.unlearn().size(),
                            sets.retain().size(), edit.seconds()));
                    return edit.seconds();
                }
            }
        });
    }

    /**
     * The entry's method options at {@code units} epochs or IG steps (where it takes them), at the median
     * of the distinct ratios the plan gives the method on this model: one measurement stands for every
     * ratio, the smallest can ablate int(ratio · width) = 0 units (costing nothing) and the largest makes
     * Greedy drop weights for many minutes, so the middle of the grid is the representative.
     */
    private UnlearnMethods.Options unitOptions(PlanEntry e, int units) {
        List<Double> ratios = plan.entries().stream()
                .filter(o -> o.command().equals("unlearn") && e.option("--model").equals(o.option("--model"))
                        && e.option("--method").equals(o.option("--method")) && o.option("--ratio") != null)
                .map(o -> Double.valueOf(o.option("--ratio"))).distinct().sorted().toList();
        Double ratio = ratios.isEmpty() ? number(e, "--ratio") : ratios.get(ratios.size() / 2);
        return new UnlearnMethods.Options(ratio, e.option("--epochs") == null ? null : units,
                number(e, "--loss-weight"), number(e, "--lr"), e.option("--seed") == null ? 0 : Long.parseLong(e.option("--seed")),
                e.option("--batch-size") == null ? null : Integer.valueOf(e.option("--batch-size")),
                e.option("--tokens") == null ? null : UnlearnTokens.parse(e.option("--tokens")),
                e.option("--forget") == null ? null : ForgetLoss.parse(e.option("--forget")), number(e, "--lambda"),
                e.option("--ig-steps") == null ? null : units);
    }

    private static Double number(PlanEntry e, String option) {
        return e.option(option) == null ? null : Double.valueOf(e.option(option));
    }

    /** The finished training an entry's {@code --model} names, or null (not run yet, or a directory elsewhere that is not a run). */
    private Path trainedModel(PlanEntry e) {
        PlanEntry training = training(e);
        Path dir = training != null ? plan.result(training) : Path.of(e.option("--model"));
        return Files.isRegularFile(dir.resolve(TrainRun.SPEC)) ? dir : null;
    }

    /** The run spec of the model an entry works on: its plan training's, or the run directory's. */
    private RunSpec sourceSpec(PlanEntry e) {
        PlanEntry training = training(e);
        return training != null ? trainSpec(training) : TrainRun.specOf(Path.of(e.option("--model")));
    }

    /** The training of this plan that an entry's {@code --model} names ({@code @{KEY}}), or null for a run directory. */
    private PlanEntry training(PlanEntry e) {
        String model = e.option("--model");
        return model.startsWith("@{") ? plan.byKey(model.substring(2, model.length() - 1)) : null;
    }

    /** The run spec of a {@code train} entry (as {@link Plans.Models#trainArgs} writes its arguments). */
    static RunSpec trainSpec(PlanEntry train) {
        String data = train.option("--data");
        String artifact = train.option("--artifact");
        if (data == null || artifact == null) {
            throw new IllegalArgumentException("a train entry needs --data and --artifact: " + train.args());
        }
        return new RunSpec(data, Artifact.Kind.parse(artifact), Integer.parseInt(option(train, "--layers", "4")),
                Profile.parse(option(train, "--profile", "quick")), Long.parseLong(option(train, "--seed", "0")));
    }

    private static String option(PlanEntry e, String option, String fallback) {
        String value = e.option(option);
        return value == null ? fallback : value;
    }
}
