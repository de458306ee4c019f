package org.tinymem.unlearn;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Scorecard;
import org.tinymem.eval.Utility;
import org.tinymem.model.CausalLm;
import org.tinymem.util.Json;
import org.tinymem.util.Sha256;

/**
 * The measured unlearning runs (§3.3) of one model, each kept on disk so that re-running a notebook
 * or a study costs nothing and loses nothing: {@code <dir>/<method>-<setting>-r<ratio>/unlearn.json}
 * holds the same record as {@code tinymem unlearn} writes (before/after measures, M and A, what was
 * ablated, the method's seconds). A saved record is reused only if it was made with the same
 * hyper-parameters and retain-set size, on the same data and the same weights (SHA-256 fingerprints
 * of both); otherwise the method runs again and the record is replaced, atomically. Beside each record
 * the edit itself is kept: {@code edit.safetensors} holds the tensors the method changed (for MLP edits a
 * few MB, for the fine-tuning baselines the whole model), with the edited model's fingerprint in the record.
 *
 * <p>The relearning test (issue #16, not in the paper; {@link Relearning}) of a run is kept the same way,
 * beside it: {@code <dir>/<method>-<setting>-r<ratio>/relearn.json}, reused when the run, the relearning
 * steps and the optimizer settings are the same. {@link #relearn} fine-tunes the kept edit; a run without
 * one (recorded before edits were kept, or whose file no longer matches its fingerprint) has its method
 * applied again (same seed, same sets). The record holds the % memorized of the edit it relearned, so
 * recovered % is always computed against the model that was fine-tuned.
 */
public final class UnlearnRuns {
    public static final String RESULT = "unlearn.json";
    /** The relearning record of a run, beside its {@link #RESULT}. */
    public static final String RELEARN_RESULT = "relearn.json";
    /** The changed tensors of a run's edited model, beside its {@link #RESULT}. */
    public static final String EDIT_FILE = "edit.safetensors";

    /**
     * One setting of one method on the model.
     *
     * @param model the model's name (for tables)
     * @param setting a short label of the setting, e.g. {@code paper} or {@code quick}
     * @param method the method with its hyper-parameters
     * @param row the before/after measures
     * @param after every measure after the edit (per duplication group, per task)
     * @param reused whether the record was read from disk rather than measured now
     * @param retainRows the retain rows requested ({@link #run}'s argument; ≤ 0: as many as memorized rows)
     */
    public record Run(String model, String setting, Unlearner method, Scorecard.Row row, Map<String, Double> after,
                      boolean reused, int retainRows) {
        public double ratio() {
            return method.params().ratio();
        }
    }

    private final Path dir;
    private final String modelName;
    private final CausalLm model;
    private final TinyMemData data;
    private final Measures measurer;
    private final String dataFingerprint;
    private final String modelFingerprint;
    private final Map<Integer, Unlearning.Baseline> baselines = new HashMap<>();

    /**
     * @param dir where the records go (e.g. {@code <run>/unlearn})
     * @param modelName the model's name in tables
     * @param model the trained model (never modified)
     * @param data its data (probes, test rows, clean training rows)
     * @param measurer the model kind's measures (accuracy for math, perplexity for language)
     */
    public UnlearnRuns(Path dir, String modelName, CausalLm model, TinyMemData data, Measures measurer) {
        this.dir = dir;
        this.modelName = modelName;
        this.model = model;
        this.data = data;
        this.measurer = measurer;
        this.dataFingerprint = data.fingerprint();
        this.modelFingerprint = fingerprint(model);
    }

    /** The trained model (never modified). */
    public CausalLm model() {
        return model;
    }

    /** Its data. */
    public TinyMemData data() {
        return data;
    }

    /** Its name in tables. */
    public String name() {
        return modelName;
    }

    /**
     * {@code method} on a copy of the model with {@code retainRows} clean retain rows (≤ 0: every clean
     * memorized rows, see {@link UnlearnSets#of}), or its saved record if one matches.
     */
    public Run run(String setting, Unlearner method, int retainRows) {
        JsonObject saved = matching(resultFile(method, setting), method, retainRows);
        if (saved != null) return readBack(saved, setting, method, retainRows);
        Unlearning.Baseline baseline = baseline(retainRows);
        try (Unlearning.Result result = Unlearning.apply(model, data, baseline, cachingAttributions(method))) {
            return save(setting, method, retainRows, baseline, result, null);
        }
    }

    /** A neuron method reuses its attributions across this model's ratios ({@code dir}'s records); any other is itself. */
    private Unlearner cachingAttributions(Unlearner method) {
        if (method instanceof org.tinymem.unlearn.neuron.NeuronUnlearner neurons) {
            return neurons.cachingAttributions(new org.tinymem.unlearn.neuron.AttributionCache(dir));
        }
        return method;
    }

    /** The baseline (measures before, sets) for {@code retainRows}, measured once per instance. */
    private Unlearning.Baseline baseline(int retainRows) {
        return baselines.computeIfAbsent(retainRows, rows -> Unlearning.Baseline.of(model, data, measurer, rows, 0));
    }

    private Run readBack(JsonObject saved, String setting, Unlearner method, int retainRows) {
        return new Run(modelName, setting, method, row(saved), Json.doubles(saved.getAsJsonObject("after")), true, retainRows);
    }

    /** Writes the record of a measured edit (with {@code ladder}, when not null, as its {@code epoch_ladder} note). */
    private Run save(String setting, Unlearner method, int retainRows, Unlearning.Baseline baseline, Unlearning.Result result,
                     String ladder) {
        JsonObject json = record(method, baseline, result);
        json.addProperty("setting", setting);
        json.addProperty("retain_rows_requested", retainRows);
        json.addProperty("data_fingerprint", dataFingerprint);
        json.addProperty("model_fingerprint", modelFingerprint);
        if (ladder != null) json.addProperty("epoch_ladder", ladder);
        Path directory = runDirectory(method, setting);
        json.addProperty("edit_tensors", EditFile.write(directory.resolve(EDIT_FILE), model, result.edit().model()));
        json.addProperty("edited_model_fingerprint", fingerprint(result.edit().model()));
        Json.write(directory.resolve(RESULT), json);
        return new Run(modelName, setting, method, result.row(), result.after(), false, retainRows);
    }

    /**
     * Runs of one method that differ only in their epoch count, from one training run ({@link EpochLadder}):
     * {@code methods.get(i)} is the method at {@code epochs.get(i)} epochs (its record and cache key) and
     * {@code settings.get(i)} its label. Saved records are read back; the others come from one run to the
     * largest missing epoch count. Each record's {@code seconds} is the run's time up to that epoch; it
     * also notes the shared run ({@code epoch_ladder}). Same numbers as separate {@link #run} calls.
     */
    public List<Run> runLadder(EpochLadder ladder, List<Integer> epochs, List<Unlearner> methods, List<String> settings,
                               int retainRows) {
        if (epochs.size() != methods.size() || epochs.size() != settings.size()) {
            throw new IllegalArgumentException("one method and one setting per epoch count: " + epochs.size() + " epochs, "
                    + methods.size() + " methods, " + settings.size() + " settings");
        }
        Run[] runs = new Run[epochs.size()];
        List<Integer> missing = new java.util.ArrayList<>();
        for (int i = 0; i < epochs.size(); i++) {
            Unlearner method = methods.get(i);
            JsonObject saved = matching(resultFile(method, settings.get(i)), method, retainRows);
            if (saved != null) {
                runs[i] = readBack(saved, settings.get(i), method, retainRows);
            } else {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) return List.of(runs);
        Unlearning.Baseline baseline = baseline(retainRows);
        List<Integer> counts = missing.stream().map(epochs::get).toList();
        List<Edit> edits = ladder.unlearnAtEpochs(model, baseline.sets(), counts);
        int last = counts.stream().mapToInt(Integer::intValue).max().getAsInt();
        Unlearning.measureEach(data, baseline, missing.stream().map(methods::get).toList(), edits, (j, result) -> {
            int i = missing.get(j);
            runs[i] = save(settings.get(i), methods.get(i), retainRows, baseline, result,
                    "one run to " + last + " epochs, snapshot at " + epochs.get(i));
        });
        return List.of(runs);
    }

    /**
     * Runs (or reads back) {@code methods.get(i)} under {@code settings.get(i)}, in that order, as {@link #run} does,
     * except that runs of an {@link EpochLadder} method that differ only in their epoch count come from one run
     * ({@link #runLadder}; the same numbers, a fraction of the work). {@code progress} counts runs.
     */
    public List<Run> runAll(List<String> settings, List<Unlearner> methods, int retainRows, org.tinymem.util.Progress progress) {
        if (settings.size() != methods.size()) {
            throw new IllegalArgumentException(settings.size() + " settings for " + methods.size() + " methods");
        }
        List<EpochFree> parts = methods.stream().map(EpochFree::of).toList();
        Map<String, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int i = 0; i < methods.size(); i++) {
            Unlearner m = methods.get(i);
            String key = m instanceof EpochLadder && parts.get(i).epochs() > 0 ? m.method() + " " + parts.get(i).rest() : "#" + i;
            groups.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(i);
        }
        Run[] runs = new Run[methods.size()];
        int done = 0;
        for (List<Integer> group : groups.values()) {
            Unlearner first = methods.get(group.get(0));
            progress.update(done, methods.size(), first.method() + " (" + settings.get(group.get(0))
                    + (group.size() > 1 ? ", " + group.size() + " epoch counts from one run" : "") + ")");
            if (group.size() == 1) {
                runs[group.get(0)] = run(settings.get(group.get(0)), first, retainRows);
            } else {
                List<Run> ladder = runLadder((EpochLadder) first, group.stream().map(i -> parts.get(i).epochs()).toList(),
                        group.stream().map(methods::get).toList(), group.stream().map(settings::get).toList(), retainRows);
                for (int j = 0; j < group.size(); j++) runs[group.get(j)] = ladder.get(j);
            }
            done += group.size();
        }
        progress.update(done, methods.size(), "done");
        return List.of(runs);
    }

    /** A method's epoch count, read from its parameters ({@code epochs}, at any depth); 0 if it has none. */
    static int epochsOf(Unlearner method) {
        return EpochFree.of(method).epochs();
    }

    /**
     * A method's parameters split, through their JSON form, into the epoch count ({@code epochs} at any depth; 0 if
     * none) and the rest: the rest is equal for runs that differ only in their epoch count.
     */
    private record EpochFree(int epochs, String rest) {
        static EpochFree of(Unlearner method) {
            com.google.gson.JsonElement tree = new Gson().toJsonTree(method.params());
            int epochs = 0;
            java.util.ArrayDeque<com.google.gson.JsonElement> todo = new java.util.ArrayDeque<>(List.of(tree));
            while (!todo.isEmpty()) {
                com.google.gson.JsonElement e = todo.pop();
                if (!e.isJsonObject()) continue;
                JsonObject o = e.getAsJsonObject();
                if (epochs == 0 && o.has("epochs") && o.get("epochs").isJsonPrimitive()) epochs = o.get("epochs").getAsInt();
                o.remove("epochs");
                o.entrySet().forEach(field -> todo.push(field.getValue()));
            }
            return new EpochFree(epochs, tree.toString());
        }
    }

    private Path resultFile(Unlearner method, String setting) {
        return runDirectory(method, setting).resolve(RESULT);
    }

    private Path runDirectory(Unlearner method, String setting) {
        return dir.resolve(directoryName(method.method(), setting, method.params().ratio()));
    }

    /**
     * A run's relearning test (not in the paper).
     *
     * @param run the unlearning run
     * @param result the relearning: steps, seconds, measures after it, % memorized, recovered %
     * @param editedPercentMemorized % memorized (every probe) of the edit that was relearned
     * @param reused whether the record was read from disk rather than measured now
     */
    public record Relearned(Run run, Relearning.Result result, double editedPercentMemorized, boolean reused) {}

    /**
     * The relearning test of {@code run} (one of this model's runs): its edit ({@link #edited}) is fine-tuned
     * {@code params.steps()} steps on {@code params.data()} with {@code training}'s optimizer settings
     * ({@link Relearning#run}; the forget-half split is of the probes this model memorized, the run's unlearn set) and
     * measured; or the saved record ({@link #relearnFile}), if one was made for the same run and the same relearning
     * settings (steps, batch, seed, data, learning rate and optimizer).
     */
    public Relearned relearn(Run run, org.tinymem.train.TrainConfig training, Relearning.Params params) {
        checkOwn(run);
        Unlearner method = run.method();
        Path file = runDirectory(method, run.setting()).resolve(relearnFile(params.data()));
        String settings = relearnSettings(training, params);
        JsonObject saved = sameRun(file, method, run.retainRows());
        if (saved != null) {
            try {
                if (saved.get("relearn_settings").getAsString().equals(settings)) {
                    double edited = saved.get("edited_percent_memorized").getAsDouble();
                    return new Relearned(run, Relearning.Result.of(saved, edited), edited, true);
                }
            } catch (RuntimeException e) {
                // incomplete or from an older layout: measure again and replace it
            }
        }
        try (Edited edited = edited(run)) {
            return relearned(run, file, settings, edited, training, params);
        }
    }

    /** The record of a run's relearning on {@code data}: {@value #RELEARN_RESULT} for clean rows, else named after the data. */
    public static String relearnFile(Relearning.Data data) {
        return data == Relearning.Data.CLEAN ? RELEARN_RESULT : "relearn-" + data.cliName() + ".json";
    }

    /**
     * The floor of the relearning test: another model that never saw the artifacts (the retrained reference,
     * {@code train --without-artifacts}) relearned exactly as this model's edits are ({@code params}, this model's
     * forget-half split and data), so what relearning teaches by itself can be told from what an edit hid. Kept as
     * {@code DIR/reference-<relearning file>} and reused while the reference's weights and the settings are the same.
     */
    public Relearning.Result relearnReference(CausalLm reference, org.tinymem.train.TrainConfig training, Relearning.Params params) {
        Path file = dir.resolve("reference-" + relearnFile(params.data()));
        String settings = relearnSettings(training, params);
        String referenceFingerprint = fingerprint(reference);
        if (Files.isRegularFile(file)) {
            try {
                JsonObject saved = Json.read(file);
                if (saved.get("relearn_settings").getAsString().equals(settings)
                        && saved.get("reference_fingerprint").getAsString().equals(referenceFingerprint)
                        && saved.get("data_fingerprint").getAsString().equals(dataFingerprint)
                        && saved.get("model_fingerprint").getAsString().equals(modelFingerprint)) {
                    return Relearning.Result.of(saved, saved.get("relearn_edited_percent_memorized").getAsDouble());
                }
            } catch (RuntimeException e) {
                // unreadable: measure again and replace it
            }
        }
        try (CausalLm copy = reference.copy()) {
            Map<String, Double> measured = measurer.measure(copy, data);
            Relearning.Result result = Relearning.run(copy, data, memorizedProbes(), measurer, training, params, measured, measured);
            JsonObject json = new JsonObject();
            json.addProperty("reference_fingerprint", referenceFingerprint);
            json.addProperty("model_fingerprint", modelFingerprint);
            json.addProperty("data_fingerprint", dataFingerprint);
            json.addProperty("relearn_settings", settings);
            json.addProperty("reference_percent_memorized", measured.get(Measures.PERCENT_MEMORIZED));
            result.annotate(json);
            Json.write(file, json);
            return result;
        }
    }

    /**
     * The probes this model memorizes (its unlearn set, in the probes' order): the split that targeted relearning
     * ({@link Relearning.Data#FORGET_HALF}) trains on and measures; relearning another model on the same halves (the
     * retrained reference) gives its floor.
     */
    public List<org.tinymem.data.MemorizationProbe> memorizedProbes() {
        return baseline(0).sets().unlearnProbes(data.probes());
    }

    /**
     * A run's edited model (close it when done).
     *
     * @param model the edited model
     * @param after its measures: the run's record when the edit was kept, measured now when it was made again
     * @param kept whether it is the run's kept edit ({@link #EDIT_FILE}) or its method applied again
     */
    public record Edited(CausalLm model, Map<String, Double> after, boolean kept) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * The edited model of {@code run} (one of this model's runs): its kept edit, or, for a run recorded before edits
     * were kept, its method applied again to a copy of the model (same seed, same sets) and measured; a re-made edit
     * that measures as the record says is then kept for next time.
     */
    public Edited edited(Run run) {
        checkOwn(run);
        CausalLm kept = keptEdit(run);
        if (kept != null) return new Edited(kept, run.after(), true);
        Unlearning.Result result = Unlearning.apply(model, data, baseline(run.retainRows()), cachingAttributions(run.method()));
        try {
            if (result.after().equals(run.after())) keep(run, result.edit().model());
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
        return new Edited(result.edit().model(), result.after(), false);
    }

    /**
     * Keeps a re-made edit beside its record when it measured exactly as the record says (the same edit, as far as
     * every measure can tell), so that the next {@link #edited} reads it back: a record from before edits were kept
     * gains only {@code edit_tensors} and {@code edited_model_fingerprint} (rewritten atomically); a record that names
     * a fingerprint gets its missing or damaged file back only if the re-made edit has that fingerprint.
     */
    private void keep(Run run, CausalLm edited) {
        Path directory = runDirectory(run.method(), run.setting());
        JsonObject record = sameRun(directory.resolve(RESULT), run.method(), run.retainRows());
        if (record == null) return;
        String fingerprint = fingerprint(edited);
        boolean named = record.has("edited_model_fingerprint");
        if (named && !record.get("edited_model_fingerprint").getAsString().equals(fingerprint)) return; // another edit
        int tensors = EditFile.write(directory.resolve(EDIT_FILE), model, edited);
        if (named) return; // the file was missing or damaged: replaced
        record.addProperty("edit_tensors", tensors);
        record.addProperty("edited_model_fingerprint", fingerprint);
        Json.write(directory.resolve(RESULT), record);
    }

    private void checkOwn(Run run) {
        if (!run.model().equals(modelName)) {
            throw new IllegalArgumentException("run of " + run.model() + " given to the runs of " + modelName);
        }
    }

    /** Relearns {@code run}'s {@code edited} model and writes the record to {@code file}. */
    private Relearned relearned(Run run, Path file, String settings, Edited edited, org.tinymem.train.TrainConfig training,
                                Relearning.Params params) {
        Unlearner method = run.method();
        Unlearning.Baseline baseline = baseline(run.retainRows());
        Map<String, Double> before = baseline.measures();
        Map<String, Double> afterEdit = edited.after();
        Relearning.Result result = Relearning.run(edited.model(), data, baseline.sets().unlearnProbes(data.probes()),
                measurer, training, params, before, afterEdit);
        JsonObject json = new JsonObject();
        json.addProperty("method", method.method());
        json.addProperty("parameters", method.params().toString());
        json.addProperty("setting", run.setting());
        json.addProperty("retain_rows_requested", run.retainRows());
        json.addProperty("retain_rows", UnlearnSets.retainSize(data, run.retainRows()));
        json.addProperty("data_fingerprint", dataFingerprint);
        json.addProperty("model_fingerprint", modelFingerprint);
        json.addProperty("relearn_settings", settings);
        json.addProperty("percent_memorized_before", before.get(Measures.PERCENT_MEMORIZED));
        json.addProperty("edited_percent_memorized", afterEdit.get(Measures.PERCENT_MEMORIZED));
        json.addProperty("edit_source", edited.kept() ? "kept " + EDIT_FILE : "method applied again");
        result.annotate(json);
        Json.write(file, json);
        return new Relearned(run, result, afterEdit.get(Measures.PERCENT_MEMORIZED), false);
    }

    /**
     * The run's kept edit (a copy of the model with {@link #EDIT_FILE}'s tensors), or null when there is none or
     * it does not give the fingerprint its record names (the caller then applies the method again).
     */
    private CausalLm keptEdit(Run run) {
        Path directory = runDirectory(run.method(), run.setting());
        JsonObject record = sameRun(directory.resolve(RESULT), run.method(), run.retainRows());
        Path file = directory.resolve(EDIT_FILE);
        if (record == null || !record.has("edited_model_fingerprint") || !Files.isRegularFile(file)) return null;
        CausalLm edited = model.copy();
        try {
            EditFile.apply(file, edited);
            if (fingerprint(edited).equals(record.get("edited_model_fingerprint").getAsString())) return edited;
        } catch (RuntimeException e) {
            // unreadable or of another model: apply the method again
        }
        edited.close();
        return null;
    }

    /** What a relearning record must match besides its run: steps, batch, seed, data and the optimizer settings. */
    private static String relearnSettings(org.tinymem.train.TrainConfig training, Relearning.Params params) {
        // Clean rows at the peak rate keep the form records had before the data and the scale existed (still valid).
        String form = params.data() == Relearning.Data.CLEAN && params.learningRateScale() == 1.0
                ? "Params[steps=" + params.steps() + ", batchSize=" + params.batchSize() + ", seed=" + params.seed() + "]"
                : params.toString();
        return form + " lr=" + training.learningRate() * params.learningRateScale() + " betas=" + training.beta1() + "," + training.beta2()
                + " eps=" + training.eps() + " weight_decay=" + training.weightDecay();
    }

    /**
     * The sub-directory of {@code tinymem unlearn --epochs E1,E2,... --out DIR} that holds the edit at
     * {@code epochs} epochs of the shared run ({@link EpochLadder}).
     */
    public static String epochsDirectory(int epochs) {
        return "epochs-" + epochs;
    }

    /** {@code balanced-subnet-quick-r0.1}: method, setting and ratio (plain decimal, no trailing zeros). */
    public static String directoryName(String method, String setting, double ratio) {
        return method + "-" + setting + "-r" + BigDecimal.valueOf(ratio).stripTrailingZeros().toPlainString();
    }

    /** The record of one measured edit, as {@code tinymem unlearn} and {@link #run} write it. */
    public static JsonObject record(Unlearner method, Unlearning.Baseline baseline, Unlearning.Result result) {
        JsonObject json = new JsonObject();
        json.addProperty("method", method.method());
        json.add("params", new Gson().toJsonTree(method.params()));
        json.addProperty("parameters", result.row().parameters());
        json.addProperty("ablated", result.edit().ablated());
        json.addProperty("unit", result.edit().unit());
        if (method instanceof org.tinymem.unlearn.neuron.NeuronUnlearner neurons && neurons.lastAblation() != null) {
            json.add("neurons", neurons.lastAblation().toJson()); // which units of which block, or why none
        }
        json.addProperty("seconds", result.edit().seconds());
        org.tinymem.eval.Energy.current().annotate(json, result.edit().seconds());
        json.addProperty("unlearn_rows", baseline.sets().unlearn().size());
        json.addProperty("retain_rows", baseline.sets().retain().size());
        json.add("before", Json.of(result.before()));
        json.add("after", Json.of(result.after()));
        json.addProperty("performance_measure", result.row().performanceMeasure());
        json.addProperty("memorization_difference", result.row().memorizationDifference());
        // the paper's A (accuracy) or P (perplexity): accuracy_difference or perplexity_difference
        json.addProperty(result.row().performanceMeasure() + "_difference", result.row().performanceDifference());
        return json;
    }

    /** The scorecard row of a saved record (records without {@code performance_measure} are math: accuracy). */
    public static Scorecard.Row row(JsonObject json) {
        return row(json, Measures.PERCENT_MEMORIZED);
    }

    /**
     * The scorecard row of a saved record with {@code memorization} (one of {@link Measures#MEMORIZATION_MEASURES})
     * as its memorization before and after, so that selection's M is the % difference of that measure.
     * A record saved before the measure existed is an error that says to run it again.
     */
    public static Scorecard.Row row(JsonObject json, String memorization) {
        Measures.memorizationMeasure(memorization);
        JsonObject before = json.getAsJsonObject("before");
        JsonObject after = json.getAsJsonObject("after");
        if (!before.has(memorization) || !after.has(memorization)) {
            throw new IllegalArgumentException("this " + json.get("method").getAsString() + " record has no '" + memorization
                    + "' (saved before that measure existed): run it again to select by it");
        }
        String utility = json.has("performance_measure") ? json.get("performance_measure").getAsString()
                : Utility.ACCURACY.metric();
        return new Scorecard.Row(json.get("method").getAsString(), json.get("parameters").getAsString(), utility,
                before.get(memorization).getAsDouble(), after.get(memorization).getAsDouble(),
                before.get(utility).getAsDouble(), after.get(utility).getAsDouble(), json.get("ablated").getAsLong(),
                json.get("unit").getAsString(), json.get("seconds").getAsDouble());
    }

    /** SHA-256 over every parameter's name and values, in order: the same weights give the same text. */
    public static String fingerprint(CausalLm model) {
        MessageDigest digest = Sha256.digest();
        model.parameters().forEach((name, values) -> {
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            float[] floats = values.toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(4 * floats.length);
            bytes.asFloatBuffer().put(floats);
            digest.update(bytes.array());
        });
        return Sha256.hex(digest);
    }

    /** The saved record at {@code file} if it was made with these parameters, retain size and data; else null. */
    private JsonObject matching(Path file, Unlearner method, int retainRows) {
        JsonObject json = sameRun(file, method, retainRows);
        if (json == null) return null;
        try {
            row(json); // complete enough to report
            return json;
        } catch (RuntimeException e) {
            return null; // from an older layout: measure again and replace it
        }
    }

    /** The JSON at {@code file} if it records this method, parameters, retain size, data and weights; else null. */
    private JsonObject sameRun(Path file, Unlearner method, int retainRows) {
        if (!Files.isRegularFile(file)) return null;
        try {
            JsonObject json = Json.read(file);
            boolean same = json.get("method").getAsString().equals(method.method())
                    && json.get("parameters").getAsString().equals(method.params().toString())
                    && json.get("retain_rows_requested").getAsInt() == retainRows
                    // records from before the retain default became "all clean rows" asked for 0 too
                    && json.get("retain_rows").getAsInt() == UnlearnSets.retainSize(data, retainRows)
                    && json.get("data_fingerprint").getAsString().equals(dataFingerprint)
                    && json.get("model_fingerprint").getAsString().equals(modelFingerprint);
            return same ? json : null;
        } catch (RuntimeException e) {
            return null; // unreadable or from an older layout: measure again and replace it
        }
    }
}
