package org.tinymem.experiment;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tinymem.data.MathData;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.MathMeasures;
import org.tinymem.model.Gpt;
import org.tinymem.model.ModelFiles;
import org.tinymem.train.FineTune;
import org.tinymem.train.TrainConfig;
import org.tinymem.util.Progress;

/**
 * One fine-tuning run (§3.2) = one new directory: the fine-tuned model ({@code model.safetensors},
 * {@code config.json}), {@code finetune.json} (recipe, rows, seconds, measures before and after) and
 * {@code provenance.json}. The source run is only read; a target directory holding anything is refused.
 */
public final class FineTuneRun {
    public static final String RESULT = "finetune.json";

    private FineTuneRun() {}

    /** What the provenance records: the source run, the recipe and the optimizer it ran with. */
    public record Plan(String source, FineTune.Recipe recipe, TrainConfig training, TrainRun.Plan run) {}

    /** Fine-tunes the model of training run {@code source} with {@code recipe} into {@code out}. */
    public static FineTune.Result run(Path source, FineTune.Recipe recipe, Path out, NDManager manager, Progress progress) {
        RunSpec spec = TrainRun.specOf(source);
        if (out.toAbsolutePath().normalize().equals(source.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must differ from --model: the source run is never changed");
        }
        TrainRun.requireNewOrEmpty(out, "holds other results");
        TrainRun.Plan run = TrainRun.Plan.of(spec);
        TinyMemData data = MathData.build(run.data());
        try (Gpt model = ModelFiles.load(source, manager)) {
            FineTune.Result result = FineTune.run(model, data, recipe, run.training(), MathMeasures.evaluator(data), progress);
            Files.createDirectories(out);
            ModelFiles.save(model, out, Map.of("finetune", recipe.cliName(), "source", source.toString()));
            Json.write(out.resolve(RESULT), toJson(result, source));
            Plan plan = new Plan(source.toString(), recipe, FineTune.recipe(run.training()), run);
            Json.write(out.resolve(TrainRun.PROVENANCE), Provenance.of(plan, spec.seed(), data.fingerprint()));
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + out + ": " + e.getMessage(), e);
        }
    }

    static JsonObject toJson(FineTune.Result result, Path source) {
        JsonObject json = new JsonObject();
        json.addProperty("source", source.toString());
        json.addProperty("recipe", result.recipe().cliName());
        json.addProperty("rows", result.rows());
        json.addProperty("epochs", result.epochs());
        json.addProperty("seconds", result.seconds());
        json.add("before", Json.of(new java.util.TreeMap<>(result.before())));
        json.add("after", Json.of(new java.util.TreeMap<>(result.after())));
        return json;
    }
}
