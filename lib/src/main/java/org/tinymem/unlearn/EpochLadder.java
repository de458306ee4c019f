package org.tinymem.unlearn;

import java.util.List;
import org.tinymem.model.CausalLm;

/**
 * A method whose runs that differ only in their epoch count share one run (issue 17, item 1): trained
 * once to the largest count, it snapshots the edit at each smaller one. Exact where the schedule does
 * not depend on the total — a constant learning rate and batches from one seeded generator — as in
 * Subnet and BalancedSubnet (Alg. 5–6), which implement it (their paper grid has 1, 10 and 20 epochs).
 * The fine-tuning baselines (ga, gd, npo: constant AdamW rate, one seeded shuffle) implement it too. Slim and HC
 * (seconds per run) do not.
 */
public interface EpochLadder {
    /**
     * One edit of a copy of {@code model} per entry of {@code epochs} (in that order), from one run to
     * the largest; each timed from the start of that run.
     */
    List<Edit> unlearnAtEpochs(CausalLm model, UnlearnSets sets, List<Integer> epochs);
}
