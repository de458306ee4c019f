package org.tinymem.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tinymem.train.FineTune;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.unlearn.UnlearnMethods;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a plan trains and runs on its models, shared by {@code sweep plan} and {@code table1} (a
 * picocli mixin): the models ({@code --data/--artifacts/--layers/--seeds/--profile}), the
 * regularizers over their paper grids (§3.1), the fine-tuning recipes (§3.2) and the unlearning
 * methods over a grid (§3.3, App. A.3.5). A preset fills what is not given; {@code all} means every
 * one there is, {@code none} none (to leave out what a preset would add).
 */
final class PlanOptions {
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

    @Option(names = "--regularizers", split = ",", description = "spectral-norm, loss-truncation, example-tied-dropout, goldfish, all or none;"
            + " each over its paper grid")
    List<String> regularizers = new ArrayList<>();

    @Option(names = "--recipes", split = ",", description = "fine-tuning recipes: clean, extra, both, all or none")
    List<String> recipes = new ArrayList<>();

    @Option(names = "--methods", split = ",", description = "unlearning methods (see 'tinymem unlearn --help'), all or none")
    List<String> methods = new ArrayList<>();

    @Option(names = "--paper-grid", description = "each method over its own App. A.3.5 grid (axes given below win)")
    Boolean paperGrid;

    @Mixin
    GridOptions axes = new GridOptions();

    /**
     * Evaluation while unlearning (ours, issue 17): given, every subnet and balanced-subnet run of the plan
     * is evaluated and may stop early; the other methods run as without it.
     */
    @Mixin
    EarlyStoppingOptions evaluation = new EarlyStoppingOptions();

    @Option(names = "--retain-rows", defaultValue = "0", description = "clean rows in each unlearning run's retain set"
            + " (0 = every clean training row, as the reference code; default: ${DEFAULT-VALUE})")
    int retainRows;

    /** The profile of the trained models: {@code --profile}, else quick. */
    String profileOrDefault() {
        return profile == null ? "quick" : profile;
    }

    /**
     * The preset's values for every option not given: {@code table1} (math-mult, 4 layers, noise and
     * backdoor, seeds 0-2, every regularizer, recipe and method over its paper grid), {@code table2}
     * (the same on the language model), {@code fig6} (both math tasks and artifacts at 2/4/8/16
     * layers, seeds 0-2; trainings only). {@code hasModels}: the plan mitigates given models, so
     * Table 1/2's data is not trained.
     */
    void applyPreset(String preset, boolean hasModels) {
        if (preset == null) return;
        switch (preset) {
            case "table1", "table2" -> {
                if (data.isEmpty() && !hasModels) data = List.of(preset.equals("table1") ? "math-mult" : "lang");
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

    /** {@code all} in --methods, --recipes or --regularizers: every one there is; {@code none}: none. */
    void expandAllAndNone() {
        methods = expand(methods, UnlearnMethods.names());
        recipes = expand(recipes, Stream.of(FineTune.Recipe.values()).map(FineTune.Recipe::cliName).toList());
        regularizers = expand(regularizers, Stream.of(RegularizerSpec.Kind.values()).map(RegularizerSpec.Kind::cliName).toList());
    }

    private static List<String> expand(List<String> given, List<String> all) {
        if (given.equals(List.of("all"))) return all;
        if (given.equals(List.of("none"))) return List.of();
        return given;
    }
}
