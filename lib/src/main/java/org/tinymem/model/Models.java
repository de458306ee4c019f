package org.tinymem.model;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tinymem.model.neox.GptNeoX;
import org.tinymem.model.neox.NeoxFiles;

/**
 * Loads and saves any supported model directory, choosing the architecture from {@code config.json}'s
 * {@code model_type} as HF's {@code AutoModelForCausalLM} does: "gpt2" ({@link Gpt}, TinyMem's own
 * models) or "gpt_neox" ({@link GptNeoX}, Pythia).
 */
public final class Models {
    /** The {@code model_type} values this library loads. */
    public static final List<String> SUPPORTED = List.of("gpt2", "gpt_neox");

    private Models() {}

    /** {@code config.json}'s {@code model_type}; a missing file or key is a one-line error. */
    public static String modelType(Path dir) {
        JsonElement type = HfCheckpoint.readConfig(dir).get("model_type");
        if (type == null || type.isJsonNull()) {
            throw new IllegalArgumentException(dir.resolve(HfCheckpoint.CONFIG) + " lacks 'model_type'; supported: " + SUPPORTED);
        }
        return type.getAsString();
    }

    public static CausalLm load(Path dir, NDManager manager) {
        String type = modelType(dir);
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException(dir + " holds a '" + type + "' model; supported model_type values: " + SUPPORTED);
        }
        HfCheckpoint.requireSafetensors(dir);
        return switch (type) {
            case "gpt2" -> ModelFiles.load(dir, manager);
            default -> NeoxFiles.load(dir, manager);
        };
    }

    /** Writes {@code config.json} + weights in the model's HF layout (float32, one file). */
    public static void save(CausalLm model, Path dir, Map<String, String> metadata) {
        if (model instanceof Gpt gpt) {
            ModelFiles.save(gpt, dir, metadata);
        } else if (model instanceof GptNeoX neox) {
            NeoxFiles.save(neox, dir, metadata);
        } else {
            throw new IllegalArgumentException("cannot save a " + model.getClass().getSimpleName() + "; supported: Gpt, GptNeoX");
        }
    }

    /** Trainable parameters counted from the arrays (a tied head is one tensor). */
    public static long parameterCount(CausalLm model) {
        return model.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
    }
}
