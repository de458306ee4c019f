package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum and L2 weight decay, PyTorch semantics (g ← g + wd·p; b ← μ·b + g; p ← p − lr·b),
 * the optimizer of the mask scores in Subnet and BalancedSubnet (Alg. 5–6). Zeroes the gradients it
 * consumed (DJL's collector never does).
 */
final class MomentumSgd implements AutoCloseable {
    private final List<NDArray> parameters;
    private final Map<NDArray, NDArray> buffers = new IdentityHashMap<>();
    private final NDManager manager;
    private final double learningRate;
    private final double momentum;
    private final double weightDecay;

    MomentumSgd(List<NDArray> parameters, NDManager parent, double learningRate, double momentum, double weightDecay) {
        this.parameters = parameters;
        this.manager = parent.newSubManager();
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        parameters.forEach(p -> buffers.put(p, manager.zeros(p.getShape(), p.getDataType())));
    }

    void step() {
        for (NDArray p : parameters) {
            try (NDScope ignored = new NDScope()) {
                NDArray gradient = p.getGradient();
                NDArray buffer = buffers.get(p);
                buffer.muli(momentum).addi(gradient.add(p.mul(weightDecay)));
                p.subi(buffer.mul(learningRate));
                gradient.subi(gradient);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
