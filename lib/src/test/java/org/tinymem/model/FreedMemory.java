package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tinymem.unlearn.Gradients;

/**
 * Test support for {@link Scalars}: a backward pass run after the garbage collector has freed DJL's
 * temporary constants, and their memory has been handed out again filled with 1e30, must give the
 * gradients of one run at once. A constant that autograd saved in a Java direct buffer (DJL's
 * {@code x.mul(0.5)}) is then read from garbage.
 */
public final class FreedMemory {
    private FreedMemory() {}

    /**
     * The gradient of {@code loss} (reduced to a scalar by summing) with respect to an input of {@code values}
     * and {@code shape}; with {@code disturb}, freed memory is reused between the forward and backward pass.
     */
    public static float[] gradient(float[] values, Shape shape, Function<NDArray, NDArray> loss, boolean disturb) {
        List<ByteBuffer> reused = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray input = manager.create(values, shape);
            input.setRequiresGradient(true);
            Gradients.backward(() -> {
                NDArray value = loss.apply(input).sum();
                if (disturb) reuse(reused);
                return value;
            });
            return input.getGradient().toFloatArray();
        } finally {
            reused.clear();
        }
    }

    /**
     * Frees DJL's closed temporaries among many small buffers (so that the freeing thread's allocator cache
     * overflows back to the shared pool), then allocates small buffers of 1e30 over the freed memory; they
     * stay in {@code reused} until the caller clears it.
     */
    public static void reuse(List<ByteBuffer> reused) {
        List<ByteBuffer> released = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) released.add(ByteBuffer.allocateDirect(i % 2 == 0 ? 4 : 8));
        released.clear();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(100); // the cleaner thread frees direct buffers after the collection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = 0; i < 50_000; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(i % 2 == 0 ? 4 : 8).order(ByteOrder.nativeOrder());
            while (buffer.remaining() >= 4) buffer.putFloat(1e30f);
            reused.add(buffer);
        }
    }
}
