package org.tinymem.unlearn;

import org.tinymem.model.CausalLm;

/**
 * One contract for every post-training unlearning method (§3.3, App. A.3): weight-level methods
 * (Algorithms 1–6) and neuron-level ones (Chang et al. 2024). A method takes a model, the unlearn
 * and retain sets and its own validated hyper-parameters, and returns the edited model with what it
 * touched and how long it took. Evaluation is never inside a method (see {@code Unlearning}).
 */
public interface Unlearner {

    /** The method's command-line name, e.g. {@code balanced-subnet}. */
    String method();

    /** The method's hyper-parameters (a validated record with the paper's defaults). */
    UnlearnParams params();

    /**
     * The method itself: edits {@code model} in place and returns how many weights (or units) it
     * ablated. Callers use {@link #unlearn} (a copy) or {@link #unlearnInPlace}, which also time it.
     */
    long ablateInPlace(CausalLm model, UnlearnSets sets);

    /**
     * The same method reporting its progress to {@code progress} (the command line's bar); methods whose
     * work is short return themselves. Reporting never changes the result.
     */
    default Unlearner reporting(org.tinymem.util.Progress progress) {
        return this;
    }

    /** Unit of the ablation count: {@code weights} or {@code neurons}. */
    default String unit() {
        return "weights";
    }

    /**
     * Edits a copy of {@code model} ("LM_edited ← Copy of LM", Alg. 1–6); the original is never
     * touched. The time covers the method alone, not the copy.
     */
    default Edit unlearn(CausalLm model, UnlearnSets sets) {
        CausalLm edited = model.copy();
        try {
            return unlearnInPlace(edited, sets);
        } catch (RuntimeException e) {
            edited.close();
            throw e;
        }
    }

    /** Edits {@code model} itself and times it. */
    default Edit unlearnInPlace(CausalLm model, UnlearnSets sets) {
        long started = System.nanoTime();
        long ablated = ablateInPlace(model, sets);
        return new Edit(model, ablated, unit(), (System.nanoTime() - started) / 1e9);
    }
}
