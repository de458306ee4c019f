package org.tinymem.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;

/**
 * {@code tinymem bench matmul}: this machine's float32 matrix-multiply throughput through the
 * engine (GFLOPS = 2·m·k·n / seconds), at 1 thread and at the engine's configured threads — the
 * "peak" that {@code bench train} reports its training steps against (issue 17, item 5). The default
 * shape, 4,800 × 512 by 512 × 512, is one projection of the 4-layer math model's batch of 128.
 */
final class MatmulBench {
    private MatmulBench() {}

    static int run(int m, int k, int n, int repeats) {
        if (m <= 0 || k <= 0 || n <= 0 || repeats <= 0) throw new IllegalArgumentException("matmul sizes and --repeats must be positive");
        ai.djl.engine.Engine.getInstance(); // loads libtorch before its thread settings are read
        int configured = JniUtils.getNumThreads();
        System.out.printf("bench matmul: (%d × %d) · (%d × %d) float32, %d timed repeats, engine threads %d, %d cores%n",
                m, k, k, n, repeats, configured, Runtime.getRuntime().availableProcessors());
        int[] counts = configured == 1 ? new int[] {1} : new int[] {1, configured};
        try {
            for (int threads : counts) {
                JniUtils.setNumThreads(threads);
                System.out.printf("RESULT matmul threads=%d gflops=%.1f%n", threads, gflops(m, k, n, repeats));
            }
        } finally {
            JniUtils.setNumThreads(configured);
        }
        return 0;
    }

    /** Median GFLOPS of {@code repeats} products of random (m × k) and (k × n) matrices at the engine's current threads. */
    static double gflops(int m, int k, int n, int repeats) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(m, k));
            NDArray b = manager.randomNormal(new Shape(k, n));
            for (int i = 0; i < 3; i++) a.matMul(b).close();
            double[] seconds = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long started = System.nanoTime();
                NDArray c = a.matMul(b); // eager CPU ops return when the result is computed
                seconds[i] = (System.nanoTime() - started) / 1e9;
                c.close();
            }
            Arrays.sort(seconds);
            return 2.0 * m * k * n / seconds[repeats / 2] / 1e9;
        }
    }
}
