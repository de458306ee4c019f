package org.tinymem.unlearn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary masks and ablation ("drop_top_k_weights" of Algorithms 1–6): choose entries by a score,
 * then set them to zero. Counts follow the ratio exactly: {@code floor(ratio · size)} entries.
 */
public final class Mask {
    private Mask() {}

    /** How many of {@code size} entries a ratio asks for: floor(ratio · size). */
    public static long count(double ratio, long size) {
        return (long) Math.floor(ratio * size);
    }

    /** Flat indices of the {@code k} largest (or smallest) entries of {@code scores}, any shape. */
    public static long[] topIndices(NDArray scores, long k, boolean largest) {
        if (k == 0) return new long[0];
        try (NDScope ignored = new NDScope()) {
            NDList top = scores.flatten().topK((int) k, 0, largest, false);
            return top.get(1).toLongArray();
        }
    }

    /** A {0, 1} float mask shaped like {@code like}, with zeros at the given flat indices. */
    public static NDArray zerosAt(NDManager manager, NDArray like, long[] flatIndices) {
        float[] ones = new float[Math.toIntExact(like.size())];
        java.util.Arrays.fill(ones, 1f);
        for (long index : flatIndices) ones[(int) index] = 0f;
        return manager.create(ones, like.getShape());
    }

    /** Zeroes the given flat entries of {@code parameter} in place (outside any gradient collector). */
    public static void zero(NDArray parameter, long[] flatIndices) {
        try (NDManager scratch = parameter.getManager().newSubManager()) {
            parameter.muli(zerosAt(scratch, parameter, flatIndices));
        }
    }

    /**
     * Per tensor, zeroes the {@code floor(ratio · numel)} entries with the largest score
     * (Alg. 4 Durable, Alg. 2 SOU as SPEC §7 has it). Returns how many were zeroed.
     */
    public static long zeroTopPerTensor(Map<String, NDArray> parameters, Map<String, NDArray> scores, double ratio) {
        long zeroed = 0;
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            long[] indices = topIndices(scores.get(entry.getKey()), count(ratio, entry.getValue().size()), true);
            zero(entry.getValue(), indices);
            zeroed += indices.length;
        }
        return zeroed;
    }

    /**
     * Zeroes the {@code floor(ratio · total)} entries with the largest score across all tensors
     * together (Alg. 3 Durable-agg). Returns how many were zeroed.
     */
    public static long zeroTopGlobal(Map<String, NDArray> parameters, Map<String, NDArray> scores, double ratio) {
        long total = parameters.values().stream().mapToLong(NDArray::size).sum();
        long[] global;
        try (NDScope ignored = new NDScope()) {
            NDList flat = new NDList();
            parameters.keySet().forEach(name -> flat.add(scores.get(name).flatten()));
            global = topIndices(ai.djl.ndarray.NDArrays.concat(flat), count(ratio, total), true);
        }
        java.util.Arrays.sort(global);
        long offset = 0;
        int cursor = 0;
        for (NDArray parameter : parameters.values()) {
            List<Long> local = new ArrayList<>();
            while (cursor < global.length && global[cursor] < offset + parameter.size()) local.add(global[cursor++] - offset);
            zero(parameter, local.stream().mapToLong(Long::longValue).toArray());
            offset += parameter.size();
        }
        return global.length;
    }

    /** The named subset of a model's parameters, in the model's order. */
    public static Map<String, NDArray> select(Map<String, NDArray> parameters, List<String> names) {
        Map<String, NDArray> selected = new LinkedHashMap<>();
        for (String name : names) {
            NDArray parameter = parameters.get(name);
            if (parameter == null) throw new IllegalArgumentException("the model has no parameter '" + name + "'");
            selected.put(name, parameter);
        }
        return selected;
    }
}
