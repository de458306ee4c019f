package org.tinymem.unlearn;

import org.tinymem.model.CausalLm;

/**
 * What an unlearning method produced: the edited model (the caller closes it), how many weights or
 * units it ablated, and the wall time of the method alone (SPEC §4 "Time").
 */
public record Edit(CausalLm model, long ablated, String unit, double seconds) implements AutoCloseable {
    public Edit {
        if (ablated < 0) throw new IllegalArgumentException("ablated count must be ≥ 0, got " + ablated);
    }

    @Override
    public void close() {
        model.close();
    }
}
