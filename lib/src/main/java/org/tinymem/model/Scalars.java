package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants in expressions that autograd differentiates. DJL's {@code x.mul(2f)} (and {@code div},
 * {@code maximum}, {@code minimum}, {@code pow} with a number) wraps the number in a tensor over a
 * Java direct buffer and closes that tensor as soon as the result exists. PyTorch's backward of a
 * product, quotient, maximum or power reads the constant it saved for later, and by then the Java
 * garbage collector may have freed the buffer and handed its memory to another allocation: the
 * gradient is then computed with whatever lies there. Measured on the tiny memorizer (1 thread, glibc
 * allocator, direct buffers allocated and collected between steps): in about half the runs of 150
 * identical backward passes one pass gave other gradients, the attention's query and key gradients of
 * one block zero or off by a factor (the scale 1/√d read as garbage); with no garbage collection at
 * all ({@code -XX:+UseEpsilonGC}) or with the constants made here, none did in 900 passes. Two
 * BalancedSubnet runs of one seed then learned different masks ({@code DeterminismUnderLoadTest}).
 *
 * <p>The constants made here live in memory PyTorch allocated, so autograd's reference keeps them
 * alive whatever happens to the Java object. Forward-only arithmetic (optimizer steps, evaluation)
 * may keep using DJL's number overloads: its result exists before the constant is freed.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-dimensional tensor of {@code value} in {@code like}'s data type and manager (the value rounded to float). */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** x · c, differentiable in x. */
    public static NDArray times(NDArray x, double c) {
        return x.mul(of(x, c));
    }

    /** x / c, differentiable in x. */
    public static NDArray dividedBy(NDArray x, double c) {
        return x.div(of(x, c));
    }

    /** max(x, c) elementwise, differentiable in x. */
    public static NDArray atLeast(NDArray x, double c) {
        return x.maximum(of(x, c));
    }
}
