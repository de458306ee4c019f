package org.tinymem.unlearn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Measures;
import org.tinymem.model.CausalLm;
import org.tinymem.util.Json;
import org.tinymem.util.Sha256;

/**
 * The measures of an unedited model and the probes it memorizes, computed once per (weights, data,
 * measures) and reused by every unlearning run on that model (issue 17, item 1): a sweep's hundreds of
 * {@code unlearn} entries on one model each spent ≈ 20 s re-measuring it (quick math-add model, 2 threads)
 * before their method ran. The record, {@code DIR/KEY.json}, names the model's weight fingerprint (SHA-256
 * over every parameter), the data fingerprint and the measures class; a record that does not match them,
 * or cannot be read, is measured again and replaced (written to a temporary file, then renamed, so
 * concurrent workers never see half a record). Only the retain sample is drawn per run (seeded, cheap).
 */
public final class BaselineCache {
    /** The folder, inside a run directory, that holds the records. */
    public static final String DIR = "baseline-cache";

    private BaselineCache() {}

    /** What {@link #baseline} did: read a record or measured the model (and whether it could save it). */
    public enum Outcome {
        READ, MEASURED, MEASURED_NOT_SAVED
    }

    /** A baseline with how it was obtained. */
    public record Lookup(Unlearning.Baseline baseline, Outcome outcome, Path file) {}

    /**
     * The {@link Unlearning.Baseline} of {@code model}: from {@code dir}'s record when one matches, else
     * measured and saved there. {@code retainRows} and {@code seed} pick the retain sample as
     * {@link UnlearnSets#of(List, TinyMemData, int, long)} does.
     */
    public static Lookup baseline(CausalLm model, TinyMemData data, Measures measurer, int retainRows, long seed, Path dir) {
        String modelFingerprint = UnlearnRuns.fingerprint(model);
        String dataFingerprint = data.fingerprint();
        String measures = measurer.getClass().getName();
        Path file = dir.resolve(key(modelFingerprint, dataFingerprint, measures) + ".json");
        Saved saved = read(file, modelFingerprint, dataFingerprint, measures, data.probes().size());
        if (saved != null) {
            return new Lookup(build(saved, data, measurer, retainRows, seed), Outcome.READ, file);
        }
        List<MemorizationProbe> probes = data.probes();
        List<MemorizationProbe> memorized = org.tinymem.eval.Memorization.memorizedProbes(model, probes);
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            if (memorized.contains(probes.get(i))) indices.add(i);
        }
        Saved fresh = new Saved(measurer.measure(model, data), indices);
        Outcome outcome = Outcome.MEASURED;
        try {
            Files.createDirectories(dir);
            Json.write(file, json(fresh, modelFingerprint, dataFingerprint, measures));
        } catch (IOException | UncheckedIOException e) {
            outcome = Outcome.MEASURED_NOT_SAVED; // a read-only run directory: measure every time, as before
        }
        return new Lookup(build(fresh, data, measurer, retainRows, seed), outcome, file);
    }

    private record Saved(Map<String, Double> measures, List<Integer> memorized) {}

    private static Unlearning.Baseline build(Saved saved, TinyMemData data, Measures measurer, int retainRows, long seed) {
        List<MemorizationProbe> memorized = saved.memorized().stream().map(data.probes()::get).toList();
        return new Unlearning.Baseline(saved.measures(), UnlearnSets.of(memorized, data, retainRows, seed), measurer);
    }

    private static String key(String model, String data, String measures) {
        return Sha256.of(model + "\n" + data + "\n" + measures).substring(0, 16);
    }

    private static JsonObject json(Saved saved, String model, String data, String measures) {
        JsonObject json = new JsonObject();
        json.addProperty("model_fingerprint", model);
        json.addProperty("data_fingerprint", data);
        json.addProperty("measures", measures);
        json.add("values", Json.of(saved.measures()));
        JsonArray memorized = new JsonArray();
        saved.memorized().forEach(memorized::add);
        json.add("memorized_probes", memorized);
        return json;
    }

    /** The saved record when it exists, parses and belongs to this model, data and measures; otherwise null. */
    private static Saved read(Path file, String model, String data, String measures, int probes) {
        if (!Files.isRegularFile(file)) return null;
        try {
            JsonObject json = Json.read(file);
            if (!json.get("model_fingerprint").getAsString().equals(model) || !json.get("data_fingerprint").getAsString().equals(data)
                    || !json.get("measures").getAsString().equals(measures)) {
                return null;
            }
            Map<String, Double> values = Json.doubles(json.getAsJsonObject("values"));
            List<Integer> memorized = new ArrayList<>();
            for (JsonElement e : json.getAsJsonArray("memorized_probes")) {
                int index = e.getAsInt();
                if (index < 0 || index >= probes) return null;
                memorized.add(index);
            }
            return new Saved(values, memorized);
        } catch (RuntimeException e) { // damaged or foreign: measure again
            return null;
        }
    }
}
