package org.tinymem.unlearn.neuron;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Supplier;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.UnlearnRuns;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.util.Json;
import org.tinymem.util.Sha256;

/**
 * A neuron method's attributions, computed once per (weights, unlearn rows and their roles, method,
 * parameters other than the ratio) and read back by every other ratio of its grid (issue 17, item 1).
 * The ratio only decides how many of the ranked units {@link NeuronUnlearner} ablates, so the paper's
 * ratio grid of Zero, Act and IG (App. A.3.5: five ratios) needs one attribution, not five; Slim's and
 * HC's grids need one per (epochs, λ, lr, seed).
 *
 * <p>A record, {@code DIR/attribution-KEY.json}, holds the scores as the floats' bit patterns (the ranking
 * read back is the ranking computed, bit for bit) and the seconds the attribution took. A run that reads
 * it reports those seconds as its own ({@link Attribution}): the method's cost in a table stays the cost
 * of running it alone, while the sweep's wall time drops. A record that cannot be read or does not match
 * is computed again and replaced (temporary file, then rename); a directory that cannot be written only
 * costs the reuse.
 */
public final class AttributionCache {
    /** No records: every attribution is computed (and timed), as without a cache. */
    public static final AttributionCache NONE = new AttributionCache(null);

    private final Path dir;

    /** Records in {@code dir} (a TinyMem run's {@code baseline-cache}, beside the unedited model's measures); null: {@link #NONE}. */
    public AttributionCache(Path dir) {
        this.dir = dir;
    }

    /** How a run got its attribution: computed now, or read from {@code file}; {@code seconds} is the computation's time. */
    public record Attribution(boolean reused, double seconds, String file) {
        static Attribution computed(double seconds, Path file) {
            return new Attribution(false, seconds, file == null ? "" : file.toString());
        }

        public JsonObject toJson() {
            JsonObject json = new JsonObject();
            json.addProperty("reused", reused);
            json.addProperty("seconds", seconds);
            if (!file.isEmpty()) json.addProperty("file", file);
            return json;
        }
    }

    /** A result of {@link #scores}: the attribution and how it was obtained. */
    record Scores(float[][] scores, Attribution attribution) {}

    /** {@code method}'s attribution of {@code model} on {@code sets}: read back when a record matches, else {@code compute}d and saved. */
    Scores scores(NeuronUnlearner method, CausalLm model, UnlearnSets sets, Supplier<float[][]> compute) {
        if (dir == null) return timed(compute, null);
        String key = key(method, model, sets);
        Path file = dir.resolve("attribution-" + key.substring(0, 24) + ".json");
        Scores saved = read(file, key);
        if (saved != null) return saved;
        Scores computed = timed(compute, file);
        try {
            Files.createDirectories(dir);
            Json.write(file, json(key, method.method(), computed.scores(), computed.attribution().seconds()));
        } catch (IOException | UncheckedIOException e) {
            // read-only: computed every time, as before
            return new Scores(computed.scores(), Attribution.computed(computed.attribution().seconds(), null));
        }
        return computed;
    }

    /** {@code compute}'s scores with the seconds it took, to be saved in {@code file} (null: not saved). */
    private static Scores timed(Supplier<float[][]> compute, Path file) {
        long started = System.nanoTime();
        float[][] scores = compute.get();
        return new Scores(scores, Attribution.computed((System.nanoTime() - started) / 1e9, file));
    }

    /** SHA-256 of the weights, the unlearn rows and roles, the method's name, every parameter but the ratio, and the thread count. */
    static String key(NeuronUnlearner method, CausalLm model, UnlearnSets sets) {
        JsonObject params = new Gson().toJsonTree(method.params()).getAsJsonObject();
        params.remove("ratio");
        MessageDigest digest = Sha256.digest();
        // the thread count too: the same seed gives the same numbers at the same thread count (README)
        String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "");
        digest.update((method.method() + "\n" + params + "\n" + UnlearnRuns.fingerprint(model) + "\nthreads " + threads + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (int r = 0; r < sets.unlearn().size(); r++) {
            digest.update(ints(sets.unlearn().get(r)));
            digest.update(ints(sets.roles().get(r)));
        }
        return Sha256.hex(digest);
    }

    private static byte[] ints(int[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length + 4).putInt(values.length);
        for (int v : values) bytes.putInt(v);
        return bytes.array();
    }

    private static JsonObject json(String key, String method, float[][] scores, double seconds) {
        JsonObject json = new JsonObject();
        json.addProperty("key", key);
        json.addProperty("method", method);
        json.addProperty("seconds", seconds);
        JsonArray layers = new JsonArray();
        for (float[] layer : scores) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * layer.length);
            for (float v : layer) bytes.putInt(Float.floatToRawIntBits(v));
            layers.add(Base64.getEncoder().encodeToString(bytes.array()));
        }
        json.add("scores_float32_be_base64", layers);
        return json;
    }

    /** The saved record when it exists, parses and carries this key; otherwise null. */
    private static Scores read(Path file, String key) {
        if (!Files.isRegularFile(file)) return null;
        try {
            JsonObject json = Json.read(file);
            if (!key.equals(json.get("key").getAsString())) return null;
            JsonArray layers = json.getAsJsonArray("scores_float32_be_base64");
            float[][] scores = new float[layers.size()][];
            for (int l = 0; l < scores.length; l++) {
                ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(layers.get(l).getAsString()));
                scores[l] = new float[bytes.remaining() / 4];
                for (int j = 0; j < scores[l].length; j++) scores[l][j] = Float.intBitsToFloat(bytes.getInt());
            }
            return new Scores(scores, new Attribution(true, json.get("seconds").getAsDouble(), file.toString()));
        } catch (RuntimeException e) {
            return null; // unreadable or of another shape: computed again and replaced
        }
    }
}
