package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Rows of token ids packed into one (rows, length) int64 array, right-padded to the longest row
 * (padding trimmed per batch: math rows are ≤ 121 of the 150 positions).
 */
public final class TokenBatch {
    private TokenBatch() {}

    /**
     * Packs {@code rows}; with {@code pad} < 0 all rows must have the same length (language chunks).
     */
    public static NDArray pack(NDManager manager, List<int[]> rows, int pad) {
        return pack(manager, rows, pad, true);
    }

    private static NDArray pack(NDManager manager, List<int[]> rows, int pad, boolean strict) {
        if (rows.isEmpty()) throw new IllegalArgumentException("cannot pack an empty batch");
        int length = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        long[] ids = new long[rows.size() * length];
        for (int r = 0; r < rows.size(); r++) {
            int[] row = rows.get(r);
            if (row.length < length && pad < 0 && strict) {
                throw new IllegalArgumentException("rows of different lengths (" + row.length + " vs " + length
                        + ") need a pad token, and this vocabulary has none");
            }
            for (int t = 0; t < length; t++) ids[r * length + t] = t < row.length ? row[t] : pad;
        }
        return manager.create(ids, new Shape(rows.size(), length));
    }

    /** 1 (float) where {@code targets} is a real token, 0 where it is {@code pad}. */
    public static NDArray padMask(NDArray targets, int pad) {
        return targets.neq(pad).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    }

    /** Token id that fills ragged rows of a vocabulary without a pad token; its targets are masked out. */
    static final int FILL = 0;

    /**
     * Packed rows and the mask of their real targets.
     *
     * @param tokens (rows, length) int64 ids
     * @param targetMask (rows, length − 1) floats: 1 where target {@code j} (token {@code j + 1}) is a real token
     */
    public record Packed(NDArray tokens, NDArray targetMask) {}

    /**
     * Packs rows of any lengths with the mask of their real targets: with a pad token, padding as
     * {@link #pack}; without one (the GPT-2 vocabulary), short rows are filled with token {@value #FILL}
     * and their filled targets are masked out. A causal model never looks ahead, so the filler does not
     * change any real position's prediction. Unlearn sets need this: a language model's memorized rows
     * (prompt through a backdoor trigger + 50 tokens) and its retain chunks differ in length.
     */
    public static Packed packWithMask(NDManager manager, List<int[]> rows, int pad) {
        if (rows.isEmpty()) throw new IllegalArgumentException("cannot pack an empty batch");
        int length = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        NDArray tokens = pack(manager, rows, pad >= 0 ? pad : FILL, pad >= 0);
        if (pad >= 0) {
            return new Packed(tokens, padMask(tokens.get(new ai.djl.ndarray.index.NDIndex(":, 1:")), pad));
        }
        float[] mask = new float[rows.size() * (length - 1)];
        for (int r = 0; r < rows.size(); r++) {
            java.util.Arrays.fill(mask, r * (length - 1), r * (length - 1) + rows.get(r).length - 1, 1f);
        }
        return new Packed(tokens, manager.create(mask, new Shape(rows.size(), length - 1)));
    }
}
