package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (PyTorch semantics, bias-corrected, no weight decay) over the gates of Slim and HC, which the
 * reference code trains with {@code torch.optim.Adam}. Zeroes the gradients it consumed.
 */
final class Adam implements AutoCloseable {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final List<NDArray> parameters;
    private final List<NDArray> first = new ArrayList<>();
    private final List<NDArray> second = new ArrayList<>();
    private final NDManager manager;
    private final double learningRate;
    private int steps;

    Adam(List<NDArray> parameters, NDManager parent, double learningRate) {
        this.parameters = List.copyOf(parameters);
        this.manager = parent.newSubManager();
        this.learningRate = learningRate;
        for (NDArray p : parameters) {
            first.add(manager.zeros(p.getShape(), p.getDataType()));
            second.add(manager.zeros(p.getShape(), p.getDataType()));
        }
    }

    void step() {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        for (int i = 0; i < parameters.size(); i++) {
            try (NDScope ignored = new NDScope()) {
                NDArray p = parameters.get(i);
                NDArray gradient = p.getGradient();
                first.get(i).muli((float) BETA1).addi(gradient.mul((float) (1 - BETA1)));
                second.get(i).muli((float) BETA2).addi(gradient.square().mul((float) (1 - BETA2)));
                NDArray denominator = second.get(i).div((float) correction2).sqrt().add((float) EPSILON);
                p.subi(first.get(i).div((float) correction1).div(denominator).mul((float) learningRate));
                gradient.subi(gradient);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
