package org.tinymem.unlearn.weight;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockFisherInverseTest {

    @Test
    void blockInverseMatchesTheDenseInverseOfEachBlock() {
        int size = 120;
        int block = 50;
        int m = 4;
        double damping = 1e-7;
        Random random = new Random(3);
        double[][] gradients = new double[m][size];
        for (double[] g : gradients) for (int i = 0; i < size; i++) g[i] = random.nextGaussian() * 0.01;
        try (NDManager manager = NDManager.newBaseManager();
             BlockFisherInverse fisher = new BlockFisherInverse(manager, size, block, damping, m)) {
            for (double[] g : gradients) fisher.add(manager.create(g).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
            double[] blocks = fisher.blocks().toDoubleArray();
            float[] diagonal = fisher.diagonal().toFloatArray();
            for (int start = 0; start < size; start += block) {
                int n = Math.min(block, size - start);
                double[][] dense = new double[n][n];
                for (int i = 0; i < n; i++) {
                    dense[i][i] = damping;
                    for (double[] g : gradients) {
                        // the float32 gradient that the method sees
                        for (int j = 0; j < n; j++) dense[i][j] += (float) g[start + i] * (double) (float) g[start + j] / m;
                    }
                }
                double[][] inverse = invert(dense);
                double scale = 1 / damping;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double actual = blocks[(start / block) * block * block + i * block + j];
                        assertEquals(inverse[i][j], actual, 1e-6 * scale, "block " + start / block + " (" + i + "," + j + ")");
                    }
                    assertEquals(inverse[i][i], diagonal[start + i], 1e-6 * scale);
                }
            }
        }
    }

    /** Gauss–Jordan with partial pivoting. */
    private static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
            double[] t = m[c];
            m[c] = m[pivot];
            m[pivot] = t;
            double p = m[c][c];
            for (int j = 0; j < 2 * n; j++) m[c][j] /= p;
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = m[r][c];
                if (f != 0) for (int j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
            }
        }
        double[][] inverse = new double[n][n];
        for (int i = 0; i < n; i++) System.arraycopy(m[i], n, inverse[i], 0, n);
        return inverse;
    }
}
