package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.util.AtomicFiles;

/**
 * A model directory as HuggingFace lays it out: {@code model.safetensors} (GPT-2 tensor names) and
 * {@code config.json} (GPT-2 keys). Both are written atomically, so an interrupted save never
 * leaves a broken model behind.
 */
public final class ModelFiles {
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";

    private ModelFiles() {}

    public static void save(Gpt model, Path dir, Map<String, String> metadata) {
        Map<String, Safetensors.Tensor> tensors = toTensors(model.parameters());
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");
        Safetensors.write(dir.resolve(WEIGHTS), tensors, meta);
        AtomicFiles.writeString(dir.resolve(CONFIG),
                new GsonBuilder().setPrettyPrinting().create().toJson(model.config().toHuggingFace()) + "\n");
    }

    /** Float32 tensors of named arrays, in map order. */
    public static Map<String, Safetensors.Tensor> toTensors(Map<String, NDArray> arrays) {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        arrays.forEach((name, array) -> tensors.put(name,
                Safetensors.Tensor.ofFloats(array.toFloatArray(), array.getShape().getShape())));
        return tensors;
    }

    public static GptConfig readConfig(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + CONFIG + " in " + dir + ": is this a TinyMem model directory?");
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            return GptConfig.fromHuggingFace(json);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public static Gpt load(Path dir, NDManager manager) {
        GptConfig config = readConfig(dir);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("no " + WEIGHTS + " in " + dir + ": train a model there first");
        }
        Safetensors.Contents contents = Safetensors.read(weights);
        Map<String, float[]> values = new LinkedHashMap<>();
        contents.tensors().forEach((name, tensor) -> values.put(name, tensor.floats()));
        return Gpt.fromParameters(config, values, manager);
    }
}
