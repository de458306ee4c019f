package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Parameters in memory that PyTorch allocated itself. {@code NDManager.create(float[], Shape)} wraps a
 * Java direct buffer whose address is only as aligned as {@code malloc} made it, and oneMKL's matrix
 * products take other code paths (and round differently) for other alignments of their operands. The
 * same seed then gave other numbers depending on what the process had allocated before: measured with
 * glibc's allocator, a BalancedSubnet run that measured its baseline itself and one that read it from
 * the cache wrote different weights, and two runs beside a busy process differed (issue 18, item 6;
 * {@code DeterminismUnderLoadTest}). A copy made by PyTorch ({@code clone}) lives in its CPU allocator's
 * 64-byte-aligned memory, so every parameter has the same alignment in every run.
 */
public final class AlignedTensors {
    private AlignedTensors() {}

    /** A tensor of {@code values} with {@code shape}, attached to {@code manager}, in PyTorch-allocated memory. */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        try (NDManager staging = manager.newSubManager()) {
            NDArray owned = staging.create(values, shape).duplicate();
            owned.attach(manager);
            return owned;
        }
    }
}
