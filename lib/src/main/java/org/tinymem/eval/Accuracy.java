package org.tinymem.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;

/**
 * Token-wise accuracy on clean held-out sequences (App. A.1.1 "Evaluation"): the share of next
 * tokens that the model's greedy choice gets right, per task, pad targets excluded.
 */
public final class Accuracy {
    private static final int BATCH = 256;

    private Accuracy() {}

    /** % accuracy of each task, in the map's order. */
    public static Map<String, Double> perTask(CausalLm model, Map<String, List<int[]>> testByTask) {
        Map<String, Double> result = new LinkedHashMap<>();
        testByTask.forEach((task, rows) -> result.put(task, percent(model, rows)));
        return result;
    }

    /** Mean over tasks (the paper's averaged accuracy). */
    public static double mean(Map<String, Double> perTask) {
        return perTask.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** % of correctly predicted real next tokens over {@code rows}. */
    public static double percent(CausalLm model, List<int[]> rows) {
        long correct = 0;
        long total = 0;
        try (NDManager manager = model.manager().newSubManager()) {
            for (int start = 0; start < rows.size(); start += BATCH) {
                try (NDScope ignored = new NDScope()) {
                    NDArray tokens = TokenBatch.pack(manager, rows.subList(start, Math.min(rows.size(), start + BATCH)),
                            model.padToken());
                    NextTokenLoss.Terms terms = NextTokenLoss.of(model, tokens, Intervention.NONE);
                    NDArray hits = terms.logits().argMax(-1).eq(terms.targets()).toType(DataType.FLOAT32, false).mul(terms.mask());
                    correct += (long) hits.sum().getFloat();
                    total += (long) terms.mask().sum().getFloat();
                }
            }
        }
        return total == 0 ? 0 : 100.0 * correct / total;
    }
}
