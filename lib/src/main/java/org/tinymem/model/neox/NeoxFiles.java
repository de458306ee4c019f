package org.tinymem.model.neox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.model.HfCheckpoint;

/**
 * A GPT-NeoX model directory as {@code GPTNeoXForCausalLM.save_pretrained} writes it and
 * {@code from_pretrained} reads it: {@code config.json} plus {@code model.safetensors} or
 * sharded safetensors with an index ({@link HfCheckpoint}).
 *
 * <p>Dtype decision: TinyMem computes in float32 on the CPU. F16 and BF16 checkpoints (Pythia ships
 * float16) are widened to float32 tensor by tensor as they are read, so a loaded model takes
 * 4 bytes per parameter of native memory (Pythia-6.9B: 27.4 GB) and the load itself needs at most
 * one extra tensor in the Java heap on top (the largest, the embedding, is 0.4 GB in fp16 plus its
 * 0.8 GB float32 copy for 6.9B). Writing is float32 by default; F16 is available for exchange.
 */
public final class NeoxFiles {
    /** Tensors HF keeps as buffers in some versions' state dicts; they are derived, not learned, so skipped. */
    private static final String[] BUFFERS = {".attention.bias", ".attention.masked_bias", ".attention.rotary_emb.inv_freq"};

    private NeoxFiles() {}

    public static NeoxConfig readConfig(Path dir) {
        return NeoxConfig.fromHuggingFace(HfCheckpoint.readConfig(dir));
    }

    /** Float32, one file. */
    public static void save(GptNeoX model, Path dir, Map<String, String> metadata) {
        save(model, dir, metadata, "F32", 0);
    }

    /**
     * Writes {@code config.json} (recording {@code torch_dtype}) and the weights as {@code dtype}
     * ("F32" or "F16"), sharded when {@code maxShardBytes > 0} and the weights exceed it.
     */
    public static void save(GptNeoX model, Path dir, Map<String, String> metadata, String dtype, long maxShardBytes) {
        HfCheckpoint.write(dir, model.parameters(), dtype, maxShardBytes, metadata);
        NeoxConfig config = model.config().withTorchDtype(dtype.equals("F16") ? "float16" : "float32");
        HfCheckpoint.writeConfig(dir, config.toHuggingFace());
    }

    /**
     * Loads a directory: every parameter of {@link GptNeoX#shapes} must be present with its shape;
     * HF buffers are skipped; any other tensor is an error (it means config.json does not describe
     * these weights).
     */
    public static GptNeoX load(Path dir, NDManager parent) {
        NeoxConfig config = readConfig(dir);
        Map<String, long[]> expected = GptNeoX.shapes(config);
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            HfCheckpoint.read(dir, (name, tensor) -> {
                if (Arrays.stream(BUFFERS).anyMatch(name::endsWith)) return;
                if (config.tieWordEmbeddings() && name.equals("embed_out.weight")) return; // tied: the head is embed_in
                long[] shape = expected.get(name);
                if (shape == null) {
                    throw new IllegalArgumentException("tensor '" + name + "' in " + dir + " is not a parameter of the GPT-NeoX model"
                            + " config.json describes (layers " + config.layers() + "): config and weights do not match");
                }
                if (!Arrays.equals(shape, tensor.shape())) {
                    throw new IllegalArgumentException("tensor '" + name + "' in " + dir + " has shape " + Arrays.toString(tensor.shape())
                            + ", config.json implies " + Arrays.toString(shape) + ": config and weights do not match");
                }
                float[] values;
                try {
                    values = tensor.floats();
                } catch (IllegalStateException e) {
                    throw new IllegalArgumentException("tensor '" + name + "' in " + dir + ": " + e.getMessage(), e);
                }
                arrays.put(name, manager.create(values, new Shape(shape)));
            });
            for (String name : expected.keySet()) {
                if (!arrays.containsKey(name)) {
                    throw new IllegalArgumentException("the weights in " + dir + " lack tensor '" + name + "' of shape "
                            + Arrays.toString(expected.get(name)) + ": incomplete checkpoint or wrong config.json");
                }
            }
            return GptNeoX.ofArrays(config, arrays, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
