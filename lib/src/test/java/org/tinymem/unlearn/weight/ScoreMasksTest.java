package org.tinymem.unlearn.weight;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreMasksTest {

    @Test
    void straightThroughMaskHasTheRequestedSparsityAndTrainsOnlyTheScores() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            weights.put("w", manager.randomNormal(new Shape(8, 16)));
            weights.put("b", manager.randomNormal(new Shape(16)));
            weights.values().forEach(w -> w.setRequiresGradient(true));
            try (ScoreMasks masks = new ScoreMasks(manager, weights, 0.25, 7)) {
                for (String name : weights.keySet()) {
                    float[] hard = masks.hard(name, manager).toFloatArray();
                    long zeros = 0;
                    for (float v : hard) {
                        assertTrue(v == 0f || v == 1f);
                        zeros += v == 0f ? 1 : 0;
                    }
                    assertEquals(hard.length / 4, zeros, name + ": exactly 25% zeroed");
                }
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray masked = masks.weight("w", weights.get("w"));
                    // forward uses exactly W ⊙ hard
                    assertArrayEquals(weights.get("w").mul(masks.hard("w", manager)).toFloatArray(), masked.toFloatArray(), 0f);
                    collector.backward(masked.sum().add(masks.weight("b", weights.get("b")).sum()));
                }
                for (NDArray score : masks.scores()) {
                    assertTrue(score.getGradient().abs().sum().getFloat() > 0, "gradients reach the scores");
                }
                for (NDArray weight : weights.values()) {
                    assertEquals(0f, weight.getGradient().abs().sum().getFloat(), "frozen weights get no gradient");
                }
            }
        }
    }
}
