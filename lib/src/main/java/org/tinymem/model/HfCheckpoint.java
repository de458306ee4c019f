package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tinymem.util.AtomicFiles;

/**
 * The weights of a HuggingFace model directory, whatever the architecture: {@code config.json} plus
 * either one {@code model.safetensors} or shards {@code model-0000k-of-0000n.safetensors} listed in
 * {@code model.safetensors.index.json} (its {@code weight_map}), the names {@code save_pretrained}
 * uses. Pickle checkpoints ({@code pytorch_model.bin}) are refused: unpickling runs arbitrary code.
 *
 * <p>Reading streams: one shard is opened at a time and its tensors are read one by one, so the
 * memory a load needs beyond the model itself is one tensor's bytes, not a shard's or the model's.
 */
public final class HfCheckpoint {
    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    private static final Pattern SHARD = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private HfCheckpoint() {}

    /** {@code config.json} as JSON; a missing or malformed file is a one-line error naming it. */
    public static JsonObject readConfig(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + CONFIG + " in " + dir
                    + ": not a model directory (HuggingFace layout: config.json + model.safetensors)");
        }
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage(), e);
        }
    }

    public static void writeConfig(Path dir, JsonObject config) {
        AtomicFiles.writeString(dir.resolve(CONFIG), new GsonBuilder().setPrettyPrinting().create().toJson(config) + "\n");
    }

    /**
     * Fails with a one-line error unless the directory has safetensors weights; names pickle
     * checkpoints explicitly and how to convert them.
     */
    public static void requireSafetensors(Path dir) {
        if (Files.isRegularFile(dir.resolve(SINGLE)) || Files.isRegularFile(dir.resolve(INDEX))) return;
        boolean pickle;
        try (Stream<Path> files = Files.list(dir)) {
            pickle = files.anyMatch(f -> f.getFileName().toString().endsWith(".bin"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir + ": " + e.getMessage(), e);
        }
        if (pickle) {
            throw new IllegalArgumentException(dir + " holds only pickle weights (pytorch_model*.bin), which TinyMem does not load"
                    + " (unpickling can run arbitrary code); convert them once in Python with"
                    + " AutoModelForCausalLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
        }
        throw new IllegalArgumentException("no " + SINGLE + " or " + INDEX + " in " + dir + ": the directory has no weights");
    }

    /**
     * Calls {@code sink} with every tensor of the directory, shard after shard (in file-name order),
     * each read only when it is handed over. A shard the index names but the directory lacks, or a
     * tensor the index places in a shard that does not hold it, is an error naming both.
     */
    public static void read(Path dir, BiConsumer<String, Safetensors.Tensor> sink) {
        requireSafetensors(dir);
        if (Files.isRegularFile(dir.resolve(SINGLE))) {
            Safetensors.Listing listing = Safetensors.list(dir.resolve(SINGLE));
            listing.entries().keySet().forEach(name -> sink.accept(name, listing.tensor(name)));
            return;
        }
        Map<String, List<String>> byShard = weightMap(dir);
        for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
            Path file = dir.resolve(shard.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(INDEX + " in " + dir + " names shard " + shard.getKey()
                        + ", which is missing: copy the complete checkpoint");
            }
            Safetensors.Listing listing = Safetensors.list(file);
            for (String name : shard.getValue()) {
                if (!listing.entries().containsKey(name)) {
                    throw new IllegalArgumentException(INDEX + " places tensor '" + name + "' in " + shard.getKey()
                            + ", which does not hold it: the index and the shards are from different checkpoints");
                }
            }
            listing.entries().keySet().forEach(name -> sink.accept(name, listing.tensor(name)));
        }
    }

    /** The index's weight_map inverted: shard file → its tensor names, shards sorted by name. */
    private static Map<String, List<String>> weightMap(Path dir) {
        Path file = dir.resolve(INDEX);
        JsonObject map;
        try {
            map = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonObject("weight_map");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            throw new IllegalArgumentException(file + " is not a safetensors index: " + e.getMessage(), e);
        }
        if (map == null) throw new IllegalArgumentException(file + " has no weight_map: not a safetensors index");
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (String shard : new TreeSet<>(map.entrySet().stream().map(e -> e.getValue().getAsString()).toList())) {
            if (shard.contains("/") || shard.contains("\\")) {
                throw new IllegalArgumentException(file + " names shard '" + shard + "' outside the directory");
            }
            byShard.put(shard, new ArrayList<>());
        }
        for (Map.Entry<String, JsonElement> entry : map.entrySet()) byShard.get(entry.getValue().getAsString()).add(entry.getKey());
        return byShard;
    }

    /**
     * Writes named arrays as {@code dtype} ("F32" or "F16") safetensors, as {@code save_pretrained}
     * lays them out: one {@code model.safetensors}, or — when {@code maxShardBytes > 0} and the
     * tensors exceed it — shards of at most that many bytes (a tensor larger than the limit gets a
     * shard of its own) plus {@code model.safetensors.index.json}. Each file is written atomically,
     * the index last; then weights files of an earlier layout that would shadow the new one are
     * removed (HF prefers {@code model.safetensors} over an index). Only one shard's bytes are held
     * at a time.
     */
    public static void write(Path dir, Map<String, NDArray> arrays, String dtype, long maxShardBytes, Map<String, String> metadata) {
        if (!dtype.equals("F32") && !dtype.equals("F16")) {
            throw new IllegalArgumentException("can write F32 or F16 weights, not " + dtype);
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("format", "pt"); // transformers refuses safetensors without it
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            long bytes = entry.getValue().getShape().size() * Safetensors.dtypeSize(dtype);
            if (maxShardBytes > 0 && !current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(entry.getKey());
            currentBytes += bytes;
            totalBytes += bytes;
        }
        if (!current.isEmpty()) shards.add(current);
        List<String> written = new ArrayList<>();
        if (shards.size() <= 1) {
            Safetensors.write(dir.resolve(SINGLE), tensors(arrays, arrays.keySet(), dtype), meta);
            written.add(SINGLE);
        } else {
            JsonObject weightMap = new JsonObject();
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                Safetensors.write(dir.resolve(name), tensors(arrays, shards.get(i), dtype), meta);
                for (String tensor : shards.get(i)) weightMap.addProperty(tensor, name);
                written.add(name);
            }
            JsonObject index = new JsonObject();
            JsonObject indexMeta = new JsonObject();
            indexMeta.addProperty("total_size", totalBytes);
            index.add("metadata", indexMeta);
            index.add("weight_map", weightMap);
            AtomicFiles.writeString(dir.resolve(INDEX), new GsonBuilder().setPrettyPrinting().create().toJson(index) + "\n");
            written.add(INDEX);
        }
        removeStaleWeights(dir, written);
    }

    private static Map<String, Safetensors.Tensor> tensors(Map<String, NDArray> arrays, Iterable<String> names, String dtype) {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (String name : names) {
            NDArray array = arrays.get(name);
            float[] values = array.toFloatArray();
            long[] shape = array.getShape().getShape();
            tensors.put(name, dtype.equals("F16") ? Safetensors.Tensor.ofHalves(values, shape) : Safetensors.Tensor.ofFloats(values, shape));
        }
        return tensors;
    }

    private static void removeStaleWeights(Path dir, List<String> written) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                boolean weights = name.equals(SINGLE) || name.equals(INDEX) || SHARD.matcher(name).matches();
                if (weights && !written.contains(name)) Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove old weights in " + dir + ": " + e.getMessage(), e);
        }
    }
}
