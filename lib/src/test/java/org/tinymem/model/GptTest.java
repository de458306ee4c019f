package org.tinymem.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GptTest {

    @ParameterizedTest
    @CsvSource({"2,417792", "4,814336", "8,1607424", "16,3193600"})
    void mathParameterCountsMatchTable4(int layers, long expected) {
        assertEquals(expected, GptConfig.math(layers).parameterCount());
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(layers), 1, manager)) {
            assertEquals(expected, model.parameterCount());
        }
    }

    @Test
    void languageParameterCountsMatchSpec() {
        assertEquals(6_848_896, GptConfig.language(2).parameterCount());
        assertEquals(9_624_704, GptConfig.language(16).parameterCount());
    }

    @Test
    void initialisationFollowsTheSpec() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(4), 7, manager)) {
            float[] wte = model.parameters().get("transformer.wte.weight").toFloatArray();
            float[] proj = model.parameters().get("transformer.h.0.mlp.c_proj.weight").toFloatArray();
            double std = 0.8 / Math.sqrt(128);
            assertEquals(std, standardDeviation(wte), std * 0.1);
            assertEquals(std / Math.sqrt(8), standardDeviation(proj), std / Math.sqrt(8) * 0.05);
            for (float b : model.parameters().get("transformer.h.1.attn.c_attn.bias").toFloatArray()) assertEquals(0f, b);
            for (float g : model.parameters().get("transformer.ln_f.weight").toFloatArray()) assertEquals(1f, g);
        }
    }

    /** bench eval's reference path: decoding without the cache gives the cached continuations, batched and chunked. */
    @Test
    void recomputingDecodingEqualsCachedDecodingForABatch() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(2), 5, manager)) {
            List<int[]> prompts = List.of(new int[] {10, 1, 2, 12, 3}, new int[] {10, 4, 4, 11, 9}, new int[] {10, 7, 0, 12, 1});
            int[][] cached = Generator.greedy(model, prompts, 9);
            int[][] recomputed = Generator.greedyRecomputing(model, prompts, 9);
            for (int r = 0; r < prompts.size(); r++) assertArrayEquals(cached[r], recomputed[r], "row " + r);
            List<int[]> chunked = Generator.greedy(model, prompts, 9, 2, Generator.Decoding.RECOMPUTE);
            for (int r = 0; r < prompts.size(); r++) assertArrayEquals(cached[r], chunked.get(r), "chunked row " + r);
            assertThrows(IllegalArgumentException.class,
                    () -> Generator.greedyRecomputing(model, List.of(new int[] {1, 2}, new int[] {1}), 3));
        }
    }

    @Test
    void cachedDecodingMatchesTheFullForwardPass() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(2), 3, manager)) {
            int[] prompt = {10, 1, 2, 12, 3, 4, 12, 5};
            int[] generated = Generator.greedy(model, List.of(prompt), 12)[0];
            // Recompute greedily without the cache, one full forward per token.
            int[] sequence = java.util.Arrays.copyOf(prompt, prompt.length + 12);
            for (int t = 0; t < 12; t++) {
                int length = prompt.length + t;
                NDArray ids = TokenBatch.pack(manager, List.of(java.util.Arrays.copyOf(sequence, length)), 13);
                NDArray logits = model.logits(ids, Intervention.NONE);
                sequence[length] = (int) logits.get(new NDIndex("0, -1, :")).argMax().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
                assertEquals(sequence[length], generated[t], "token " + t);
            }
        }
    }

    @Test
    void copyIsIndependentOfTheOriginal() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(2), 3, manager)) {
            float[] before = model.parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray();
            try (Gpt copy = model.copy()) {
                copy.parameters().get("transformer.h.0.mlp.c_fc.weight").muli(0);
                assertEquals(0f, copy.parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray()[0], 0f);
            }
            assertArrayEquals(before, model.parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray());
        }
    }

    @Test
    void contextLengthIsEnforced() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(2), 3, manager)) {
            NDArray tooLong = manager.zeros(new ai.djl.ndarray.types.Shape(1, 151), ai.djl.ndarray.types.DataType.INT64);
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> model.logits(tooLong, Intervention.NONE));
            assertTrue(error.getMessage().contains("context"));
        }
    }

    private static double standardDeviation(float[] values) {
        double mean = 0;
        for (float v : values) mean += v;
        mean /= values.length;
        double var = 0;
        for (float v : values) var += (v - mean) * (v - mean);
        return Math.sqrt(var / values.length);
    }
}
