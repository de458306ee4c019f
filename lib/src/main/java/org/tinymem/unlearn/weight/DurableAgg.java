package org.tinymem.unlearn.weight;

import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/**
 * Durable-agg (Alg. 3, App. A.3.2): as {@link Durable}, but the floor(ratio · #eligible) weights with
 * the largest |accumulated gradient| are ranked across all eligible tensors together.
 */
public final class DurableAgg implements Unlearner {
    private final Durable.Params params;

    public DurableAgg(Durable.Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "durable-agg";
    }

    @Override
    public Durable.Params params() {
        return params;
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        return Durable.ablateByGradient(model, sets, params, true);
    }
}
