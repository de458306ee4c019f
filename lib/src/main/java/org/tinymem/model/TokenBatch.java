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
        if (rows.isEmpty()) throw new IllegalArgumentException("cannot pack an empty batch");
        int length = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        long[] ids = new long[rows.size() * length];
        for (int r = 0; r < rows.size(); r++) {
            int[] row = rows.get(r);
            if (row.length < length && pad < 0) {
                throw new IllegalArgumentException("rows of different lengths (" + row.length + " vs " + length
                        + ") need a pad token, and this vocabulary has none");
            }
            for (int t = 0; t < length; t++) ids[r * length + t] = t < row.length ? row[t] : pad;
        }
        return manager.create(ids, new Shape(rows.size(), length));
    }
}
