package org.tinymem.notebook;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tinymem.experiment.RunDirectory;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.ModelFiles;
import org.tinymem.sweep.Plans;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.train.TrainConfig;
import org.tinymem.unlearn.Relearning;
import org.tinymem.unlearn.UnlearnRuns;
import org.tinymem.util.Progress;

/**
 * The relearning test of a notebook's selected edits (not in the paper; issue #16, docs/unlearning.md "Relearning"),
 * as notebooks 04 and 05 run it: every selected edit relearned with the same {@link Relearning.Params}, and the floor
 * of targeted relearning, the retrained reference of each model ({@code train --without-artifacts}) relearned the same
 * way. Each result is kept beside its run by {@link UnlearnRuns} and read back while nothing it depends on changed.
 */
public final class RelearningRuns {

    private RelearningRuns() {}

    /**
     * Relearns every run of {@code selected} with {@code params} and its model's optimizer settings, in order, with one
     * progress bar labelled {@code label}.
     *
     * @param models each model's runs, by model name ({@link UnlearnRuns.Run#model()})
     * @param training each model's training settings, by model name (the relearning optimizer's)
     * @throws IllegalArgumentException when a run's model is missing from {@code models} or {@code training}
     */
    public static List<UnlearnRuns.Relearned> relearnAll(String label, List<UnlearnRuns.Run> selected,
                                                         Map<String, UnlearnRuns> models, Map<String, TrainConfig> training,
                                                         Relearning.Params params, Progress progress) {
        List<UnlearnRuns.Relearned> relearned = new ArrayList<>();
        for (UnlearnRuns.Run run : selected) {
            progress.update(relearned.size(), selected.size(), run.model() + " / " + run.method().method() + " (" + run.setting() + ")");
            relearned.add(modelOf(models, run.model()).relearn(run, trainingOf(training, run.model()), params));
        }
        progress.update(relearned.size(), selected.size(), label + ": done");
        return relearned;
    }

    /** {@link #relearnAll(String, List, Map, Map, Relearning.Params, Progress)} with a notebook progress bar. */
    public static List<UnlearnRuns.Relearned> relearnAll(String label, List<UnlearnRuns.Run> selected,
                                                         Map<String, UnlearnRuns> models, Map<String, TrainConfig> training,
                                                         Relearning.Params params) {
        try (Progress progress = Notebook.progress(label)) {
            return relearnAll(label, selected, models, training, params, progress);
        }
    }

    /**
     * One model's floor: its retrained reference relearned as its edits were, or why there is none.
     *
     * @param model the model's name
     * @param result the reference's relearning (held-out % before and after), or null when {@code missing} says why not
     * @param missing empty when measured; else the reason, with the command that trains the reference where there is one
     */
    public record Floor(String model, Relearning.Result result, String missing) {
        public boolean measured() {
            return result != null;
        }
    }

    /**
     * The floor of each model of {@code models}: its retrained reference ({@link RunSpec#reference()} of its spec in
     * {@code specs}) loaded and relearned with {@code params} on the same forget half ({@link UnlearnRuns#relearnReference}).
     * A model without a spec (a notebook's tiny smoke model) or whose reference has not been trained gets a
     * {@link Floor} that says so, naming the command that trains it; nothing is trained here.
     */
    public static List<Floor> floors(Map<String, UnlearnRuns> models, Map<String, RunSpec> specs,
                                     Map<String, TrainConfig> training, Relearning.Params params, NDManager manager) {
        List<Floor> floors = new ArrayList<>();
        for (Map.Entry<String, UnlearnRuns> entry : models.entrySet()) {
            String model = entry.getKey();
            RunSpec spec = specs.get(model);
            if (spec == null) {
                floors.add(new Floor(model, null, "no retrained reference: not a TinyMem training run"));
                continue;
            }
            Path referenceDir = RunDirectory.of(spec.reference());
            if (!Files.isRegularFile(referenceDir.resolve(TrainRun.METRICS))) {
                floors.add(new Floor(model, null, "no retrained reference yet; train it with: " + referenceCommand(spec)));
                continue;
            }
            try (CausalLm reference = ModelFiles.load(referenceDir, manager)) {
                floors.add(new Floor(model, entry.getValue().relearnReference(reference, trainingOf(training, model), params), ""));
            }
        }
        return floors;
    }

    /** The command that trains the retrained reference of {@code spec}: its own options and {@code --without-artifacts}. */
    public static String referenceCommand(RunSpec spec) {
        StringBuilder command = new StringBuilder("./tinymem train --data ").append(spec.data())
                .append(" --artifact ").append(spec.artifact().cliName())
                .append(" --layers ").append(spec.layers())
                .append(" --profile ").append(spec.profile().cliName())
                .append(" --seed ").append(spec.seed());
        if (spec.corpus() != null && !spec.corpus().equals("brown")) command.append(" --corpus ").append(spec.corpus());
        if (spec.corpusDir() != null) command.append(" --corpus-dir ").append(spec.corpusDir());
        RegularizerSpec regularizer = spec.regularizer();
        if (regularizer != null) {
            command.append(" --regularizer ").append(regularizer.kind().cliName())
                    .append(' ').append(regularizer.kind().option()).append(' ').append(Plans.number(regularizer.value()));
            if (regularizer.kind() == RegularizerSpec.Kind.GOLDFISH) command.append(" --h ").append(regularizer.context());
        }
        return command.append(" --without-artifacts").toString();
    }

    private static UnlearnRuns modelOf(Map<String, UnlearnRuns> models, String model) {
        UnlearnRuns runs = models.get(model);
        if (runs == null) throw new IllegalArgumentException("no unlearning runs for model '" + model + "': known " + models.keySet());
        return runs;
    }

    private static TrainConfig trainingOf(Map<String, TrainConfig> training, String model) {
        TrainConfig config = training.get(model);
        if (config == null) throw new IllegalArgumentException("no training settings for model '" + model + "': known " + training.keySet());
        return config;
    }
}
