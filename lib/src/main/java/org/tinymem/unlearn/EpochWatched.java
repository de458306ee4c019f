package org.tinymem.unlearn;

import java.util.function.Supplier;
import org.tinymem.model.CausalLm;

/**
 * A method whose edit can be looked at while it trains, and stopped early (issue 17, item 2; ours, not in
 * the paper): after chosen epochs a {@link Watcher} may make the edit as it stands and decide whether the
 * run goes on. Looking never changes the run: a run that is not stopped gives bit for bit the edit of
 * {@link Unlearner#unlearn}. Subnet and BalancedSubnet (Alg. 5–6) implement it; other methods do not yet.
 * {@code org.tinymem.experiment.EarlyStopping} evaluates and stops through it.
 */
public interface EpochWatched {

    /** Sees the run after an epoch. */
    interface Watcher {
        /**
         * Called after epoch {@code epoch} (1-based) of {@code epochs}.
         *
         * @param edit makes a copy of the model with the edit as it stands after this epoch (the caller
         *     closes it), timed as the method's seconds up to here; nothing is copied unless it is called
         * @return whether to go on; false ends the run with this epoch's edit
         */
        boolean after(int epoch, int epochs, Supplier<Edit> edit);
    }

    /**
     * Edits a copy of {@code model} as {@link Unlearner#unlearn} does, calling {@code watcher} after every
     * {@code every}-th epoch and after the last. The edit's seconds leave out the time spent in the watcher.
     */
    Edit unlearnWatched(CausalLm model, UnlearnSets sets, int every, Watcher watcher);
}
