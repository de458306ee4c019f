package org.tinymem.experiment;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Measures;
import org.tinymem.model.CausalLm;
import org.tinymem.model.ModelConfig;
import org.tinymem.model.Models;
import org.tinymem.model.ModelFiles;
import org.tinymem.train.HistoryRow;
import org.tinymem.train.Regularizer;
import org.tinymem.train.TrainConfig;
import org.tinymem.train.Trainer;
import org.tinymem.util.AtomicFiles;
import org.tinymem.util.Json;
import org.tinymem.util.Progress;

/**
 * One training run = one directory: {@code run.json} (the spec), {@code provenance.json},
 * {@code checkpoints/}, and at the end {@code model.safetensors}, {@code config.json},
 * {@code metrics.json} and {@code history.csv}. Running the same spec into the same directory
 * resumes it; a directory holding another run is refused untouched.
 */
public final class TrainRun {
    public static final String SPEC = "run.json";
    public static final String METRICS = "metrics.json";
    public static final String HISTORY = "history.csv";
    public static final String PROVENANCE = "provenance.json";

    private TrainRun() {}

    /** The finished run. */
    public record Outcome(Trainer.Result result, Map<String, Double> metrics, long parameters) {}

    /**
     * Everything that follows from a spec, as its {@link ModelKind} says: the data configuration
     * ({@code MathDataConfig} or {@code LanguageDataConfig}), the training recipe and the network.
     */
    public record Plan(RunSpec spec, Record data, TrainConfig training, ModelConfig model) {
        public static Plan of(RunSpec spec) {
            ModelKind kind = spec.kind();
            return new Plan(spec, kind.dataConfig(spec), kind.training(spec), kind.model(spec.layers()));
        }

        /** Builds the data (deterministic: the same plan always gives the same data); a reference drops its artifact rows. */
        public TinyMemData buildData() {
            TinyMemData data = spec.kind().buildData(spec);
            return spec.withoutArtifacts() ? data.withoutArtifacts() : data;
        }

        /**
         * The retrained reference's recipe (issue #16): the run's, with as many whole epochs over the rows
         * without artifacts as give the number of steps of the run with them (the nearest; at least one), so
         * both models see about as many updates under the same schedule length.
         */
        Plan sameStepsWithout(int rowsWithArtifacts, int rowsWithout) {
            long steps = Trainer.stepsPerEpoch(rowsWithArtifacts, training.batchSize()) * training.epochs();
            int epochs = (int) Math.max(1, Math.round((double) steps / Trainer.stepsPerEpoch(rowsWithout, training.batchSize())));
            return new Plan(spec, data, training.withEpochs(epochs), model);
        }
    }

    /** Refuses a directory that holds another run or unrelated files; returns true if it holds this run already. */
    public static boolean claim(Path dir, RunSpec spec) {
        Path specFile = dir.resolve(SPEC);
        if (Files.isRegularFile(specFile)) {
            RunSpec existing = RunSpec.fromJson(Json.read(specFile));
            if (!existing.equals(spec)) {
                throw new IllegalArgumentException(dir + " holds another run (" + existing.toJson() + "); use another --out"
                        + " or the same options to resume it");
            }
            return true;
        }
        requireNewOrEmpty(dir, "holds no TinyMem run");
        return false;
    }

    /** Refuses (never overwrites) a directory with anything in it; {@code holding} completes the message. */
    public static void requireNewOrEmpty(Path dir, String holding) {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty and " + holding + "; choose a new or empty --out");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not list " + dir, e);
            }
        } else if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not a directory");
        }
    }

    public static Outcome run(RunSpec spec, Path dir, NDManager manager, Progress progress) {
        boolean existing = claim(dir, spec);
        // A finished run is read back from its last checkpoint and nothing in its directory is written again:
        // its provenance names the code, threads and time that produced it, not those of whoever reuses it.
        boolean finished = existing && Files.isRegularFile(dir.resolve(METRICS)) && Files.isRegularFile(dir.resolve(ModelFiles.WEIGHTS));
        Plan plan = Plan.of(spec);
        TinyMemData data = plan.buildData(); // before run.json: a missing corpus leaves the directory unclaimed
        if (spec.withoutArtifacts()) plan = plan.sameStepsWithout(spec.kind().buildData(spec).train().size(), data.train().size());
        if (!finished) {
            Json.write(dir.resolve(SPEC), spec.toJson());
            writeProvenance(dir.resolve(PROVENANCE), Provenance.of(plan, spec.seed(), data.fingerprint()));
            spec.kind().writeTokenSets(data, dir);
        }
        try (CausalLm model = plan.model().initialize(spec.seed(), manager)) {
            Regularizer regularizer = spec.regularizer() == null ? Regularizer.NONE : spec.regularizer().create(model, spec.seed());
            Trainer.Result result = new Trainer(plan.training(), spec.kind().measures().evaluator(data), dir, progress)
                    .withRegularizer(regularizer).train(model, data.train());
            Map<String, Double> metrics = result.last().metrics();
            if (finished) return new Outcome(result, metrics, regularizer.withDeployed(model, Models::parameterCount));
            // The saved model is the one that was measured (example-tied dropout: memorization units dropped).
            long parameters = regularizer.withDeployed(model, deployed -> {
                Models.save(deployed, dir, Map.of("run", spec.toJson().toString()));
                return Models.parameterCount(deployed);
            });
            JsonObject json = Json.of(metrics);
            json.add("percent_memorized_by_group", byGroup(metrics));
            json.addProperty("train_seconds", result.trainSeconds());
            org.tinymem.eval.Energy.current().annotate(json, result.trainSeconds());
            json.addProperty("epochs", result.epochs());
            json.addProperty("steps", result.steps());
            json.addProperty("probes", data.probes().size());
            json.addProperty("parameters", parameters);
            json.addProperty("train_rows", data.train().size());
            json.addProperty("data_fingerprint", data.fingerprint());
            Json.write(dir.resolve(METRICS), json);
            writeHistory(dir.resolve(HISTORY), result.history());
            return new Outcome(result, metrics, parameters);
        }
    }

    /**
     * Writes a run's provenance when it starts. A run resumed from a checkpoint keeps the provenance it started
     * with and gains a {@code resumed} entry per resumption (the same fields: code version, threads, time), since
     * the code or the thread count may have changed in between.
     */
    static void writeProvenance(Path file, JsonObject current) {
        if (!Files.isRegularFile(file)) {
            Json.write(file, current);
            return;
        }
        JsonObject original = Json.read(file);
        com.google.gson.JsonArray resumed = original.has("resumed") ? original.getAsJsonArray("resumed") : new com.google.gson.JsonArray();
        current.remove("config"); // the spec is the same (claim checked it); keep the entry short
        resumed.add(current);
        original.add("resumed", resumed);
        Json.write(file, original);
    }

    /** {@code history.csv}: epoch, step, train_loss, train_seconds and every metric (sorted by name). */
    public static void writeHistory(Path file, List<HistoryRow> history) {
        TreeSet<String> names = new TreeSet<>();
        history.forEach(row -> names.addAll(row.metrics().keySet()));
        List<String> lines = new ArrayList<>();
        lines.add("epoch,step,train_loss,train_seconds," + String.join(",", names));
        for (HistoryRow row : history) {
            StringBuilder line = new StringBuilder().append(row.epoch()).append(',').append(row.step()).append(',')
                    .append(row.trainLoss()).append(',').append(String.format(java.util.Locale.ROOT, "%.3f", row.trainSeconds()));
            for (String name : names) {
                Double value = row.metrics().get(name);
                line.append(',').append(value == null ? "" : value.toString());
            }
            lines.add(line.toString());
        }
        AtomicFiles.writeString(file, String.join("\n", lines) + "\n");
    }

    /** Rebuilds a finished run's data from its {@code run.json} (data generation is deterministic). */
    public static TinyMemData dataOf(Path dir) {
        return Plan.of(specOf(dir)).buildData();
    }

    /** A run directory's {@code run.json}. */
    public static RunSpec specOf(Path dir) {
        Path specFile = dir.resolve(SPEC);
        if (!Files.isRegularFile(specFile)) {
            throw new IllegalArgumentException("no " + SPEC + " in " + dir + ": not a TinyMem training run");
        }
        return RunSpec.fromJson(Json.read(specFile));
    }

    /** {@code {"x1": 10.0, "x10": …}} from the metrics {@code percent_memorized_<group>}. */
    static JsonObject byGroup(Map<String, Double> metrics) {
        String prefix = Measures.PERCENT_MEMORIZED + "_";
        JsonObject groups = new JsonObject();
        metrics.forEach((name, value) -> {
            if (name.startsWith(prefix)) groups.addProperty(name.substring(prefix.length()), value);
        });
        return groups;
    }
}
