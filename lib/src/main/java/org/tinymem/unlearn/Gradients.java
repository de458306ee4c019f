package org.tinymem.unlearn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.tinymem.model.CausalLm;

/**
 * Gradient bookkeeping shared by the gradient-based methods. DJL's collector never zeroes
 * gradients, so a backward adds to whatever is there: {@link #take} reads and zeroes them, which
 * keeps the invariant "gradients are zero between steps" that the trainer also keeps.
 */
public final class Gradients {
    private Gradients() {}

    /** Parameters frozen until {@link #close()}. */
    public interface Frozen extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs one backward pass of the loss built by {@code loss} (inside a fresh collector and scope). */
    public static float backward(Supplier<NDArray> loss) {
        try (NDScope ignored = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss.get();
            collector.backward(value);
            return value.getFloat();
        }
    }

    /** Copies of the accumulated gradients of {@code parameters} (owned by {@code manager}), then zeroes them. */
    public static Map<String, NDArray> take(Map<String, NDArray> parameters, NDManager manager) {
        Map<String, NDArray> copies = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> {
            try (NDArray gradient = parameter.getGradient()) {
                NDArray copy = gradient.duplicate();
                copy.attach(manager);
                copies.put(name, copy);
                gradient.subi(gradient);
            }
        });
        return copies;
    }

    /** Zeroes the gradients of {@code arrays} (after an optimizer step of one's own). */
    public static void zero(Collection<NDArray> arrays) {
        for (NDArray array : arrays) {
            try (NDArray gradient = array.getGradient()) {
                gradient.subi(gradient);
            }
        }
    }

    /**
     * Stops gradients of every model parameter outside {@code trainable} until closed, so a backward
     * pass only pays for what a method reads (frozen weights get no gradient at all).
     */
    public static Frozen freezeAllBut(CausalLm model, Collection<String> trainable) {
        Collection<NDArray> frozen = model.parameters().entrySet().stream()
                .filter(e -> !trainable.contains(e.getKey())).map(Map.Entry::getValue).toList();
        frozen.forEach(p -> p.setRequiresGradient(false));
        return () -> frozen.forEach(p -> p.setRequiresGradient(true));
    }
}
