package org.tinymem.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinymem.eval.Perplexity;

class NextTokenLossTest {

    private static List<int[]> randomRows(int rows, int length, int vocab, long seed) {
        Random random = new Random(seed);
        return java.util.stream.IntStream.range(0, rows)
                .mapToObj(r -> random.ints(length, 0, vocab).toArray()).toList();
    }

    /** Every parameter's gradient of {@code actual} equals {@code expected}'s, to 1e-3 of the tensor's largest. */
    private static void assertSameGradients(Gpt expected, Gpt actual) {
        expected.parameters().forEach((name, p) -> {
            float[] b = p.getGradient().toFloatArray();
            float[] a = actual.parameters().get(name).getGradient().toFloatArray();
            double scale = 1e-6;
            for (float v : b) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-3 * scale, name + "[" + i + "]");
        });
    }

    /** The sliced large-vocabulary loss equals logSoftmax + gather in value and in every gradient. */
    @Test
    void slicedLossMatchesTheFullLossAndItsGradients() {
        GptConfig config = new GptConfig(NextTokenLoss.CHUNKED_VOCAB + 100, 150, 32, 4, 1, -1, 1e-5, 0.8);
        // two identical models: gradients accumulate, so each backward gets its own parameters
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(config, 3, manager);
             Gpt reference = Gpt.initialize(config, 3, manager)) {
            // 9 rows × 149 targets > one 1,024-position slice, so slices and their concatenation are exercised.
            NDArray tokens = TokenBatch.pack(manager, randomRows(9, 150, config.vocabSize(), 4), -1);
            float slicedLoss;
            float fullLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NextTokenLoss.Terms terms = NextTokenLoss.of(model, tokens, Intervention.NONE);
                assertNull(terms.logits(), "large vocabularies never materialise the logits");
                // a non-uniform weighting of positions (as loss truncation uses) must get exact gradients too
                NDArray loss = terms.perSequence().mul(manager.arange(1f, 10f)).mean();
                collector.backward(loss);
                slicedLoss = loss.getFloat();
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray inputs = tokens.get(":, :-1");
                NDArray targets = tokens.get(":, 1:");
                NDArray nll = reference.logits(inputs, Intervention.NONE).logSoftmax(-1).gather(targets.expandDims(-1), -1)
                        .squeeze(-1).neg();
                NDArray loss = nll.mean(new int[] {1}).mul(manager.arange(1f, 10f)).mean();
                collector.backward(loss);
                fullLoss = loss.getFloat();
            }
            assertEquals(fullLoss, slicedLoss, 1e-4);
            assertSameGradients(reference, model);
        }
    }

    /**
     * The flagged-positions path (only the flagged targets go through the head) gives each row's masked nll sum
     * and the masked probability sum of the full loss, and the same gradients.
     */
    @Test
    void flaggedPositionsOnlyGiveTheMaskedSumsAndGradients() {
        GptConfig config = new GptConfig(NextTokenLoss.CHUNKED_VOCAB + 100, 150, 32, 4, 1, -1, 1e-5, 0.8);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(config, 5, manager);
             Gpt reference = Gpt.initialize(config, 5, manager)) {
            // 12 rows × 59 targets: 708 positions, 7 × 20 = 140 flagged after a per-row prompt of different lengths
            NDArray tokens = TokenBatch.pack(manager, randomRows(12, 60, config.vocabSize(), 6), -1);
            float[] flags = new float[12 * 59];
            for (int r = 0; r < 12; r++) for (int j = 30 + r % 3; j < 59 && j < 50 + r % 3; j++) flags[r * 59 + j] = 1f;
            flags[5 * 59 + 2] = 1f; // one isolated flag
            NDArray mask = manager.create(flags, new ai.djl.ndarray.types.Shape(12, 59));
            float[] flagged;
            float flaggedProbability;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray sums = NextTokenLoss.flaggedRowSums(model, tokens, mask, Intervention.NONE);
                NDArray probability = NextTokenLoss.flaggedProbabilitySum(model, tokens, mask, Intervention.NONE);
                flagged = sums.toFloatArray();
                flaggedProbability = probability.getFloat();
                collector.backward(sums.mul(manager.arange(1f, 13f)).sum().add(probability));
            }
            float[] full;
            float fullProbability;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray nll = reference.logits(tokens.get(":, :-1"), Intervention.NONE).logSoftmax(-1)
                        .gather(tokens.get(":, 1:").expandDims(-1), -1).squeeze(-1).neg();
                NDArray sums = nll.mul(mask).sum(new int[] {1});
                NDArray probability = nll.neg().exp().mul(mask).sum();
                full = sums.toFloatArray();
                fullProbability = probability.getFloat();
                collector.backward(sums.mul(manager.arange(1f, 13f)).sum().add(probability));
            }
            assertEquals(12, flagged.length);
            for (int r = 0; r < 12; r++) assertEquals(full[r], flagged[r], 1e-3 + 1e-5 * Math.abs(full[r]), "row " + r);
            assertEquals(fullProbability, flaggedProbability, 1e-5 + 1e-5 * fullProbability);
            assertSameGradients(reference, model);
            NDArray none = manager.zeros(new ai.djl.ndarray.types.Shape(12, 59));
            assertThrows(IllegalArgumentException.class, () -> NextTokenLoss.flaggedRowSums(model, tokens, none, Intervention.NONE));
        }
    }

    /**
     * Rows of different lengths without a pad token (a language model's memorized rows and retain
     * chunks): each row's loss is the loss of that row alone, and the filler's targets do not count.
     */
    @Test
    void raggedRowsWithoutAPadTokenScoreOnlyTheirOwnTargets() {
        GptConfig config = new GptConfig(NextTokenLoss.CHUNKED_VOCAB + 100, 150, 32, 4, 1, -1, 1e-5, 0.8);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(config, 7, manager)) {
            List<int[]> rows = List.of(randomRows(1, 100, config.vocabSize(), 1).get(0),
                    randomRows(1, 150, config.vocabSize(), 2).get(0), randomRows(1, 73, config.vocabSize(), 3).get(0));
            assertThrows(IllegalArgumentException.class, () -> TokenBatch.pack(manager, rows, -1), "plain packing refuses");
            TokenBatch.Packed packed = TokenBatch.packWithMask(manager, rows, -1);
            assertEquals(99 + 149 + 72, packed.targetMask().sum().getFloat(), 1e-6);
            float[] together = NextTokenLoss.of(model, packed, Intervention.NONE).perSequence().toFloatArray();
            for (int r = 0; r < rows.size(); r++) {
                float alone = NextTokenLoss.mean(model, TokenBatch.pack(manager, List.of(rows.get(r)), -1)).getFloat();
                assertEquals(alone, together[r], 1e-4, "row " + r);
            }
        }
    }

    /** A model whose logits are all equal predicts uniformly: its perplexity is the vocabulary size. */
    @Test
    void perplexityOfAUniformModelIsTheVocabularySize() {
        GptConfig config = new GptConfig(50_257, 150, 32, 4, 1, -1, 1e-5, 0.8);
        Map<String, float[]> zeros = new HashMap<>();
        Gpt.shapes(config).forEach((name, shape) -> zeros.put(name, new float[(int) Safetensors.elementCount(shape)]));
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.fromParameters(config, zeros, manager)) {
            double perplexity = Perplexity.of(model, randomRows(3, 150, config.vocabSize(), 1));
            assertEquals(50_257, perplexity, 50_257 * 1e-4);
        }
    }
}
