package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskTest {

    @Test
    void perTensorZeroesTheLargestScoresOfEachTensor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("a", manager.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4)));
            params.put("b", manager.create(new float[] {9, 10, 11, 12}));
            Map<String, NDArray> scores = Map.of(
                    "a", manager.create(new float[] {0.1f, 5, 0.3f, 7, 0.2f, 0, 9, 0.4f}, new Shape(2, 4)),
                    "b", manager.create(new float[] {3, 1, 2, 0}));
            assertEquals(2 + 1, Mask.zeroTopPerTensor(params, scores, 0.25 + 1e-9)); // floor(0.25·8) = 2, floor(0.25·4) = 1
            assertArrayEquals(new float[] {1, 2, 3, 0, 5, 6, 0, 8}, params.get("a").toFloatArray());
            assertArrayEquals(new float[] {0, 10, 11, 12}, params.get("b").toFloatArray());
        }
    }

    @Test
    void globalRankingCanTakeEverythingFromOneTensor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("a", manager.create(new float[] {1, 2, 3, 4}));
            params.put("b", manager.create(new float[] {5, 6, 7, 8}));
            Map<String, NDArray> scores = Map.of(
                    "a", manager.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}),
                    "b", manager.create(new float[] {9, 1, 8, 7}));
            assertEquals(3, Mask.zeroTopGlobal(params, scores, 3 / 8.0));
            assertArrayEquals(new float[] {1, 2, 3, 4}, params.get("a").toFloatArray(), "no entry of a ranks in the top 3");
            assertArrayEquals(new float[] {0, 6, 0, 0}, params.get("b").toFloatArray());
        }
    }

    @Test
    void countIsTheFloorOfRatioTimesSize() {
        assertEquals(0, Mask.count(1e-5, 65_536));
        assertEquals(655, Mask.count(0.01, 65_536));
        assertEquals(65_536, Mask.count(1, 65_536));
    }
}
