package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;

/**
 * The forget term log(1 − p) on a large vocabulary (language models) is computed slice by slice in
 * the head, never from whole-batch logits; it must equal the logits formula of {@link ForgetLoss} in
 * value and in every gradient, for rows that ascend it and rows that keep the cross-entropy.
 */
class SlicedUnlikelihoodTest {

    @Test
    void slicedUnlikelihoodMatchesTheLogitsFormulaAndItsGradients() {
        GptConfig config = new GptConfig(NextTokenLoss.CHUNKED_VOCAB + 100, 150, 32, 4, 1, -1, 1e-5, 0.8);
        boolean[] forgetRows = {true, false, true, true, false, false, true, false, true};
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(config, 5, manager);
             Gpt reference = Gpt.initialize(config, 5, manager)) {
            Random random = new Random(6);
            // 9 rows × 149 targets span two 1,024-position slices
            List<int[]> rows = java.util.stream.IntStream.range(0, 9)
                    .mapToObj(r -> random.ints(150, 0, config.vocabSize()).toArray()).toList();
            NDArray tokens = TokenBatch.pack(manager, rows, -1);
            NDArray weights = manager.arange(1f, 10f);
            float slicedLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NextTokenLoss.Terms terms = NextTokenLoss.withUnlikelihood(model, TokenBatch.packWithMask(manager, rows, -1),
                        Intervention.NONE, forgetRows);
                assertNull(terms.logits(), "the logits are never materialised");
                NDArray loss = terms.perSequence().mul(weights).sum();
                collector.backward(loss);
                slicedLoss = loss.getFloat();
            }
            Map<String, float[]> sliced = new HashMap<>();
            model.parameters().forEach((name, p) -> sliced.put(name, p.getGradient().toFloatArray()));
            float fullLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NextTokenLoss.Terms terms = NextTokenLoss.of(reference, tokens, Intervention.NONE, false);
                float[] flags = new float[forgetRows.length];
                for (int r = 0; r < flags.length; r++) flags[r] = forgetRows[r] ? 1f : 0f;
                NDArray flag = manager.create(flags).expandDims(1);
                NDArray values = terms.nll().mul(flag.neg().add(1)).add(ForgetLoss.UNLIKELIHOOD.perToken(terms).mul(flag));
                NDArray loss = values.mean(new int[] {1}).mul(weights).sum();
                collector.backward(loss);
                fullLoss = loss.getFloat();
            }
            assertEquals(fullLoss, slicedLoss, 1e-4 * Math.abs(fullLoss));
            reference.parameters().forEach((name, p) -> {
                float[] expected = p.getGradient().toFloatArray();
                float[] actual = sliced.get(name);
                double scale = 1e-6;
                for (float v : expected) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-3 * scale, name + "[" + i + "]");
            });
        }
    }

    /** A confident model (p → 1): log(1 − p) stays finite and matches the logits formula. */
    @Test
    void unlikelihoodOfAConfidentPredictionIsFinite() {
        GptConfig config = new GptConfig(NextTokenLoss.CHUNKED_VOCAB + 100, 150, 16, 2, 1, -1, 1e-5, 0.8);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(config, 2, manager)) {
            // scale the head so one token dominates every prediction
            NDArray head = model.outputEmbedding(Intervention.NONE);
            head.muli(200f);
            // the model's own greedy continuation: every target is its confident prediction
            int[] sequence = {1, 0, 0, 0, 0, 0};
            for (int t = 1; t < sequence.length; t++) {
                NDArray prefix = TokenBatch.pack(manager, List.of(java.util.Arrays.copyOf(sequence, t)), -1);
                sequence[t] = (int) model.logits(prefix, Intervention.NONE).get(":, -1, :").argMax(-1).getLong(0);
            }
            TokenBatch.Packed packed = TokenBatch.packWithMask(manager, List.of(sequence), -1);
            NDArray tokens = packed.tokens();
            NextTokenLoss.Terms full = NextTokenLoss.of(model, tokens, Intervention.NONE, false);
            float[] expected = ForgetLoss.UNLIKELIHOOD.perToken(full).toFloatArray();
            float[] actual = NextTokenLoss.withUnlikelihood(model, packed, Intervention.NONE, new boolean[] {true}).nll()
                    .toFloatArray();
            double lowest = 0;
            for (float value : expected) lowest = Math.min(lowest, value);
            assertEquals(true, lowest < -5, "some target has p > 0.99: log(1 - p) = " + lowest);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-3 * Math.max(1, Math.abs(expected[i])), "position " + i);
                assertEquals(true, Float.isFinite(actual[i]), "finite at " + i);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> NextTokenLoss.withUnlikelihood(model, packed, Intervention.NONE, new boolean[] {true, false}));
        }
    }
}
