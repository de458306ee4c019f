package org.tinymem.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinymem.unlearn.Gradients;

/**
 * Constants that autograd keeps must outlive the Java objects DJL wraps them in ({@link Scalars}): a
 * backward pass run after the garbage collector has freed DJL's temporary constants and their memory
 * has been handed out again (here filled with 1e30) must give the same gradients as one run at once.
 */
class ScalarsTest {

    @Test
    void gpt2GradientsDoNotReadConstantsTheCollectorFreed() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(GptConfig.math(2), 3, manager)) {
            assertUndisturbed(model, 13);
        }
    }

    @Test
    void neoxGradientsDoNotReadConstantsTheCollectorFreed() {
        org.tinymem.model.neox.NeoxConfig config = new org.tinymem.model.neox.NeoxConfig(50, 32, 4, 2, 128, 32, 0.25, 10_000,
                1e-5, true, false, true, 0, 0, "float32", -1, 0.02);
        try (NDManager manager = NDManager.newBaseManager();
             org.tinymem.model.neox.GptNeoX model = org.tinymem.model.neox.GptNeoX.initialize(config, 3, manager)) {
            assertUndisturbed(model, 50);
        }
    }

    private static void assertUndisturbed(CausalLm model, int vocab) {
        int[] ids = new Random(5).ints(4 * 12, 0, vocab).toArray();
        Map<String, float[]> calm = gradients(model, ids, false);
        Map<String, float[]> disturbed = gradients(model, ids, true);
        assertEquals(calm.keySet(), disturbed.keySet());
        calm.forEach((name, values) -> assertArrayEquals(values, disturbed.get(name),
                name + ": gradient changed when freed memory was reused between forward and backward"));
    }

    @Test
    void gradientsThroughEachConstantDoNotReadFreedMemory() {
        float[] x = {2f, -2f, 4f, 0.5f};
        Shape shape = new Shape(4);
        java.util.function.Function<NDArray, NDArray> all = a -> Scalars.dividedBy(Scalars.atLeast(Scalars.times(a, 0.5), 0.6), 4)
                .mul(a.add(Scalars.of(a, 3)));
        float[] calm = FreedMemory.gradient(x, shape, all, false);
        // d/da [max(a/2, 0.6)/4 · (a + 3)]: a/2 > 0.6 → a(a+3)/8 → (2a+3)/8; else 0.6(a+3)/4 → 0.15
        assertArrayEquals(new float[] {(4 + 3) / 8f, 0.15f, (8 + 3) / 8f, 0.15f}, calm, 1e-6f);
        assertArrayEquals(calm, FreedMemory.gradient(x, shape, all, true), "a constant was read from freed memory");
    }

    @Test
    void constantsHaveTheArraysTypeAndValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1f, -2f, 4f});
            assertArrayEquals(new float[] {0.5f, -1f, 2f}, Scalars.times(x, 0.5).toFloatArray());
            assertArrayEquals(new float[] {0.25f, -0.5f, 1f}, Scalars.dividedBy(x, 4).toFloatArray());
            assertArrayEquals(new float[] {1f, 0f, 4f}, Scalars.atLeast(x, 0).toFloatArray());
            assertEquals(new Shape(), Scalars.of(x, 3).getShape());
            assertEquals(x.getDataType(), Scalars.of(x, 3).getDataType());
        }
    }

    private static Map<String, float[]> gradients(CausalLm model, int[] ids, boolean disturb) {
        List<ByteBuffer> reused = new ArrayList<>();
        try (NDManager step = model.manager().newSubManager()) {
            NDArray tokens = step.create(ids, new Shape(4, 12));
            Gradients.backward(() -> {
                NDArray loss = NextTokenLoss.of(model, tokens, Intervention.NONE).mean();
                if (disturb) FreedMemory.reuse(reused);
                return loss;
            });
            Map<String, float[]> out = new java.util.LinkedHashMap<>();
            Gradients.take(model.parameters(), step).forEach((name, g) -> out.put(name, g.toFloatArray()));
            return out;
        } finally {
            reused.clear();
        }
    }
}
