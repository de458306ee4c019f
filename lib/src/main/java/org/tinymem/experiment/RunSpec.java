package org.tinymem.experiment;

import com.google.gson.JsonObject;
import org.tinymem.data.Artifact;
import org.tinymem.data.MathTask;
import org.tinymem.train.Profile;
import org.tinymem.train.RegularizerSpec;

/**
 * What a training run is: data, artifact, depth, profile, seed and an optional train-time regularizer
 * (§3.1; null = none, absent from {@code run.json}). Everything else (data sizes, optimizer, epochs)
 * follows from the profile and is recorded in the provenance. Saved as {@code run.json}; a run
 * directory only ever holds one spec, so re-running resumes the same run and never mixes regularizers.
 */
public record RunSpec(String data, Artifact.Kind artifact, int layers, Profile profile, long seed,
                      RegularizerSpec regularizer) {
    public static final java.util.List<String> DATA = java.util.List.of("math-add", "math-mult");

    public RunSpec {
        if (!DATA.contains(data)) {
            throw new IllegalArgumentException("unknown data '" + data + "': use one of " + String.join(", ", DATA));
        }
        if (layers <= 0) throw new IllegalArgumentException("layers must be a positive number, got " + layers);
        if (layers > 64) throw new IllegalArgumentException("layers must be at most 64, got " + layers);
        if (seed < 0) throw new IllegalArgumentException("seed must be ≥ 0, got " + seed);
    }

    /** A run without a regularizer. */
    public RunSpec(String data, Artifact.Kind artifact, int layers, Profile profile, long seed) {
        this(data, artifact, layers, profile, seed, null);
    }

    /** The same run trained with {@code regularizer}. */
    public RunSpec withRegularizer(RegularizerSpec newRegularizer) {
        return new RunSpec(data, artifact, layers, profile, seed, newRegularizer);
    }

    public MathTask.Operation operation() {
        return data.equals("math-add") ? MathTask.Operation.ADD : MathTask.Operation.MULT;
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("data", data);
        json.addProperty("artifact", artifact.cliName());
        json.addProperty("layers", layers);
        json.addProperty("profile", profile.cliName());
        json.addProperty("seed", seed);
        if (regularizer != null) json.add("regularizer", regularizer.toJson());
        return json;
    }

    public static RunSpec fromJson(JsonObject json) {
        try {
            return new RunSpec(json.get("data").getAsString(), Artifact.Kind.parse(json.get("artifact").getAsString()),
                    json.get("layers").getAsInt(), Profile.parse(json.get("profile").getAsString()),
                    json.get("seed").getAsLong(),
                    json.has("regularizer") ? RegularizerSpec.fromJson(json.getAsJsonObject("regularizer")) : null);
        } catch (NullPointerException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("run.json is missing data, artifact, layers, profile or seed: " + json, e);
        }
    }
}
