package org.tinymem.unlearn;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Safetensors;

/**
 * An edit kept on disk: the tensors of an edited model that differ from the model it was edited from,
 * float32 in a safetensors file under their HuggingFace names. The MLP-only methods change a handful of
 * tensors (the quick language model's MLPs are 2 MB of its 29 MB), the fine-tuning baselines every one.
 * With the original weights it gives the edited model back exactly ({@link UnlearnRuns} checks the result
 * against the edited model's fingerprint).
 */
public final class EditFile {
    private EditFile() {}

    /**
     * Writes the tensors of {@code edited} that differ (any value, bit for bit) from {@code original}'s, atomically.
     *
     * @return how many tensors were written
     */
    public static int write(Path file, CausalLm original, CausalLm edited) {
        Map<String, NDArray> before = original.parameters();
        Map<String, Safetensors.Tensor> changed = new LinkedHashMap<>();
        edited.parameters().forEach((name, array) -> {
            NDArray old = before.get(name);
            if (old == null || !old.getShape().equals(array.getShape())) {
                throw new IllegalArgumentException("the edited model's " + name + " " + array.getShape()
                        + " has no match in the original model: an edit changes values, not the architecture");
            }
            float[] values = array.toFloatArray();
            if (!Arrays.equals(values, old.toFloatArray())) {
                changed.put(name, Safetensors.Tensor.ofFloats(values, array.getShape().getShape()));
            }
        });
        Safetensors.write(file, changed, Map.of("format", "pt", "content", "tensors changed by an unlearning edit"));
        return changed.size();
    }

    /** Overwrites {@code model}'s tensors (in place) with the file's; a name or shape it lacks is an error. */
    public static void apply(Path file, CausalLm model) {
        Map<String, NDArray> parameters = model.parameters();
        Safetensors.read(file).tensors().forEach((name, tensor) -> {
            NDArray target = parameters.get(name);
            if (target == null || !Arrays.equals(target.getShape().getShape(), tensor.shape())) {
                throw new IllegalArgumentException(file + ": tensor " + name + " " + Arrays.toString(tensor.shape())
                        + " does not fit the model (" + (target == null ? "no such tensor" : target.getShape()) + ")");
            }
            target.set(FloatBuffer.wrap(tensor.floats()));
        });
    }
}
