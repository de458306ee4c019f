package org.tinymem.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void modelRoundTripIsBitExact() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(2), 11, manager)) {
            ModelFiles.save(model, dir, Map.of("note", "test"));
            assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
            String config = Files.readString(dir.resolve("config.json"));
            assertTrue(config.contains("\"model_type\": \"gpt2\""), config);
            assertTrue(config.contains("\"activation_function\": \"relu\""), config);
            try (Gpt loaded = ModelFiles.load(dir, manager)) {
                assertEquals(model.config(), loaded.config());
                for (String name : model.parameters().keySet()) {
                    assertArrayEquals(model.parameters().get(name).toFloatArray(), loaded.parameters().get(name).toFloatArray(), 0f, name);
                }
            }
            Safetensors.Contents contents = Safetensors.read(dir.resolve("model.safetensors"));
            assertEquals("test", contents.metadata().get("note"));
            assertArrayEquals(new long[] {128, 384}, contents.tensors().get("transformer.h.0.attn.c_attn.weight").shape());
            // header length is a multiple of 8 so data is aligned, as safetensors requires
            byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
            long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLength % 8);
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "no temp files left");
        }
    }

    @Test
    void truncatedAndCorruptFilesAreRejectedWithTheFileName() throws Exception {
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, Map.of("a", Safetensors.Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2)), Map.of());
        assertArrayEquals(new float[] {1, 2, 3, 4}, Safetensors.read(file).tensors().get("a").floats());
        byte[] bytes = Files.readAllBytes(file);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> Safetensors.read(truncated));
        assertTrue(e1.getMessage().contains("truncated.safetensors") && e1.getMessage().contains("truncated"), e1.getMessage());

        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, "this is not a model file at all".getBytes());
        assertThrows(IllegalArgumentException.class, () -> Safetensors.read(garbage));

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> Safetensors.read(tiny));

        Path badJson = dir.resolve("badjson.safetensors");
        byte[] copy = bytes.clone();
        copy[8] = 'x';
        Files.write(badJson, copy);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.read(badJson));
    }

    @Test
    void loadingADirectoryWithoutAModelSaysWhatIsMissing() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.load(dir, null));
        assertTrue(error.getMessage().contains("config.json"), error.getMessage());
    }
}
