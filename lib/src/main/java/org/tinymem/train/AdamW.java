package org.tinymem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.model.ModelFiles;
import org.tinymem.model.Safetensors;

/**
 * AdamW (Loshchilov & Hutter) with PyTorch's semantics: decoupled decay {@code p ← p·(1 − lr·wd)},
 * bias-corrected moments, ε added after the square root. Written here rather than using DJL's
 * optimizer so that its state can be saved and restored exactly (resume = uninterrupted run) and
 * so that gradients are zeroed where we say (DJL's collector never zeroes them).
 */
public final class AdamW implements AutoCloseable {
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long step;

    public AdamW(Map<String, NDArray> parameters, NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.parameters = parameters;
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        parameters.forEach((name, p) -> {
            firstMoments.put(name, manager.zeros(p.getShape()));
            secondMoments.put(name, manager.zeros(p.getShape()));
        });
    }

    public static AdamW of(Map<String, NDArray> parameters, NDManager parent, TrainConfig config) {
        return new AdamW(parameters, parent, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
    }

    /** Updates every parameter that has a gradient, then zeroes the gradients. */
    public void step(double learningRate) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            try (NDScope ignored = new NDScope()) {
                NDArray p = entry.getValue();
                NDArray grad = p.getGradient();
                NDArray m = firstMoments.get(entry.getKey());
                NDArray v = secondMoments.get(entry.getKey());
                m.muli(beta1).addi(grad.mul(1 - beta1));
                v.muli(beta2).addi(grad.square().mul(1 - beta2));
                if (weightDecay != 0) p.muli(1 - learningRate * weightDecay);
                NDArray denominator = v.div(correction2).sqrt().add(eps);
                p.subi(m.div(denominator).mul(learningRate / correction1));
                grad.subi(grad);
            }
        }
    }

    public long steps() {
        return step;
    }

    /** Moments as tensors named {@code m.<param>} / {@code v.<param>}. */
    public Map<String, Safetensors.Tensor> state() {
        Map<String, NDArray> all = new LinkedHashMap<>();
        firstMoments.forEach((name, m) -> all.put("m." + name, m));
        secondMoments.forEach((name, v) -> all.put("v." + name, v));
        return ModelFiles.toTensors(all);
    }

    /** Restores moments and step count saved by {@link #state()}. */
    public void restore(Map<String, Safetensors.Tensor> tensors, long savedStep) {
        restoreInto(firstMoments, "m.", tensors);
        restoreInto(secondMoments, "v.", tensors);
        step = savedStep;
    }

    private static void restoreInto(Map<String, NDArray> moments, String prefix, Map<String, Safetensors.Tensor> tensors) {
        moments.forEach((name, array) -> {
            Safetensors.Tensor tensor = tensors.get(prefix + name);
            if (tensor == null) throw new IllegalArgumentException("optimizer state lacks '" + prefix + name + "'");
            array.set(tensor.floats());
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
