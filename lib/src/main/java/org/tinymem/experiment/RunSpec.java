package org.tinymem.experiment;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.tinymem.data.Artifact;
import org.tinymem.data.BrownCorpus;
import org.tinymem.data.TextCorpus;
import org.tinymem.data.TextDirectoryCorpus;
import org.tinymem.data.WikiTextCorpus;
import org.tinymem.train.Profile;
import org.tinymem.train.RegularizerSpec;

/**
 * What a training run is: data, artifact, depth, profile and seed; for language models the corpus
 * ({@code brown}, {@code wikitext} or {@code dir}) and its directory; and an optional train-time
 * regularizer (§3.1; null = none, absent from {@code run.json}); and whether the artifact rows are
 * left out (issue #16's retrained reference: absent from {@code run.json} unless true). Everything else (data sizes,
 * optimizer, epochs) follows from the profile and is recorded in the provenance. Saved as
 * {@code run.json}; a run directory only ever holds one spec, so re-running resumes the same run and
 * never mixes regularizers.
 *
 * @param corpus language corpus (null for math)
 * @param corpusDir the corpus directory (null: the fetched Brown Corpus)
 * @param regularizer the train-time regularizer, or null
 * @param withoutArtifacts true for the retrained reference: the same run with the artifact rows dropped (same seed,
 *     about the same number of steps; see {@link TrainRun#run})
 */
public record RunSpec(String data, Artifact.Kind artifact, int layers, Profile profile, long seed, String corpus,
                      String corpusDir, RegularizerSpec regularizer, boolean withoutArtifacts) {
    /** The data names ({@link ModelKind#names()}). */
    public static final java.util.List<String> DATA = ModelKind.names();
    public static final java.util.List<String> CORPORA = java.util.List.of("brown", "wikitext", "dir");

    public RunSpec {
        ModelKind kind = ModelKind.of(data); // clear error for an unknown name
        if (layers <= 0) throw new IllegalArgumentException("layers must be a positive number, got " + layers);
        if (layers > 64) throw new IllegalArgumentException("layers must be at most 64, got " + layers);
        if (seed < 0) throw new IllegalArgumentException("seed must be ≥ 0, got " + seed);
        if (!kind.usesCorpus() && (corpus != null || corpusDir != null)) {
            throw new IllegalArgumentException("--corpus and --corpus-dir only apply to --data lang");
        }
        if (kind.usesCorpus()) {
            if (corpus == null) corpus = "brown";
            if (!CORPORA.contains(corpus)) {
                throw new IllegalArgumentException("unknown corpus '" + corpus + "': use one of " + String.join(", ", CORPORA));
            }
            if (corpusDir == null && !corpus.equals("brown")) {
                throw new IllegalArgumentException("--corpus " + corpus + " needs --corpus-dir");
            }
            if (corpusDir != null) corpusDir = Path.of(corpusDir).toAbsolutePath().normalize().toString();
        }
    }

    /** A run with its artifact rows (every run but a retrained reference). */
    public RunSpec(String data, Artifact.Kind artifact, int layers, Profile profile, long seed, String corpus,
                   String corpusDir, RegularizerSpec regularizer) {
        this(data, artifact, layers, profile, seed, corpus, corpusDir, regularizer, false);
    }

    /** A run with the default corpus (math: none; language: the fetched Brown Corpus) and no regularizer. */
    public RunSpec(String data, Artifact.Kind artifact, int layers, Profile profile, long seed) {
        this(data, artifact, layers, profile, seed, null, null, null);
    }

    /** A run on a given corpus, without a regularizer. */
    public RunSpec(String data, Artifact.Kind artifact, int layers, Profile profile, long seed, String corpus,
                   String corpusDir) {
        this(data, artifact, layers, profile, seed, corpus, corpusDir, null);
    }

    /** What kind of model this run trains (math or language): its data, network, measures and selection rule. */
    public ModelKind kind() {
        return ModelKind.of(data);
    }

    /** The same run trained with {@code regularizer}. */
    public RunSpec withRegularizer(RegularizerSpec newRegularizer) {
        return new RunSpec(data, artifact, layers, profile, seed, corpus, corpusDir, newRegularizer, withoutArtifacts);
    }

    /** The retrained reference of this run: the same spec without its artifact rows. */
    public RunSpec reference() {
        return new RunSpec(data, artifact, layers, profile, seed, corpus, corpusDir, regularizer, true);
    }

    /** The language corpus this spec names (clear error if its directory is missing or empty). */
    public TextCorpus textCorpus() {
        if (!kind().usesCorpus()) throw new IllegalStateException(data + " has no text corpus");
        return switch (corpus) {
            case "wikitext" -> new WikiTextCorpus(Path.of(corpusDir));
            case "dir" -> new TextDirectoryCorpus(Path.of(corpusDir));
            default -> corpusDir == null ? BrownCorpus.fetched() : new BrownCorpus(Path.of(corpusDir));
        };
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("data", data);
        json.addProperty("artifact", artifact.cliName());
        json.addProperty("layers", layers);
        json.addProperty("profile", profile.cliName());
        json.addProperty("seed", seed);
        if (corpus != null) json.addProperty("corpus", corpus);
        if (corpusDir != null) json.addProperty("corpus_dir", corpusDir);
        if (regularizer != null) json.add("regularizer", regularizer.toJson());
        if (withoutArtifacts) json.addProperty("without_artifacts", true);
        return json;
    }

    public static RunSpec fromJson(JsonObject json) {
        try {
            return new RunSpec(json.get("data").getAsString(), Artifact.Kind.parse(json.get("artifact").getAsString()),
                    json.get("layers").getAsInt(), Profile.parse(json.get("profile").getAsString()),
                    json.get("seed").getAsLong(), json.has("corpus") ? json.get("corpus").getAsString() : null,
                    json.has("corpus_dir") ? json.get("corpus_dir").getAsString() : null,
                    json.has("regularizer") ? RegularizerSpec.fromJson(json.getAsJsonObject("regularizer")) : null,
                    json.has("without_artifacts") && json.get("without_artifacts").getAsBoolean());
        } catch (NullPointerException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("run.json is missing data, artifact, layers, profile or seed: " + json, e);
        }
    }
}
