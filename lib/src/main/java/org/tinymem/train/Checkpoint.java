package org.tinymem.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Models;
import org.tinymem.model.ModelFiles;
import org.tinymem.model.Safetensors;
import org.tinymem.util.AtomicFiles;

/**
 * A training checkpoint: {@code checkpoints/epoch-NNNN/} with the model (HF layout), the optimizer
 * moments, {@code state.json} (epoch, step, seed, seconds, history) and, for a regularized run,
 * {@code regularizer.safetensors} (its state and the seconds spent in it). The folder is written under a
 * temporary name and renamed when complete, so the newest complete checkpoint is always usable.
 * The shuffling RNG needs no saved state: epoch e is shuffled with {@code Random(seed, e)}.
 */
public final class Checkpoint {
    public static final String FOLDER = "checkpoints";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String STATE = "state.json";
    private static final String REGULARIZER = "regularizer.safetensors";
    private static final String REGULARIZER_SECONDS = "regularizer_seconds";

    private Checkpoint() {}

    /** State restored from a checkpoint. */
    public record State(int epoch, long step, double trainSeconds, List<HistoryRow> history,
                        Map<String, Safetensors.Tensor> optimizer, RegularizerState regularizer, Path folder) {}

    /** A {@link Regularizer}'s resume state and the seconds spent in it so far. */
    public record RegularizerState(double seconds, Map<String, Safetensors.Tensor> tensors) {
        public static final RegularizerState NONE = new RegularizerState(0, Map.of());

        public RegularizerState {
            tensors = Map.copyOf(tensors);
        }

        boolean isEmpty() {
            return seconds == 0 && tensors.isEmpty();
        }
    }

    public static void save(Path runDir, CausalLm model, AdamW optimizer, int epoch, long step, long seed,
                            double trainSeconds, List<HistoryRow> history, RegularizerState regularizer) {
        Path root = runDir.resolve(FOLDER);
        Path finalDir = root.resolve(String.format("epoch-%04d", epoch));
        Path temp = root.resolve(String.format(".epoch-%04d.partial", epoch));
        try {
            deleteTree(temp);
            Files.createDirectories(temp);
            Models.save(model, temp, Map.of("epoch", Integer.toString(epoch)));
            Safetensors.write(temp.resolve(OPTIMIZER), optimizer.state(), Map.of("step", Long.toString(step)));
            if (!regularizer.isEmpty()) {
                Safetensors.write(temp.resolve(REGULARIZER), new java.util.TreeMap<>(regularizer.tensors()),
                        Map.of(REGULARIZER_SECONDS, Double.toString(regularizer.seconds())));
            }
            JsonObject state = new JsonObject();
            state.addProperty("epoch", epoch);
            state.addProperty("step", step);
            state.addProperty("seed", seed);
            state.addProperty("shuffle_rng", "java.util.Random(seed * 1000003 + epoch) per epoch");
            state.addProperty("train_seconds", trainSeconds);
            state.add("history", historyJson(history));
            AtomicFiles.writeString(temp.resolve(STATE), new GsonBuilder().setPrettyPrinting().create().toJson(state));
            deleteTree(finalDir);
            Files.move(temp, finalDir, StandardCopyOption.ATOMIC_MOVE);
            // Only the newest checkpoint needs optimizer state (for resuming); older ones keep the model.
            for (Path older : complete(root)) {
                if (older.equals(finalDir)) continue;
                Files.deleteIfExists(older.resolve(OPTIMIZER));
                Files.deleteIfExists(older.resolve(REGULARIZER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + finalDir + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint that still has optimizer state, if any. */
    public static Optional<State> latest(Path runDir, CausalLm model) {
        Path root = runDir.resolve(FOLDER);
        List<Path> folders = complete(root);
        for (int i = folders.size() - 1; i >= 0; i--) {
            Path folder = folders.get(i);
            if (!Files.isRegularFile(folder.resolve(OPTIMIZER)) || !Files.isRegularFile(folder.resolve(STATE))) continue;
            try {
                JsonObject state = JsonParser.parseString(Files.readString(folder.resolve(STATE))).getAsJsonObject();
                Safetensors.Contents weights = Safetensors.read(folder.resolve(ModelFiles.WEIGHTS));
                weights.tensors().forEach((name, tensor) -> {
                    var parameter = model.parameters().get(name);
                    if (parameter == null) throw new IllegalArgumentException("checkpoint has unknown tensor " + name);
                    parameter.set(tensor.floats());
                });
                Safetensors.Contents optimizer = Safetensors.read(folder.resolve(OPTIMIZER));
                return Optional.of(new State(state.get("epoch").getAsInt(), state.get("step").getAsLong(),
                        state.get("train_seconds").getAsDouble(), parseHistory(state.getAsJsonArray("history")),
                        optimizer.tensors(), readRegularizer(folder), folder));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read checkpoint " + folder, e);
            }
        }
        return Optional.empty();
    }

    private static RegularizerState readRegularizer(Path folder) {
        Path file = folder.resolve(REGULARIZER);
        if (!Files.isRegularFile(file)) return RegularizerState.NONE;
        Safetensors.Contents contents = Safetensors.read(file);
        return new RegularizerState(Double.parseDouble(contents.metadata().getOrDefault(REGULARIZER_SECONDS, "0")),
                contents.tensors());
    }

    private static List<Path> complete(Path root) {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(p -> p.getFileName().toString().matches("epoch-\\d{4,}"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + root, e);
        }
    }

    static JsonArray historyJson(List<HistoryRow> history) {
        JsonArray rows = new JsonArray();
        for (HistoryRow row : history) {
            JsonObject json = new JsonObject();
            json.addProperty("epoch", row.epoch());
            json.addProperty("step", row.step());
            json.addProperty("train_loss", row.trainLoss());
            json.addProperty("train_seconds", row.trainSeconds());
            JsonObject metrics = new JsonObject();
            row.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> metrics.addProperty(e.getKey(), e.getValue()));
            json.add("metrics", metrics);
            rows.add(json);
        }
        return rows;
    }

    private static List<HistoryRow> parseHistory(JsonArray rows) {
        List<HistoryRow> history = new ArrayList<>();
        for (var element : rows) {
            JsonObject row = element.getAsJsonObject();
            Map<String, Double> metrics = new LinkedHashMap<>();
            row.getAsJsonObject("metrics").entrySet().forEach(e -> metrics.put(e.getKey(), e.getValue().getAsDouble()));
            history.add(new HistoryRow(row.get("epoch").getAsInt(), row.get("step").getAsLong(),
                    row.get("train_loss").getAsDouble(), row.get("train_seconds").getAsDouble(), metrics));
        }
        return history;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
