package org.tinymem.model.neox;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.model.CausalLm;
import org.tinymem.model.HfCheckpoint;
import org.tinymem.model.Models;

/** What a user sees when a model directory is not what the loader needs: one line naming the problem. */
class NeoxFilesTest {
    @TempDir
    Path dir;

    private void writeModel(long shardBytes) {
        try (NDManager manager = NDManager.newBaseManager();
             GptNeoX model = GptNeoX.initialize(NeoxReference.small(0.25, true, false, true), 1, manager)) {
            NeoxFiles.save(model, dir, Map.of(), "F32", shardBytes);
        }
    }

    private IllegalArgumentException loadFails() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(dir, manager).close());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            return e;
        }
    }

    private void editConfig(Consumer<JsonObject> edit) throws IOException {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        edit.accept(config);
        Files.writeString(dir.resolve("config.json"), config.toString());
    }

    @Test
    void writtenConfigHasHuggingFaceKeysAndReadsBack() throws IOException {
        writeModel(0);
        String text = Files.readString(dir.resolve("config.json"));
        for (String key : new String[] {"\"model_type\": \"gpt_neox\"", "\"GPTNeoXForCausalLM\"", "\"rotary_pct\": 0.25",
                "\"use_parallel_residual\": true", "\"hidden_act\": \"gelu\"", "\"torch_dtype\": \"float32\""}) {
            assertTrue(text.contains(key), key + " in " + text);
        }
        assertEquals(NeoxReference.small(0.25, true, false, true), NeoxFiles.readConfig(dir));
        assertEquals("pt", org.tinymem.model.Safetensors.list(dir.resolve("model.safetensors")).metadata().get("format"),
                "transformers refuses safetensors without format=pt");
    }

    @Test
    void configKeysFollowGptNeoXConfig() {
        JsonObject json = NeoxReference.small(0.25, true, false, true).toHuggingFace();
        json.remove("rotary_emb_base");
        json.addProperty("rope_theta", 500.0);
        assertEquals(500.0, NeoxConfig.fromHuggingFace(json).rotaryBase());
        json.addProperty("hidden_act", "gelu_new");
        IllegalArgumentException act = assertThrows(IllegalArgumentException.class, () -> NeoxConfig.fromHuggingFace(json));
        assertTrue(act.getMessage().contains("gelu_new"), act.getMessage());
    }

    @Test
    void missingConfigKeyIsNamed() throws IOException {
        writeModel(0);
        editConfig(c -> c.remove("intermediate_size"));
        assertTrue(loadFails().getMessage().contains("lacks 'intermediate_size'"));
    }

    @Test
    void wrongShapeNamesTheTensorAndBothShapes() throws IOException {
        writeModel(0);
        editConfig(c -> c.addProperty("intermediate_size", 64));
        String message = loadFails().getMessage();
        assertTrue(message.contains("gpt_neox.layers.0.mlp.dense_h_to_4h.weight") && message.contains("[128, 32]")
                && message.contains("[64, 32]"), message);
    }

    @Test
    void missingShardIsNamed() throws IOException {
        writeModel(30_000);
        Path shard;
        try (Stream<Path> files = Files.list(dir)) {
            shard = files.filter(f -> f.getFileName().toString().startsWith("model-00002-of-")).findFirst().orElseThrow();
        }
        Files.delete(shard);
        String message = loadFails().getMessage();
        assertTrue(message.contains(shard.getFileName().toString()) && message.contains("missing"), message);
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        writeModel(0);
        editConfig(c -> c.addProperty("num_hidden_layers", 3));
        assertTrue(loadFails().getMessage().contains("lack tensor 'gpt_neox.layers.2.input_layernorm.weight'"));
    }

    @Test
    void unknownModelTypeListsTheSupportedOnes() throws IOException {
        writeModel(0);
        editConfig(c -> c.addProperty("model_type", "llama"));
        String message = loadFails().getMessage();
        assertTrue(message.contains("'llama'") && message.contains("gpt2") && message.contains("gpt_neox"), message);
    }

    @Test
    void pickleOnlyCheckpointsAreRefusedWithTheConversion() throws IOException {
        writeModel(0);
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        String message = loadFails().getMessage();
        assertTrue(message.contains("pickle") && message.contains("safe_serialization=True"), message);
    }

    @Test
    void noConfigIsNamed() {
        assertTrue(loadFails().getMessage().contains("no config.json"));
    }

    @Test
    void hfBuffersAreIgnoredAndRewritingSwitchesLayoutCleanly() throws IOException {
        writeModel(30_000);
        writeModel(0); // single file now: the old index and shards must not shadow or linger
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.Set.of("config.json", "model.safetensors"),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        // Add the buffers older transformers versions saved; loading skips them.
        var contents = org.tinymem.model.Safetensors.read(dir.resolve("model.safetensors"));
        var tensors = new java.util.LinkedHashMap<>(contents.tensors());
        tensors.put("gpt_neox.layers.0.attention.rotary_emb.inv_freq", org.tinymem.model.Safetensors.Tensor.ofFloats(new float[1], 1));
        tensors.put("gpt_neox.layers.0.attention.masked_bias", org.tinymem.model.Safetensors.Tensor.ofFloats(new float[1]));
        org.tinymem.model.Safetensors.write(dir.resolve(HfCheckpoint.SINGLE), tensors, contents.metadata());
        try (NDManager manager = NDManager.newBaseManager(); CausalLm model = Models.load(dir, manager)) {
            assertEquals(2, model.layers());
        }
    }
}
