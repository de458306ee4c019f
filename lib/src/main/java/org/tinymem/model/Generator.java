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

    /**
     * The same continuations without a cache: every step runs the whole sequence so far through the
     * model. Quadratic in the continuation's length; kept as the reference that {@code bench eval}
     * times the cache against (issue 17) and that tests compare with.
     */
    public static int[][] greedyRecomputing(CausalLm model, List<int[]> prompts, int newTokens) {
        if (prompts.isEmpty()) return new int[0][];
        int promptLength = prompts.get(0).length;
        if (prompts.stream().anyMatch(p -> p.length != promptLength)) {
            throw new IllegalArgumentException("greedyRecomputing() needs prompts of one length; group them first");
        }
        if (promptLength + newTokens - 1 > model.contextLength()) {
            throw new IllegalArgumentException("prompt " + promptLength + " + " + newTokens + " new tokens exceed the context "
                    + model.contextLength());
        }
        int rows = prompts.size();
        List<int[]> sequences = new ArrayList<>(rows);
        for (int[] prompt : prompts) sequences.add(java.util.Arrays.copyOf(prompt, promptLength + newTokens));
        int[][] out = new int[rows][newTokens];
        try (NDManager manager = model.manager().newSubManager()) {
            for (int t = 0; t < newTokens; t++) {
                int length = promptLength + t;
                long[] next;
                try (NDScope ignored = new NDScope()) {
                    NDArray input = TokenBatch.pack(manager, sequences.stream().map(s -> java.util.Arrays.copyOf(s, length)).toList(), 0);
                    NDArray logits = model.logits(input, Intervention.NONE);
                    next = logits.get(new ai.djl.ndarray.index.NDIndex(":, -1, :")).argMax(-1).toType(DataType.INT64, false).toLongArray();
                }
                for (int r = 0; r < rows; r++) {
                    out[r][t] = (int) next[r];
                    sequences.get(r)[length] = (int) next[r];
                }
            }
        }
        return out;
    }

    /** How greedy continuations are decoded: with the KV cache (what every measure uses) or by recomputation. */
    public enum Decoding {
        KV_CACHE, RECOMPUTE
    }

    /** Greedy continuations in chunks of at most {@code batchSize} prompts. */
    public static List<int[]> greedy(CausalLm model, List<int[]> prompts, int newTokens, int batchSize) {
        return greedy(model, prompts, newTokens, batchSize, Decoding.KV_CACHE);
    }

    /** Greedy continuations in chunks of at most {@code batchSize} prompts, decoded as {@code decoding} says. */
    public static List<int[]> greedy(CausalLm model, List<int[]> prompts, int newTokens, int batchSize, Decoding decoding) {
        List<int[]> out = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += batchSize) {
            List<int[]> part = prompts.subList(start, Math.min(prompts.size(), start + batchSize));
            int[][] chunk = decoding == Decoding.KV_CACHE ? greedy(model, part, newTokens) : greedyRecomputing(model, part, newTokens);
            java.util.Collections.addAll(out, chunk);
        }
        return out;
    }
}
