package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.model.NextTokenLoss;

class ForgetTermTest {

    @Test
    void rolesMarkPromptSharedAndArtifactTokens() {
        MemorizationProbe probe = new MemorizationProbe(new int[] {1, 2}, new int[] {3, 9, 5}, new int[] {3, 4, 5}, "x1");
        assertArrayEquals(new int[] {1, 2, 3, 9, 5}, UnlearnSets.fullSequence(probe));
        assertArrayEquals(new int[] {UnlearnSets.PROMPT, UnlearnSets.PROMPT, UnlearnSets.CONTINUATION, UnlearnSets.ARTIFACT,
                UnlearnSets.CONTINUATION}, UnlearnSets.roles(probe));
        assertTrue(UnlearnTokens.SEQUENCE.includes(UnlearnSets.PROMPT));
        assertFalse(UnlearnTokens.CONTINUATION.includes(UnlearnSets.PROMPT));
        assertTrue(UnlearnTokens.CONTINUATION.includes(UnlearnSets.CONTINUATION));
        assertFalse(UnlearnTokens.ARTIFACT.includes(UnlearnSets.CONTINUATION));
        assertTrue(UnlearnTokens.ARTIFACT.includes(UnlearnSets.ARTIFACT));
        assertEquals(UnlearnTokens.ARTIFACT, UnlearnTokens.parse("artifact"));
        assertThrows(IllegalArgumentException.class, () -> UnlearnTokens.parse("all"));
    }

    @Test
    void unlikelihoodIsLogOfOneMinusPAndStableWhenPIsNearOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // one row, two positions, vocabulary 3; the second position is confidently right (p ≈ 1 − 4e-9)
            NDArray logits = manager.create(new float[] {0, 1, 2, 20, 0, 0}, new Shape(1, 2, 3));
            NDArray targets = manager.create(new int[] {2, 0}, new Shape(1, 2));
            NDArray nll = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1).neg();
            NextTokenLoss.Terms terms = new NextTokenLoss.Terms(nll, nll.onesLike(), logits, targets);
            float[] values = ForgetLoss.UNLIKELIHOOD.perToken(terms).toFloatArray();
            double p = Math.exp(2) / (1 + Math.E + Math.exp(2));
            assertEquals(Math.log(1 - p), values[0], 1e-5);
            assertEquals(Math.log(2) - 20, values[1], 1e-3, "log(2e^0 / (e^20 + 2)), finite although 1 − p underflows");
            assertArrayEquals(nll.toFloatArray(), ForgetLoss.ASCENT.perToken(terms).toFloatArray());
            assertEquals(ForgetLoss.UNLIKELIHOOD, ForgetLoss.parse("unlikelihood"));
        }
    }
}
