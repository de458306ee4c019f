package org.tinymem.experiment;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Scorecard;
import org.tinymem.eval.Utility;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Models;
import org.tinymem.train.FineTune;
import org.tinymem.train.TrainConfig;
import org.tinymem.util.Json;
import org.tinymem.util.Progress;

/**
 * One fine-tuning run (§3.2) = one new directory: the fine-tuned model ({@code model.safetensors},
 * {@code config.json}), {@code finetune.json} (recipe, rows, seconds, measures before and after) and
 * {@code provenance.json}. The source run is only read; a target directory holding anything is refused.
 */
public final class FineTuneRun {
    public static final String RESULT = "finetune.json";
    /** The folder of a training run that holds its cached fine-tunes ({@link #cached}). */
    public static final String CACHE = "finetune";

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
        TinyMemData data = run.buildData();
        try (CausalLm model = Models.load(source, manager)) {
            FineTune.Result result = FineTune.run(model, data, recipe, run.training(), spec.kind().measures().evaluator(data),
                    progress);
            Files.createDirectories(out);
            Models.save(model, out, Map.of("finetune", recipe.cliName(), "source", source.toString()));
            Json.write(out.resolve(RESULT), toJson(result, source, spec.kind().utility()));
            Plan plan = new Plan(source.toString(), recipe, FineTune.recipe(run.training()), run);
            Json.write(out.resolve(TrainRun.PROVENANCE), Provenance.of(plan, spec.seed(), data.fingerprint()));
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + out + ": " + e.getMessage(), e);
        }
    }

    /** Where {@link #cached} keeps the fine-tune of a training run: {@code <run>/finetune/<recipe>/}. */
    public static Path cacheOf(Path source, FineTune.Recipe recipe) {
        return source.resolve(CACHE).resolve(recipe.cliName());
    }

    /**
     * The fine-tune of training run {@code source} with {@code recipe}, kept under
     * {@link #cacheOf}: read back if it is there, else run into a hidden folder next to it and renamed
     * into place in one step, so the folder holds a complete result or nothing (a crash leaves only a
     * hidden {@code .partial} folder, removed by the next call).
     */
    public static FineTune.Result cached(Path source, FineTune.Recipe recipe, NDManager manager, Progress progress) {
        Path target = cacheOf(source, recipe);
        if (Files.isRegularFile(target.resolve(RESULT))) return read(target);
        Path partial = target.resolveSibling("." + recipe.cliName() + ".partial");
        try {
            deleteTree(partial);
            FineTune.Result result = run(source, recipe, partial, manager, progress);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the fine-tune in " + target + ": " + e.getMessage(), e);
        }
    }

    /** A finished fine-tune read back from its {@value #RESULT}. */
    public static FineTune.Result read(Path dir) {
        JsonObject json = Json.read(dir.resolve(RESULT));
        return new FineTune.Result(FineTune.Recipe.parse(json.get("recipe").getAsString()), json.get("rows").getAsInt(),
                json.get("epochs").getAsInt(), json.get("seconds").getAsDouble(), Json.doubles(json.getAsJsonObject("before")),
                Json.doubles(json.getAsJsonObject("after")));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }

    /**
     * {@value #RESULT}: recipe, rows, epochs, seconds, every measure before and after, and the % differences
     * of % memorized and of the utility (the paper's M and A or P).
     */
    static JsonObject toJson(FineTune.Result result, Path source, Utility utility) {
        JsonObject json = new JsonObject();
        json.addProperty("source", source.toString());
        json.addProperty("recipe", result.recipe().cliName());
        json.addProperty("rows", result.rows());
        json.addProperty("epochs", result.epochs());
        json.addProperty("seconds", result.seconds());
        org.tinymem.eval.Energy.current().annotate(json, result.seconds());
        json.add("before", Json.of(new java.util.TreeMap<>(result.before())));
        json.add("after", Json.of(new java.util.TreeMap<>(result.after())));
        json.addProperty("performance_measure", utility.metric());
        json.addProperty("memorization_difference", Scorecard.percentDifference(
                result.before().get(Measures.PERCENT_MEMORIZED), result.after().get(Measures.PERCENT_MEMORIZED)));
        json.addProperty(utility.metric() + "_difference", Scorecard.percentDifference(
                result.before().get(utility.metric()), result.after().get(utility.metric())));
        return json;
    }
}
