package org.tinymem.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tinymem.experiment.Sweep;
import org.tinymem.experiment.TrainRun;
import org.tinymem.sweep.Plans;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.train.FineTune;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.unlearn.UnlearnMethods;
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
 */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Write a sweep plan (one JSON line per run) into a new directory.")
final class SweepPlanCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "the plan's directory (plan.jsonl; results go beside it)")
    Path out;

    @Option(names = "--preset", description = "table1, table2 or fig6 (the paper's definitions; options given override them)")
    String preset;

    @Option(names = "--model", description = "an existing run directory to mitigate (repeatable)")
    List<Path> models = new ArrayList<>();

    @Option(names = "--data", split = ",", description = "models to train: math-add, math-mult, lang, tiny-memorizer")
    List<String> data = new ArrayList<>();

    @Option(names = "--artifacts", split = ",", description = "noise, backdoor (default: noise)")
    List<String> artifacts = new ArrayList<>();

    @Option(names = "--layers", split = ",", description = "depths (default: 4)")
    List<Integer> layers = new ArrayList<>();

    @Option(names = "--seeds", split = ",", description = "seeds of the trained models, or of the unlearning runs on --model (default: 0)")
    List<Long> seeds = new ArrayList<>();

    @Option(names = "--profile", description = "smoke, quick or paper (default: quick)")
    String profile;

    @Option(names = "--regularizers", split = ",", description = "spectral-norm, loss-truncation, example-tied-dropout or all;"
            + " each over its paper grid")
    List<String> regularizers = new ArrayList<>();

    @Option(names = "--recipes", split = ",", description = "fine-tuning recipes: clean, extra, both or all")
    List<String> recipes = new ArrayList<>();

    @Option(names = "--methods", split = ",", description = "unlearning methods (see 'tinymem unlearn --help') or all")
    List<String> methods = new ArrayList<>();

    @Option(names = "--paper-grid", description = "each method over its own App. A.3.5 grid (axes given below win)")
    Boolean paperGrid;

    @Mixin
    GridOptions axes = new GridOptions();

    @Option(names = "--retain-rows", defaultValue = "0", description = "clean rows in each unlearning run's retain set"
            + " (0 = every clean training row, as the reference code; default: ${DEFAULT-VALUE})")
    int retainRows;

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
        if (!data.isEmpty() || models.isEmpty() || !recipes.isEmpty() || !regularizers.isEmpty()) {
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

    @Override
    public Integer call() {
        applyPreset();
        expandAll();
        if (data.isEmpty() && models.isEmpty()) {
            throw new IllegalArgumentException("a plan needs models: --data ... (trained in the plan), --model RUN, or --preset");
        }
        if (axes.any() && methods.size() != 1) {
            throw new IllegalArgumentException("--ratios, --epochs, --loss-weights, --lr, --batch-size, --tokens, --forget, --lambda"
                    + " and --ig-steps need exactly one --methods value (use --paper-grid for several)");
        }
        List<String> dataArgs = productionArgs();
        if (dataArgs.isEmpty()) {
            for (Path model : models) TrainRun.specOf(model); // a missing or foreign run directory fails now
        }
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        if (!data.isEmpty()) {
            Plans.Models trained = new Plans.Models(data, orElse(artifacts, List.of("noise")), orElse(layers, List.of(4)),
                    orElse(seeds, List.of(0L)), profile == null ? "quick" : profile);
            for (List<String> args : trained.trainArgs()) {
                SweepPlan.Draft training = Plans.training(args);
                drafts.add(training);
                targets.add(new Target("@{" + training.key() + "}", Long.parseLong(args.get(args.indexOf("--seed") + 1))));
                for (String r : regularizers) drafts.addAll(Plans.regularized(args, RegularizerSpec.Kind.parse(r), List.of()));
            }
        }
        for (Path model : models) {
            for (long seed : orElse(seeds, List.of(0L))) targets.add(new Target(model.toAbsolutePath().normalize().toString(), seed));
        }
        List<String> seenModels = new ArrayList<>();
        for (Target target : targets) {
            if (!seenModels.contains(target.model())) {
                seenModels.add(target.model());
                for (String recipe : recipes) drafts.add(Plans.fineTune(target.model(), FineTune.Recipe.parse(recipe).cliName()));
            }
            for (String method : methods) {
                Sweep.Grid grid = axes.grid(method, target.seed(), Boolean.TRUE.equals(paperGrid));
                drafts.addAll(Plans.unlearning(target.model(), method, grid, retainRows, dataArgs));
            }
        }
        SweepPlan plan = SweepPlan.of(out, drafts);
        plan.write();
        long trainings = plan.entries().stream().filter(e -> e.command().equals("train")).count();
        System.out.printf("wrote %s: %d runs (%d trainings, %d fine-tunings, %d unlearning runs)%n", out.resolve(SweepPlan.FILE),
                plan.entries().size(), trainings, plan.entries().stream().filter(e -> e.command().equals("finetune")).count(),
                plan.entries().stream().filter(e -> e.command().equals("unlearn")).count());
        System.out.println("next: ./tinymem sweep submit " + out + " [--engine local --workers N | --engine slurm ...]");
        return 0;
    }

    /** The preset's values for every option not given. */
    private void applyPreset() {
        if (preset == null) return;
        switch (preset) {
            case "table1", "table2" -> {
                if (data.isEmpty() && models.isEmpty()) data = List.of(preset.equals("table1") ? "math-mult" : "lang");
                if (artifacts.isEmpty()) artifacts = List.of("noise", "backdoor");
                if (seeds.isEmpty()) seeds = List.of(0L, 1L, 2L);
                if (methods.isEmpty()) methods = List.of("all");
                if (recipes.isEmpty()) recipes = List.of("all");
                if (regularizers.isEmpty()) regularizers = List.of("all");
                if (paperGrid == null) paperGrid = true;
            }
            case "fig6" -> {
                if (data.isEmpty()) data = List.of("math-add", "math-mult");
                if (artifacts.isEmpty()) artifacts = List.of("noise", "backdoor");
                if (layers.isEmpty()) layers = List.of(2, 4, 8, 16);
                if (seeds.isEmpty()) seeds = List.of(0L, 1L, 2L);
            }
            default -> throw new IllegalArgumentException("unknown preset '" + preset + "': use table1, table2 or fig6");
        }
    }

    /** {@code all} in --methods, --recipes or --regularizers: every one there is. */
    private void expandAll() {
        if (methods.equals(List.of("all"))) methods = UnlearnMethods.names();
        if (recipes.equals(List.of("all"))) recipes = Stream.of(FineTune.Recipe.values()).map(FineTune.Recipe::cliName).toList();
        if (regularizers.equals(List.of("all"))) regularizers = Stream.of(RegularizerSpec.Kind.values()).map(RegularizerSpec.Kind::cliName).toList();
    }

    private static <T> List<T> orElse(List<T> given, List<T> fallback) {
        return given.isEmpty() ? fallback : given;
    }
}
