package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The block-diagonal inverse of the empirical Fisher F = λI + (1/m) Σ_i g_i g_iᵀ of one flattened
 * tensor (Kurtic et al. 2022, used by SOU, Alg. 2): consecutive blocks of {@code blockSize} weights,
 * each inverse kept exactly and updated with one Sherman–Morrison (Woodbury rank-1) step per
 * gradient: F⁻¹ ← F⁻¹ − (F⁻¹g)(F⁻¹g)ᵀ / (m + gᵀF⁻¹g). Kept in float64: with λ = 1e-7 the entries
 * start at 1e7 and float32 would lose the update.
 */
final class BlockFisherInverse implements AutoCloseable {
    private final NDManager manager;
    private final long size;
    private final int blockSize;
    private final int gradients;
    private NDArray inverse; // (blocks, blockSize, blockSize)

    /**
     * @param size number of weights in the tensor
     * @param gradients m, the number of gradients that will be added (the 1/m of the Fisher)
     */
    BlockFisherInverse(NDManager parent, long size, int blockSize, double damping, int gradients) {
        this.manager = parent.newSubManager();
        this.size = size;
        this.blockSize = blockSize;
        this.gradients = gradients;
        long blocks = (size + blockSize - 1) / blockSize;
        this.inverse = manager.eye(blockSize).toType(DataType.FLOAT64, false).mul(1 / damping)
                .expandDims(0).repeat(0, blocks);
    }

    /** Adds one gradient (any shape with {@code size} entries). */
    void add(NDArray gradient) {
        try (NDScope ignored = new NDScope()) {
            NDArray g = padded(gradient.toType(DataType.FLOAT64, false).flatten());
            NDArray u = inverse.matMul(g.expandDims(2)).squeeze(2); // F⁻¹g per block
            NDArray denominator = g.mul(u).sum(new int[] {1}).add(gradients).reshape(-1, 1, 1);
            NDArray updated = inverse.sub(u.expandDims(2).mul(u.expandDims(1)).div(denominator));
            NDScope.unregister(updated);
            inverse.close();
            inverse = updated;
        }
    }

    /** The diagonal of F⁻¹, flattened to the tensor's {@code size} entries (float32). */
    NDArray diagonal() {
        NDArray diagonal = inverse.mul(manager.eye(blockSize).toType(DataType.FLOAT64, false)).sum(new int[] {2});
        return diagonal.flatten().get(new NDIndex("0:{}", size)).toType(DataType.FLOAT32, false);
    }

    /** The dense (blocks, blockSize, blockSize) inverse, for tests. */
    NDArray blocks() {
        return inverse;
    }

    private NDArray padded(NDArray flat) {
        long blocks = inverse.getShape().get(0);
        long missing = blocks * blockSize - size;
        NDArray full = missing == 0 ? flat : flat.concat(manager.zeros(new Shape(missing), DataType.FLOAT64));
        return full.reshape(blocks, blockSize);
    }

    @Override
    public void close() {
        manager.close();
    }
}
