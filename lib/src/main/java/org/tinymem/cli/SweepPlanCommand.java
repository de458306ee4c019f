package org.tinymem.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tinymem.experiment.EarlyStopping;
import org.tinymem.experiment.Sweep;
import org.tinymem.experiment.TrainRun;
import org.tinymem.sweep.Plans;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.train.FineTune;
import org.tinymem.train.RegularizerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tinymem sweep plan}: writes {@code DIR/plan.jsonl}. Models are trained in the plan
 * ({@code --data/--artifacts/--layers/--seeds}, stage 0, with {@code --regularizers} over their paper
 * grids) or given ({@code --model RUN}); on each, {@code --recipes} fine-tunings and
 * {@code --methods} unlearning runs over a grid (stage 1). Presets hold the paper's definitions:
 * {@code table1} (math-mult, 4 layers, noise and backdoor, seeds 0-2, all 17 methods over their
 * grids), {@code table2} (the same on the language model), {@code fig6} (trainings of both math
 * tasks and artifacts at 2/4/8/16 layers, seeds 0-2). Options given override the preset's.
 * {@code --eval-every} (ours, issue 17) evaluates the plan's subnet and balanced-subnet runs while they
 * unlearn, with early stopping; such runs do not share epoch ladders (each evaluates its own run).
 */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Write a sweep plan (one JSON line per run) into a new directory.")
final class SweepPlanCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "the plan's directory (plan.jsonl; results go beside it)")
    Path out;

    @Option(names = "--preset", description = "table1, table2 or fig6 (the paper's definitions; options given override them)")
    String preset;

    @Option(names = "--model", description = "an existing run directory to mitigate (repeatable)")
    List<Path> models = new ArrayList<>();

    @Mixin
    PlanOptions options = new PlanOptions();

    @Option(names = "--memorized", description = "production models (§7): with --model HF_DIR, the memorized sequences"
            + " (.npy); needs --retain and --perplexity")
    Path memorized;

    @Option(names = "--retain", description = "production models: the retain sequences (.npy)")
    Path retain;

    @Option(names = "--perplexity", description = "production models: the held-out sequences for perplexity (.npy)")
    Path perplexity;

    /** {@code --memorized F --retain F --perplexity F} (absolute) for production models; empty otherwise. */
    private List<String> productionArgs() {
        if (memorized == null && retain == null && perplexity == null) return List.of();
        if (memorized == null || retain == null || perplexity == null) {
            throw new IllegalArgumentException("a production model needs all of --memorized, --retain and --perplexity");
        }
        if (!options.data.isEmpty() || models.isEmpty() || !options.recipes.isEmpty() || !options.regularizers.isEmpty()) {
            throw new IllegalArgumentException("--memorized applies to unlearning runs on --model directories only"
                    + " (no --data, --recipes or --regularizers)");
        }
        for (Path file : List.of(memorized, retain, perplexity)) {
            if (!java.nio.file.Files.isRegularFile(file)) throw new IllegalArgumentException("no token file " + file);
        }
        return List.of("--memorized", memorized.toAbsolutePath().normalize().toString(),
                "--retain", retain.toAbsolutePath().normalize().toString(),
                "--perplexity", perplexity.toAbsolutePath().normalize().toString());
    }

    /** A model the plan mitigates (a run folder or a training's {@code @{KEY}}) and the seed of its runs. */
    private record Target(String model, long seed) {}

    /** A {@code sweep plan} of {@code preset} into {@code out}, with {@code options} overriding the preset's (as for {@code table1}). */
    static SweepPlanCommand of(Path out, String preset, PlanOptions options) {
        SweepPlanCommand command = new SweepPlanCommand();
        command.out = out;
        command.preset = preset;
        command.options = options;
        return command;
    }

    @Override
    public Integer call() {
        SweepPlan plan = plan();
        plan.write();
        System.out.println("wrote " + describe(plan));
        System.out.println("next: ./tinymem sweep submit " + out + " [--engine local --workers N | --engine slurm ...]");
        return 0;
    }

    /** {@code DIR/plan.jsonl: N runs (T trainings, F fine-tunings, U unlearning runs)}. */
    static String describe(SweepPlan plan) {
        return String.format("%s: %d runs (%d trainings, %d fine-tunings, %d unlearning runs)", plan.dir().resolve(SweepPlan.FILE),
                plan.entries().size(), count(plan, "train"), count(plan, "finetune"), count(plan, "unlearn"));
    }

    private static long count(SweepPlan plan, String command) {
        return plan.entries().stream().filter(e -> e.command().equals(command)).count();
    }

    /** The plan the options define (checked, numbered, not written). */
    SweepPlan plan() {
        options.applyPreset(preset, !models.isEmpty());
        options.expandAllAndNone();
        List<String> data = options.data;
        List<String> methods = options.methods;
        if (data.isEmpty() && models.isEmpty()) {
            throw new IllegalArgumentException("a plan needs models: --data ... (trained in the plan), --model RUN, or --preset");
        }
        if (options.axes.any() && methods.size() != 1) {
            throw new IllegalArgumentException("--ratios, --epochs, --loss-weights, --lr, --batch-size, --tokens, --forget, --lambda"
                    + " and --ig-steps need exactly one --methods value (use --paper-grid for several)");
        }
        List<String> dataArgs = productionArgs();
        EarlyStopping evaluation = options.evaluation.settings();
        List<String> evaluable = EarlyStopping.supportedMethods(); // builds every method once; asked for each draft below
        if (evaluation != null && methods.stream().noneMatch(evaluable::contains)) {
            throw new IllegalArgumentException("--eval-every evaluates " + String.join(" and ", evaluable)
                    + " runs while they unlearn; the plan has none (--methods " + String.join(",", methods) + ")");
        }
        if (dataArgs.isEmpty()) {
            for (Path model : models) TrainRun.specOf(model); // a missing or foreign run directory fails now
        }
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        List<Long> seeds = orElse(options.seeds, List.of(0L));
        if (!data.isEmpty()) {
            Plans.Models trained = new Plans.Models(data, orElse(options.artifacts, List.of("noise")), orElse(options.layers, List.of(4)),
                    seeds, options.profileOrDefault());
            for (List<String> args : trained.trainArgs()) {
                SweepPlan.Draft training = Plans.training(args);
                drafts.add(training);
                targets.add(new Target("@{" + training.key() + "}", Long.parseLong(args.get(args.indexOf("--seed") + 1))));
                for (String r : options.regularizers) drafts.addAll(Plans.regularized(args, RegularizerSpec.Kind.parse(r), List.of()));
            }
        }
        for (Path model : models) {
            for (long seed : seeds) targets.add(new Target(model.toAbsolutePath().normalize().toString(), seed));
        }
        List<String> seenModels = new ArrayList<>();
        for (Target target : targets) {
            if (!seenModels.contains(target.model())) {
                seenModels.add(target.model());
                for (String recipe : options.recipes) drafts.add(Plans.fineTune(target.model(), FineTune.Recipe.parse(recipe).cliName()));
            }
            for (String method : methods) {
                Sweep.Grid grid = options.axes.grid(method, target.seed(), Boolean.TRUE.equals(options.paperGrid));
                List<String> extra = new ArrayList<>(dataArgs);
                if (evaluable.contains(method)) extra.addAll(EarlyStoppingOptions.args(evaluation));
                drafts.addAll(Plans.unlearning(target.model(), method, grid, options.retainRows, extra));
            }
        }
        return SweepPlan.of(out, drafts);
    }

    private static <T> List<T> orElse(List<T> given, List<T> fallback) {
        return given.isEmpty() ? fallback : given;
    }
}
