package org.tinymem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.data.TrainRow;
import org.tinymem.model.ModelFiles;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.Safetensors;
import org.tinymem.model.Scalars;

/**
 * Spectral norm regularization (Yoshida &amp; Miyato 2017; §3.1, App. A.2.2, SPEC §5): the objective
 * is the mean token loss plus (λ/2)·Σσ(W) over every weight matrix except embeddings, LayerNorms and
 * biases, where σ(W) is the largest singular value estimated by one power iteration per step with a
 * persistent vector u. The attention's {@code c_attn} (HF Conv1D layout (d, 3d)) is split into q, k, v
 * and each into heads, so every head's projection is its own (d, d/heads) matrix.
 * <p>
 * Yoshida &amp; Miyato write the penalty with σ²; SPEC §5 (following the paper's reference code)
 * penalizes σ itself, and so do we. The gradient of σ = uᵀWv with u, v held fixed is u·vᵀ.
 */
public final class SpectralNorm implements Regularizer {
    public static final String NAME = "spectral-norm";
    /** History metrics: the sum and the largest of the estimated σ (see {@link #metrics()}). */
    public static final String SIGMA_SUM = "spectral_norm_sigma_sum";
    public static final String SIGMA_MAX = "spectral_norm_sigma_max";

    private final double lambda;
    private final NDManager manager;
    private final List<Matrices> matrices = new ArrayList<>();

    /**
     * One parameter seen as a batch of matrices, with the persistent left singular vectors u
     * (splits, rows). u is replaced by a new array every step, never written into (see {@link #sigmas()}).
     */
    private static final class Matrices {
        final String name;
        final NDArray parameter;
        final int splits;
        NDArray u;

        Matrices(String name, NDArray parameter, int splits, NDArray u) {
            this.name = name;
            this.parameter = parameter;
            this.splits = splits;
            this.u = u;
        }

        /** The parameter as (splits, rows, cols/splits): c_attn (d, 3d) → (3·heads, d, head_dim). */
        NDArray view(NDArray w) {
            long rows = w.getShape().get(0);
            long cols = w.getShape().get(1);
            return w.reshape(rows, splits, cols / splits).transpose(1, 0, 2);
        }
    }

    /**
     * @param parameters the model's parameters by HF GPT-2 name (the arrays are kept and read every step)
     * @param heads attention heads (c_attn is split into 3·heads matrices)
     * @param lambda the penalty weight λ (the paper's grid: 0.001, 0.01, 0.1)
     * @param parent the u vectors live in a sub-manager of it (the model's manager: closed with the model)
     */
    public SpectralNorm(Map<String, NDArray> parameters, int heads, double lambda, long seed, NDManager parent) {
        if (!(lambda > 0)) throw new IllegalArgumentException("spectral norm λ must be > 0, got " + lambda);
        this.lambda = lambda;
        this.manager = parent.newSubManager();
        Random random = new Random(seed * 1_000_003L + 4242);
        parameters.forEach((name, parameter) -> {
            if (!penalized(name, parameter)) return;
            int splits = name.endsWith("attn.c_attn.weight") ? 3 * heads : 1;
            long rows = parameter.getShape().get(0);
            float[] u = new float[(int) (splits * rows)];
            for (int i = 0; i < u.length; i++) u[i] = (float) random.nextGaussian();
            NDArray initial = manager.create(u, new Shape(splits, rows));
            matrices.add(new Matrices(name, parameter, splits, normalize(initial, initial)));
        });
        if (matrices.isEmpty()) throw new IllegalArgumentException("no weight matrix to regularize");
    }

    /** Weight matrices only: not embeddings (wte, wpe), LayerNorms or biases. */
    static boolean penalized(String name, NDArray parameter) {
        return name.endsWith(".weight") && parameter.getShape().dimension() == 2
                && !name.contains(".wte.") && !name.contains(".wpe.") && !name.contains(".ln_");
    }

    @Override
    public String name() {
        return NAME;
    }

    public double lambda() {
        return lambda;
    }

    /** Number of matrices penalized (c_attn counts 3·heads). */
    public int matrixCount() {
        return matrices.stream().mapToInt(m -> m.splits).sum();
    }

    /**
     * One power iteration for every matrix (v = Wᵀu/‖Wᵀu‖, then u ← Wv/‖Wv‖, kept for the next
     * step), then σ = uᵀWv, differentiable in W only (u and v are computed from a detached W).
     * Returns all σ in one vector; each σ = ‖Wv‖ ≥ 0.
     * <p>
     * The new u replaces the old array instead of being copied into it: DJL's {@code copyTo} swaps the
     * target's storage for a Java direct buffer on every call (16 arrays per step for a 4-layer model), a
     * needless dependence on the Java garbage collector for a tensor that is read every step.
     */
    public NDArray sigmas() {
        NDList sigmas = new NDList();
        for (Matrices m : matrices) {
            NDArray fixed = m.view(m.parameter.stopGradient());
            NDArray v = normalize(m.u.expandDims(1).matMul(fixed).squeeze(1), null);
            NDArray u = normalize(fixed.matMul(v.expandDims(2)).squeeze(2), m.u);
            sigmas.add(u.expandDims(1).matMul(m.view(m.parameter)).matMul(v.expandDims(2)).reshape(m.splits));
            keep(m, u);
        }
        return sigmas.size() == 1 ? sigmas.head() : NDArrays.concat(sigmas);
    }

    /** Makes {@code u} the persistent vector of {@code m}: owned by this regularizer, out of any NDScope. */
    private void keep(Matrices m, NDArray u) {
        NDScope.unregister(u);
        u.attach(manager);
        NDArray old = m.u;
        m.u = u;
        old.close();
    }

    /**
     * σ of every matrix from the current u, without advancing the power iteration and without
     * gradients: what a user sees in the training history ({@link #metrics()}).
     */
    public float[] currentSigmas() {
        try (NDScope ignored = new NDScope()) {
            float[] all = new float[matrixCount()];
            int next = 0;
            for (Matrices m : matrices) {
                NDArray fixed = m.view(m.parameter.stopGradient());
                NDArray v = normalize(m.u.expandDims(1).matMul(fixed).squeeze(1), null);
                NDArray wv = fixed.matMul(v.expandDims(2)).squeeze(2);
                float[] sigmas = normalize(wv, m.u).mul(wv).sum(new int[] {-1}).toFloatArray(); // uᵀWv = ‖Wv‖ without overflow
                System.arraycopy(sigmas, 0, all, next, sigmas.length);
                next += sigmas.length;
            }
            return all;
        }
    }

    /** The sum and the largest of the current σ, recorded at every evaluation. */
    @Override
    public Map<String, Double> metrics() {
        float[] sigmas = currentSigmas();
        double sum = 0;
        double max = 0;
        for (float sigma : sigmas) {
            sum += sigma;
            max = Math.max(max, sigma);
        }
        return Map.of(SIGMA_SUM, sum, SIGMA_MAX, max);
    }

    /** (λ/2)·Σσ after one power iteration. */
    public NDArray penalty() {
        return Scalars.times(sigmas().sum(), lambda / 2); // a float32 constant: a double one would promote the loss to float64
    }

    @Override
    public NDArray objective(NextTokenLoss.Terms terms, List<TrainRow> batch) {
        return terms.mean().add(penalty());
    }

    @Override
    public Map<String, Safetensors.Tensor> state() {
        Map<String, NDArray> u = new LinkedHashMap<>();
        matrices.forEach(m -> u.put("spectral_norm.u." + m.name, m.u));
        return ModelFiles.toTensors(u);
    }

    @Override
    public void restore(Map<String, Safetensors.Tensor> state) {
        for (Matrices m : matrices) {
            Safetensors.Tensor saved = state.get("spectral_norm.u." + m.name);
            if (saved == null) throw new IllegalArgumentException("checkpoint lacks the spectral-norm vector u of " + m.name);
            NDArray u = manager.create(saved.floats(), m.u.getShape());
            m.u.close();
            m.u = u;
        }
    }

    /**
     * x/‖x‖ along the last axis, computed on x/max|x| so that neither tiny nor huge entries under- or
     * overflow in ‖x‖ (a plain x/(‖x‖ + ε) shrinks u towards zero once ‖x‖ nears ε, and u = 0 is a
     * fixed point: the penalty would silently switch off). Rows that are zero or not finite take
     * {@code fallback} (the previous u), or the uniform unit vector when it is null.
     */
    static NDArray normalize(NDArray x, NDArray fallback) {
        NDArray scale = x.abs().max(new int[] {-1}, true);
        NDArray usable = scale.gt(0).logicalAnd(scale.lt(Float.POSITIVE_INFINITY)).broadcast(x.getShape());
        NDArray scaled = x.div(Scalars.atLeast(scale, Float.MIN_NORMAL));
        NDArray unit = scaled.div(Scalars.atLeast(scaled.norm(new int[] {-1}, true), 1)); // ‖scaled‖ ≥ 1 where usable
        NDArray otherwise = fallback != null ? fallback
                : x.onesLike().div((float) Math.sqrt(x.getShape().get(x.getShape().dimension() - 1)));
        return NDArrays.where(usable, unit, otherwise);
    }
}
