package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tinymem.data.ProductionData;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.eval.Scorecard;
import org.tinymem.util.Json;
import org.tinymem.experiment.Provenance;
import org.tinymem.experiment.EarlyStopping;
import org.tinymem.experiment.ModelKind;
import org.tinymem.experiment.Selection;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.ModelFiles;
import org.tinymem.model.Models;
import org.tinymem.unlearn.BaselineCache;
import org.tinymem.unlearn.neuron.AttributionCache;
import org.tinymem.unlearn.neuron.NeuronUnlearner;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.EpochLadder;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnRuns;
import org.tinymem.unlearn.Unlearner;
import org.tinymem.unlearn.Unlearning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tinymem unlearn}: edit a trained model with one unlearning method and measure it before and after. */
@Command(name = "unlearn", mixinStandardHelpOptions = true, description = "Remove memorized sequences from a trained model by unlearning (§3.3).")
final class UnlearnCommand implements Callable<Integer> {
    static final String RESULT = UnlearnRuns.RESULT;

    @Option(names = "--model", required = true, description = "a run directory written by 'tinymem train', or (with"
            + " --memorized) any HuggingFace GPT-2 / GPT-NeoX (Pythia) directory")
    Path model;

    @Option(names = "--memorized", description = "production models (§7): the memorized sequences, [N, L] .npy or raw int64;"
            + " needs --retain and --perplexity")
    Path memorized;

    @Option(names = "--retain", description = "production models: sequences to keep (the retain set)")
    Path retain;

    @Option(names = "--perplexity", description = "production models: held-out sequences for perplexity")
    Path perplexity;

    @Mixin
    TokenSetOptions set;

    @Option(names = "--method", required = true,
            description = "greedy, durable, durable-agg, sou, subnet, balanced-subnet (weights); zero, act, slim, hc, ig (neurons);"
                    + " ga, gd, npo (fine-tuning baselines, not in the paper); zero-keep-one, slim-reference (diagnostics: the reference code's Zero and Slim); random-units (control: units chosen at random)")
    String method;

    @Option(names = "--ratio", description = "fraction of eligible weights (or MLP units per layer) to ablate, in (0, 1] (default: the method's)")
    Double ratio;

    @Option(names = "--epochs", split = ",", paramLabel = "EPOCHS",
            description = "mask-learning epochs (subnet, balanced-subnet), training epochs (slim, hc, ga, gd, npo); several"
                    + " (e.g. 1,10,20, subnet and balanced-subnet) come from one run to the largest, each written to"
                    + " OUT/epochs-E (issue 17: exactly what separate runs give)")
    List<Integer> epochs;

    @Option(names = "--loss-weight", description = "retain-loss weight w of balanced-subnet and gd, in [0, 1], and npo, in [0, 1) (0: plain NPO)")
    Double lossWeight;

    @Option(names = "--lr", description = "mask-score learning rate (subnet, balanced-subnet), gate Adam learning rate (slim, hc), AdamW learning rate (ga, gd, npo)")
    Double learningRate;

    @Option(names = "--batch-size", description = "rows per batch (subnet, balanced-subnet: paper 64; ga, gd, npo: 32)")
    Integer batchSize;

    @Option(names = "--tokens", description = "forget-term tokens of a memorized row: sequence (paper), continuation"
            + " or artifact (subnet, balanced-subnet)")
    String tokens;

    @Option(names = "--forget", description = "forget quantity of a memorized token: ascent (paper, -log p) or"
            + " unlikelihood (log(1 - p)) (subnet, balanced-subnet)")
    String forget;

    @Option(names = "--lambda", description = "sparsity weight of slim and hc (reference code: 1000)")
    Double lambda;

    @Option(names = "--ig-steps", description = "integration steps of ig (paper grid 1, 10, 20; default 20)")
    Integer igSteps;

    @Option(names = "--seed", defaultValue = "0", description = "seed of shuffling, scores and the retain sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--retain-rows", defaultValue = "0",
            description = "clean training rows in the retain set, a seeded sample; 0 = all of them, as the reference code (default: ${DEFAULT-VALUE})")
    int retainRows;

    @Option(names = "--relearn-steps", defaultValue = "0", description = "after the edit, fine-tune it this many steps"
            + " (batch 32) on --relearn-data and measure again: relearn_percent_memorized, recovered_percent in "
            + RESULT + "; 0 = off (default: ${DEFAULT-VALUE})")
    int relearnSteps;

    @Option(names = "--relearn-data", defaultValue = "clean", description = "what relearning trains on: clean (clean"
            + " training rows) or forget-half (a seeded half of the memorized rows; %% memorized and recovered %% are then"
            + " of the other half, targeted relearning) (default: ${DEFAULT-VALUE})")
    String relearnData;

    @Option(names = "--relearn-lr-scale", defaultValue = "0.1", description = "relearning's learning rate as a multiple"
            + " of the run's peak learning rate (ours: at 1, 50 clean steps erase an unedited model's memorization by"
            + " themselves) (default: ${DEFAULT-VALUE})")
    double relearnLearningRateScale;

    /** The relearning test's settings, from the three options above (null: off). */
    private org.tinymem.unlearn.Relearning.Params relearning;

    @Mixin
    EarlyStoppingOptions evaluation = new EarlyStoppingOptions();

    @Option(names = "--out", required = true, description = "a new (or empty) directory for the edited model")
    Path out;

    @Override
    public Integer call() {
        List<Integer> counts = epochs == null ? List.of() : List.copyOf(new java.util.TreeSet<>(epochs));
        if (epochs != null && counts.size() != epochs.size()) {
            throw new IllegalArgumentException("--epochs lists " + epochs + ": give each epoch count once");
        }
        Unlearner unlearner = unlearner(counts.isEmpty() ? null : counts.get(counts.size() - 1));
        boolean ladder = counts.size() > 1;
        if (ladder && !(unlearner instanceof EpochLadder)) {
            throw new IllegalArgumentException("several --epochs (" + epochs + ") come from one shared run only for subnet,"
                    + " balanced-subnet, ga, gd and npo; run " + method + " once per epoch count");
        }
        EarlyStopping stopping = earlyStopping(unlearner);
        if (stopping != null && ladder) {
            throw new IllegalArgumentException("--eval-every evaluates one run; give one --epochs count (its curve shows every"
                    + " epoch up to it), not " + epochs);
        }
        if (relearnSteps < 0) throw new IllegalArgumentException("--relearn-steps must be ≥ 0, got " + relearnSteps);
        relearning = relearnSteps == 0 ? null : new org.tinymem.unlearn.Relearning.Params(
                relearnSteps, org.tinymem.unlearn.Relearning.Params.defaults().batchSize(), seed,
                org.tinymem.unlearn.Relearning.Data.parse(relearnData), relearnLearningRateScale);
        requireFresh(out);
        boolean production = memorized != null || retain != null || perplexity != null;
        if (production && (memorized == null || retain == null || perplexity == null)) {
            throw new IllegalArgumentException("a production model needs all of --memorized, --retain and --perplexity");
        }
        if (production && relearnSteps > 0) {
            throw new IllegalArgumentException("--relearn-steps fine-tunes with a TinyMem run's optimizer settings (run.json);"
                    + " production models have none yet");
        }
        try (NDManager manager = set.manager(); CausalLm gpt = Models.load(model, manager)) {
            TinyMemData data = production
                    ? ProductionData.of(set.read(memorized, gpt.vocabSize()), set.read(retain, gpt.vocabSize()),
                            set.read(perplexity, gpt.vocabSize()), gpt.vocabSize(), set.prompt, set.match)
                    : TrainRun.dataOf(model);
            Unlearning.Baseline baseline;
            if (production) { // a production directory is not written to
                baseline = Unlearning.Baseline.of(gpt, data, LanguageMeasures.INSTANCE, retainRows, seed);
            } else { // a TinyMem run's unedited measures are cached in the run
                BaselineCache.Lookup lookup = BaselineCache.baseline(gpt, data, TrainRun.specOf(model).kind().measures(),
                        retainRows, seed, model.resolve(BaselineCache.DIR));
                if (lookup.outcome() == BaselineCache.Outcome.READ) {
                    System.out.println("the unedited model's measures and memorized probes: read from " + lookup.file());
                }
                baseline = lookup.baseline();
                if (unlearner instanceof NeuronUnlearner neurons) { // every ratio of a grid reads one attribution
                    neurons.cachingAttributions(new AttributionCache(model.resolve(BaselineCache.DIR)));
                }
            }
            System.out.printf("%s on %s: %d memorized of %d probes, %d retain rows%n", unlearner.method(), model,
                    baseline.sets().unlearn().size(), data.probes().size(), baseline.sets().retain().size());
            if (!ladder) {
                Unlearning.Result edited;
                EarlyStopping.Evaluated evaluated = null;
                try (org.tinymem.util.TerminalProgress bar = new org.tinymem.util.TerminalProgress("unlearn")) {
                    if (stopping == null) {
                        edited = Unlearning.apply(gpt, data, baseline, unlearner.reporting(bar));
                    } else {
                        Selection.Criterion criterion = production ? Selection.Criterion.production()
                                : TrainRun.specOf(model).kind().criterion();
                        evaluated = stopping.apply(gpt, data, baseline, unlearner.reporting(bar), criterion, point -> {});
                        edited = evaluated.result();
                    }
                }
                if (unlearner instanceof NeuronUnlearner neurons && neurons.lastAblation() != null
                        && neurons.lastAblation().attribution() != null && neurons.lastAblation().attribution().reused()) {
                    System.out.printf("attribution read from %s (its %.1f s count in the method's time)%n",
                            neurons.lastAblation().attribution().file(), neurons.lastAblation().attribution().seconds());
                }
                try (Unlearning.Result result = edited) {
                    write(result, unlearner, baseline, data, production, out, null, evaluated);
                }
                System.out.println("wrote " + out.resolve(ModelFiles.WEIGHTS) + ", " + RESULT + ", " + TrainRun.PROVENANCE);
                return 0;
            }
            List<Edit> edits;
            try (org.tinymem.util.TerminalProgress bar = new org.tinymem.util.TerminalProgress("unlearn")) {
                edits = ((EpochLadder) unlearner.reporting(bar)).unlearnAtEpochs(gpt, baseline.sets(), counts);
            }
            int last = counts.get(counts.size() - 1);
            List<Unlearner> methods = counts.stream().map(this::unlearner).toList(); // each count's own record
            Unlearning.measureEach(data, baseline, methods, edits, (i, result) -> {
                System.out.printf("%n%d epochs (snapshot of one run to %d):%n", counts.get(i), last);
                write(result, methods.get(i), baseline, data, production,
                        out.resolve(UnlearnRuns.epochsDirectory(counts.get(i))),
                        "one run to " + last + " epochs, snapshot at " + counts.get(i), null);
            });
        }
        System.out.println("wrote " + counts.stream().map(c -> out.resolve(UnlearnRuns.epochsDirectory(c)).toString())
                .collect(java.util.stream.Collectors.joining(", ")) + " (each " + ModelFiles.WEIGHTS + ", " + RESULT + ", "
                + TrainRun.PROVENANCE + ")");
        return 0;
    }

    /** The method with this command's options, at {@code epochCount} epochs (null: the method's default). */
    private Unlearner unlearner(Integer epochCount) {
        return UnlearnMethods.create(method, new UnlearnMethods.Options(ratio, epochCount, lossWeight, learningRate, seed,
                batchSize, tokens == null ? null : org.tinymem.unlearn.UnlearnTokens.parse(tokens),
                forget == null ? null : org.tinymem.unlearn.ForgetLoss.parse(forget), lambda, igSteps));
    }

    /**
     * Writes one measured edit to {@code dir}: the edited model, its record (with {@code ladder} noted, and
     * the evaluation while unlearning when {@code evaluated} is not null) and provenance.
     */
    private void write(Unlearning.Result result, Unlearner unlearner, Unlearning.Baseline baseline, TinyMemData data,
                       boolean production, Path dir, String ladder, EarlyStopping.Evaluated evaluated) {
        Models.save(result.edit().model(), dir, Map.of("unlearn", unlearner.method()));
        com.google.gson.JsonObject record = UnlearnRuns.record(unlearner, baseline, result);
        if (evaluated == null) {
            EarlyStopping.annotateOff(record);
        } else {
            evaluated.annotate(record);
            printCurve(evaluated);
        }
        if (relearnSteps > 0) { // after saving: the saved model is the edit, not the relearned one
            org.tinymem.unlearn.Relearning.Result relearned = org.tinymem.unlearn.Relearning.run(result.edit().model(),
                    data, baseline.sets().unlearnProbes(data.probes()), baseline.measurer(),
                    TrainRun.Plan.of(TrainRun.specOf(model)).training(), relearning, result.before(), result.after());
            relearned.annotate(record);
            record.addProperty("relearn_data", relearning.data().cliName());
            record.addProperty("relearn_lr_scale", relearning.learningRateScale());
            System.out.printf("relearned %d steps on %s rows: %.2f %% memorized%s, %.1f %% recovered%n", relearned.steps(),
                    relearning.data().cliName(), relearned.percentMemorized(), relearned.heldOutProbes() == 0 ? ""
                            : " of the " + relearned.heldOutProbes() + " held-out probes", relearned.recoveredPercent());
        }
        if (ladder != null) record.addProperty("epoch_ladder", ladder);
        Json.write(dir.resolve(RESULT), record);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("method", unlearner.method());
        config.put("params", unlearner.params());
        config.put("model", model.toAbsolutePath().toString());
        if (production) {
            config.put("data", ProductionData.NAME);
            config.put("memorized", memorized.toAbsolutePath().toString());
            config.put("retain", retain.toAbsolutePath().toString());
            config.put("perplexity", perplexity.toAbsolutePath().toString());
            config.put("prompt", set.prompt);
            config.put("match", set.match);
        } else {
            config.put("run", Json.read(model.resolve(TrainRun.SPEC)));
        }
        config.put("retain_rows", retainRows);
        if (relearnSteps > 0) {
            config.put("relearn_steps", relearnSteps);
            config.put("relearn_data", relearning.data().cliName());
            config.put("relearn_lr_scale", relearning.learningRateScale());
        }
        if (evaluated != null) config.put("early_stopping", evaluated.settings());
        Json.write(dir.resolve(TrainRun.PROVENANCE), Provenance.of(config, seed, data.fingerprint()));
        print(result.row());
    }

    /** The evaluation settings (null: off, the paper's way); options without --eval-every, or for a method without it, are errors. */
    private EarlyStopping earlyStopping(Unlearner unlearner) {
        EarlyStopping settings = evaluation.settings();
        if (settings != null) EarlyStopping.requireSupported(unlearner); // before any work
        return settings;
    }

    static void printCurve(EarlyStopping.Evaluated evaluated) {
        System.out.printf("%nevaluated while unlearning (ours, not in the paper): %d of %d probes, %.1f s evaluating%n",
                evaluated.probesEvaluated(), evaluated.probes(), evaluated.evaluationSeconds());
        System.out.printf("%6s %12s %12s %10s%n", "epoch", "% memorized", evaluated.utilityMetric(), "score");
        for (EarlyStopping.Point point : evaluated.curve()) {
            System.out.printf("%6d %12.2f %12.2f %10.2f%n", point.epoch(), point.percentMemorized(), point.utility(), point.score());
        }
        System.out.println((evaluated.stoppedAt() == null ? "ran all " + evaluated.epochs() + " epochs"
                : "stopped early after epoch " + evaluated.stoppedAt() + " of " + evaluated.epochs())
                + "; kept the edit of epoch " + evaluated.keptEpoch() + " (--keep " + evaluated.settings().keep().label() + ")");
    }

    /** The output must be new or empty: an unlearning run never overwrites results. */
    static void requireFresh(Path dir) {
        if (!Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " exists and is not a directory");
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(dir + " is not empty; choose a new --out (results are never overwritten)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
    }

    static void print(Scorecard.Row row) {
        System.out.printf("%n%-26s %10s %10s %10s%n", "measure", "before", "after", "% diff");
        System.out.printf("%-26s %10.2f %10.2f %10.2f%n", "% memorized", row.memorizedBefore(), row.memorizedAfter(),
                row.memorizationDifference());
        System.out.printf("%-26s %10.2f %10.2f %10.2f%n", row.performanceMeasure(), row.performanceBefore(),
                row.performanceAfter(), row.performanceDifference());
        System.out.printf("%-26s %10d%n", row.unit() + " ablated", row.ablated());
        System.out.printf("%-26s %10.2f%n", "seconds", row.seconds());
    }
}
