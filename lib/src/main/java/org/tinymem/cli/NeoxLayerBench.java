package org.tinymem.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.tinymem.model.Intervention;
import org.tinymem.model.KvCache;
import org.tinymem.model.neox.GptNeoX;
import org.tinymem.model.neox.NeoxConfig;

/**
 * {@code tinymem bench neox-layer}: the CPU cost of one GPT-NeoX block of a given width (random fp32
 * weights), to plan real Pythia checkpoints on paper (docs/pythia.md): a block's forward over
 * batch × tokens, its cached decoding step (one new token after tokens − 1 cached), and the LM head,
 * then layers × those as estimates for a whole forward and a greedy generation.
 *
 * <p>The block is a one-layer {@link GptNeoX} with a 2-token vocabulary, so embedding, final
 * LayerNorm and head are negligible in its timings; the head is timed separately as one (rows, d) ×
 * (d, vocab) product.
 */
final class NeoxLayerBench {
    private NeoxLayerBench() {}

    static int run(int hidden, int heads, int intermediate, int vocab, int tokens, int batch, int layers, int repeats) {
        if (tokens < 2 || batch <= 0 || repeats <= 0 || layers <= 0 || vocab < 2) {
            throw new IllegalArgumentException("--tokens must be ≥ 2 and --batch, --repeats, --layers, --vocab positive");
        }
        NeoxConfig block = new NeoxConfig(2, hidden, heads, 1, intermediate, tokens, 0.25, 10_000, 1e-5, true, false, true,
                0, 0, "float32", -1, 0.02);
        long blockParameters = block.parameterCount() - 2L * 2 * hidden - 2L * hidden; // minus the toy embeddings and final norm
        int prompt = tokens / 2;
        double forward;
        double prefill;
        double decode;
        double headAll;
        double headRows;
        try (NDManager manager = NDManager.newBaseManager(); GptNeoX model = GptNeoX.initialize(block, 0, manager)) {
            NDArray full = randomTokens(manager, batch, tokens);
            NDArray promptTokens = randomTokens(manager, batch, prompt);
            forward = median(repeats, () -> model.hidden(full, Intervention.NONE).toFloatArray());
            prefill = median(repeats, () -> model.hidden(promptTokens, Intervention.NONE).toFloatArray());
            decode = decodeStep(model, manager, batch, tokens, repeats);
            NDArray head = manager.randomNormal(0, 0.02f, new Shape(vocab, hidden), DataType.FLOAT32);
            NDArray allRows = manager.randomNormal(new Shape((long) batch * tokens, hidden));
            NDArray lastRows = manager.randomNormal(new Shape(batch, hidden));
            headAll = median(repeats, () -> allRows.matMul(head.transpose()).toFloatArray());
            headRows = median(repeats, () -> lastRows.matMul(head.transpose()).toFloatArray());
        }
        // A greedy generation of (tokens − prompt) new tokens: one prefill of the prompt, then one
        // cached step per further token (decoding projects only the last position).
        int newTokens = tokens - prompt;
        double generation = layers * prefill + headRows + (newTokens - 1) * (layers * decode + headRows);
        System.out.printf("bench neox-layer: hidden=%d heads=%d intermediate=%d tokens=%d batch=%d threads=%s LD_PRELOAD=%s%n",
                hidden, heads, intermediate, tokens, batch, System.getProperty("ai.djl.pytorch.num_threads", "default"),
                System.getenv("LD_PRELOAD"));
        System.out.printf("one block: %,d parameters = %.2f GiB fp32 (%.2f GiB fp16)%n", blockParameters,
                blockParameters * 4 / GIB, blockParameters * 2 / GIB);
        System.out.printf("RESULT layer_forward_s=%.4f layer_prefill_%dtok_s=%.4f layer_decode_step_s=%.4f head_all_rows_s=%.4f"
                + " head_last_rows_s=%.4f%n", forward, prompt, prefill, decode, headAll, headRows);
        System.out.printf("ESTIMATE layers=%d vocab=%d forward_s=%.2f (layers x block + head on every position)"
                + " greedy_%d+%d_s=%.2f per batch of %d%n", layers, vocab, layers * forward + headAll, prompt, newTokens,
                generation, batch);
        System.out.printf("peak RSS %.0f MiB (VmHWM)%n", BenchCommand.peakRssMiB());
        return 0;
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    /** Median seconds of one cached step: one new token per row after tokens − 1 cached positions (prefill untimed). */
    private static double decodeStep(GptNeoX model, NDManager manager, int batch, int tokens, int repeats) {
        double[] seconds = new double[repeats + 1];
        for (int i = 0; i <= repeats; i++) {
            try (KvCache cache = model.newCache(); NDScope ignored = new NDScope()) {
                model.logits(randomTokens(manager, batch, tokens - 1), cache);
                cache.keep(tokens - 1);
                NDArray next = randomTokens(manager, batch, 1);
                long start = System.nanoTime();
                model.nextTokenLogits(next, cache).toFloatArray();
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        return medianOf(Arrays.copyOfRange(seconds, 1, seconds.length)); // the first repeat warms up
    }

    /** Median seconds of {@code repeats} runs after one untimed warm-up, each in its own scope. */
    private static double median(int repeats, Runnable work) {
        double[] seconds = new double[repeats];
        for (int i = -1; i < repeats; i++) {
            try (NDScope ignored = new NDScope()) {
                long start = System.nanoTime();
                work.run();
                if (i >= 0) seconds[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        return medianOf(seconds);
    }

    private static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static NDArray randomTokens(NDManager manager, int batch, int length) {
        Random random = new Random(length);
        long[] ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) ids[i] = random.nextInt(2);
        return manager.create(ids, new Shape(batch, length));
    }
}
