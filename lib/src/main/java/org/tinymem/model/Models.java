package org.tinymem.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;

/** Model directories of every architecture, read and written in HuggingFace layout. */
public final class Models {
    private Models() {}

    /** The model in {@code dir}. */
    public static CausalLm load(Path dir, NDManager manager) {
        return ModelFiles.load(dir, manager);
    }

    /** Writes {@code model} to {@code dir} (atomically, file by file). */
    public static void save(CausalLm model, Path dir, Map<String, String> metadata) {
        if (model instanceof Gpt gpt) {
            ModelFiles.save(gpt, dir, metadata);
        } else {
            throw new IllegalArgumentException("no writer for " + model.getClass().getSimpleName());
        }
    }

    /** Trainable parameters counted from the arrays (a tied head is one tensor). */
    public static long parameterCount(CausalLm model) {
        return model.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
    }
}
