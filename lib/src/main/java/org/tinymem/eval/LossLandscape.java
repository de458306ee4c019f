package org.tinymem.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.util.Progress;

/**
 * Loss landscapes (§7, Fig. 4, App. A.5) by the filter-normalized random-direction method of Li et
 * al. (2018): the mean next-token loss of a fixed batch at θ + α·δ + β·η over a grid of (α, β), where
 * δ and η are Gaussian directions with every filter (a slice along a parameter's first dimension: a
 * row of our weight matrices) rescaled to the norm of the same filter of a reference model's θ.
 * One-dimensional parameters (biases, LayerNorm gains and shifts) get zero directions, as in Li et
 * al.'s {@code --xignore biasbn}: a random shift of a LayerNorm gain is not a filter direction. The
 * directions come from the <em>original</em> model and are reused for its edits, so that the surfaces
 * of an original and an edited model are drawn over the same plane and can be compared. Everything
 * is deterministic for a seed (directions are drawn with {@link Random}, not the engine's RNG). The
 * model is never changed: each grid point swaps the weights through an {@link Intervention}.
 */
public final class LossLandscape {
    private LossLandscape() {}

    /**
     * Two directions (flat, row-major) per parameter name; parameters without one are not moved.
     *
     * @param seed what drew them
     */
    public record Directions(Map<String, float[]> x, Map<String, float[]> y, long seed) {}

    /**
     * A loss surface: {@code loss[j][i]} at α = {@code coordinates[i]}, β = {@code coordinates[j]}.
     *
     * @param label what model it is
     * @param seconds wall time of the whole grid
     */
    public record Surface(String label, double[] coordinates, double[][] loss, double seconds) {
        /** The loss at α = β = 0 (the model itself); the grid has an odd number of points. */
        public double center() {
            int c = coordinates.length / 2;
            return loss[c][c];
        }
    }

    /** Li et al.'s filter-normalized directions for {@code reference}. */
    public static Directions directions(CausalLm reference, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> x = new LinkedHashMap<>();
        Map<String, float[]> y = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> p : reference.parameters().entrySet()) {
            Shape shape = p.getValue().getShape();
            if (shape.dimension() < 2) continue;
            float[] weights = p.getValue().toFloatArray();
            x.put(p.getKey(), filterNormalized(weights, (int) shape.get(0), random));
            y.put(p.getKey(), filterNormalized(weights, (int) shape.get(0), random));
        }
        return new Directions(x, y, seed);
    }

    /** A Gaussian direction whose every filter (of {@code filters} equal slices) has the norm of the weights' filter. */
    static float[] filterNormalized(float[] weights, int filters, Random random) {
        float[] d = new float[weights.length];
        for (int i = 0; i < d.length; i++) d[i] = (float) random.nextGaussian();
        int width = weights.length / filters;
        for (int f = 0; f < filters; f++) {
            double wNorm = 0;
            double dNorm = 0;
            for (int k = f * width; k < (f + 1) * width; k++) {
                wNorm += (double) weights[k] * weights[k];
                dNorm += (double) d[k] * d[k];
            }
            double scale = dNorm > 0 ? Math.sqrt(wNorm) / Math.sqrt(dNorm) : 0;
            for (int k = f * width; k < (f + 1) * width; k++) d[k] = (float) (d[k] * scale);
        }
        return d;
    }

    /** {@code points} evenly spaced values from −range to range. */
    public static double[] grid(int points, double range) {
        if (points < 3 || points % 2 == 0) throw new IllegalArgumentException("the grid needs an odd number >= 3 of points, got " + points);
        if (!(range > 0)) throw new IllegalArgumentException("the range must be > 0, got " + range);
        double[] c = new double[points];
        for (int i = 0; i < points; i++) c[i] = -range + 2 * range * i / (points - 1);
        return c;
    }

    /**
     * The loss surface of {@code model} on {@code rows} (one batch) over a {@code points} × {@code points}
     * grid of [−range, range]², along {@code directions} (made for this model or the one it was edited from).
     */
    public static Surface surface(String label, CausalLm model, Directions directions, List<int[]> rows, int points, double range,
                                  Progress progress) {
        if (rows.isEmpty()) throw new IllegalArgumentException("a loss landscape needs at least one row");
        double[] c = grid(points, range);
        double[][] loss = new double[points][points];
        long t0 = System.nanoTime();
        try (NDManager manager = model.manager().newSubManager()) {
            Map<String, NDArray> dx = new LinkedHashMap<>();
            Map<String, NDArray> dy = new LinkedHashMap<>();
            for (String name : directions.x().keySet()) {
                NDArray p = model.parameters().get(name);
                if (p == null) throw new IllegalArgumentException("the directions have parameter " + name + ", which " + label + " has not");
                if (p.getShape().size() != directions.x().get(name).length) {
                    throw new IllegalArgumentException("parameter " + name + " of " + label + " has shape " + p.getShape()
                            + ", not the directions' (another architecture?)");
                }
                dx.put(name, manager.create(directions.x().get(name), p.getShape()));
                dy.put(name, manager.create(directions.y().get(name), p.getShape()));
            }
            TokenBatch.Packed batch = TokenBatch.packWithMask(manager, rows, model.padToken());
            int done = 0;
            for (int j = 0; j < points; j++) {
                for (int i = 0; i < points; i++) {
                    float a = (float) c[i];
                    float b = (float) c[j];
                    Intervention shifted = new Intervention() {
                        @Override
                        public NDArray weight(String name, NDArray parameter) {
                            NDArray x = dx.get(name);
                            return x == null ? parameter : parameter.add(x.mul(a)).add(dy.get(name).mul(b));
                        }
                    };
                    try (NDScope ignored = new NDScope()) {
                        loss[j][i] = NextTokenLoss.of(model, batch, shifted).mean().getFloat();
                    }
                    progress.update(++done, (long) points * points, String.format("%s (%.2f, %.2f) loss %.4f", label, a, b, loss[j][i]));
                }
            }
        }
        progress.close();
        return new Surface(label, c, loss, (System.nanoTime() - t0) / 1e9);
    }
}
