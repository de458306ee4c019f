package org.tinymem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
    private static final float EPS = 1e-12f;

    private final double lambda;
    private final NDManager manager;
    private final List<Matrices> matrices = new ArrayList<>();

    /** One parameter seen as a batch of matrices, with the persistent left singular vectors u (batch, rows). */
    private record Matrices(String name, NDArray parameter, int splits, NDArray u) {
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
            NDArray initial = normalize(manager.create(u, new Shape(splits, rows)));
            matrices.add(new Matrices(name, parameter, splits, initial));
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
        return matrices.stream().mapToInt(Matrices::splits).sum();
    }

    /**
     * One power iteration for every matrix (u ← Wv/‖Wv‖ with v = Wᵀu/‖Wᵀu‖, stored for the next
     * step), then σ = uᵀWv, differentiable in W. Returns all σ in one vector.
     */
    public NDArray sigmas() {
        NDList sigmas = new NDList();
        for (Matrices m : matrices) {
            NDArray fixed = m.view(m.parameter().stopGradient());
            NDArray v = normalize(m.u().expandDims(1).matMul(fixed).squeeze(1));
            NDArray u = normalize(fixed.matMul(v.expandDims(2)).squeeze(2));
            u.copyTo(m.u());
            sigmas.add(u.expandDims(1).matMul(m.view(m.parameter())).matMul(v.expandDims(2)).reshape(m.splits()));
        }
        return sigmas.size() == 1 ? sigmas.head() : NDArrays.concat(sigmas);
    }

    /** (λ/2)·Σσ after one power iteration. */
    public NDArray penalty() {
        return sigmas().sum().mul((float) (lambda / 2)); // a float: a double scalar would promote the loss to float64
    }

    @Override
    public NDArray objective(NextTokenLoss.Terms terms, List<TrainRow> batch) {
        return terms.mean().add(penalty());
    }

    @Override
    public Map<String, Safetensors.Tensor> state() {
        Map<String, NDArray> u = new LinkedHashMap<>();
        matrices.forEach(m -> u.put("spectral_norm.u." + m.name(), m.u()));
        return ModelFiles.toTensors(u);
    }

    @Override
    public void restore(Map<String, Safetensors.Tensor> state) {
        for (Matrices m : matrices) {
            Safetensors.Tensor saved = state.get("spectral_norm.u." + m.name());
            if (saved == null) throw new IllegalArgumentException("checkpoint lacks the spectral-norm vector u of " + m.name());
            m.u().set(saved.floats());
        }
    }

    private static NDArray normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true).add(EPS));
    }
}
