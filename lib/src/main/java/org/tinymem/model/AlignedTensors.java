package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Parameters in memory that PyTorch allocated itself. {@code NDManager.create(float[], Shape)} wraps a
 * Java direct buffer whose address is only as aligned as {@code malloc} made it; a copy made by PyTorch
 * ({@code clone}) lives in its CPU allocator's 64-byte-aligned memory, so every parameter has the same
 * alignment in every run. Introduced when run-to-run differences (issue 18, item 6) were blamed on
 * oneMKL rounding by alignment; their cause was DJL's freed constants ({@link Scalars}). Kept as a
 * precaution: it costs one copy per parameter at load time.
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
