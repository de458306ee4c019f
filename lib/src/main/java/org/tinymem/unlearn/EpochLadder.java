package org.tinymem.unlearn;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
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

    /**
     * The frame of every ladder: checks {@code epochs}, gives {@code run} a copy of {@code model} (closed
     * afterwards) and a map to put each epoch's edit in, and returns the edits in the order of {@code epochs}.
     * If the run fails, the edits made so far are closed.
     */
    static List<Edit> fromOneRun(CausalLm model, List<Integer> epochs, BiConsumer<CausalLm, Map<Integer, Edit>> run) {
        if (epochs.isEmpty() || epochs.stream().anyMatch(e -> e <= 0)) {
            throw new IllegalArgumentException("epochs must be positive and at least one, got " + epochs);
        }
        Map<Integer, Edit> edits = new TreeMap<>();
        CausalLm working = model.copy(); // as Unlearner.unlearn: the copy is not timed
        try {
            run.accept(working, edits);
        } catch (RuntimeException e) {
            edits.values().forEach(Edit::close);
            throw e;
        } finally {
            working.close();
        }
        return epochs.stream().map(edits::get).toList();
    }
}
