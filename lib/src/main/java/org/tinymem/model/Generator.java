package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy decoding with a KV cache (the memorization measure decodes greedily, §2.1). The prompt is
 * run once; every further token costs one position. Each step runs in its own {@link NDScope} so
 * native memory stays flat.
 */
public final class Generator {
    private Generator() {}

    /**
     * Greedy continuations of {@code newTokens} tokens for prompts that all have the same length.
     */
    public static int[][] greedy(CausalLm model, List<int[]> prompts, int newTokens) {
        if (prompts.isEmpty()) return new int[0][];
        int promptLength = prompts.get(0).length;
        for (int[] prompt : prompts) {
            if (prompt.length != promptLength) {
                throw new IllegalArgumentException("greedy() needs prompts of one length; group them first");
            }
        }
        if (promptLength + newTokens - 1 > model.contextLength()) {
            throw new IllegalArgumentException("prompt " + promptLength + " + " + newTokens + " new tokens exceed the context "
                    + model.contextLength());
        }
        int rows = prompts.size();
        int[][] out = new int[rows][newTokens];
        try (NDManager manager = model.manager().newSubManager(); KvCache cache = model.newCache()) {
            NDArray input = TokenBatch.pack(manager, prompts, 0);
            for (int t = 0; t < newTokens; t++) {
                long[] next;
                try (NDScope ignored = new NDScope()) {
                    NDArray last = model.nextTokenLogits(input, cache);
                    cache.keep((int) input.getShape().get(1));
                    next = last.argMax(-1).toType(DataType.INT64, false).toLongArray();
                }
                for (int r = 0; r < rows; r++) out[r][t] = (int) next[r];
                input.close();
                input = manager.create(next, new Shape(rows, 1));
            }
            input.close();
        }
        return out;
    }

    /** Greedy continuations in chunks of at most {@code batchSize} prompts. */
    public static List<int[]> greedy(CausalLm model, List<int[]> prompts, int newTokens, int batchSize) {
        List<int[]> out = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += batchSize) {
            int[][] chunk = greedy(model, prompts.subList(start, Math.min(prompts.size(), start + batchSize)), newTokens);
            java.util.Collections.addAll(out, chunk);
        }
        return out;
    }
}
