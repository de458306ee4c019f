package org.tinymem.train;

import java.util.Map;

/**
 * One evaluation during training.
 *
 * @param epoch epochs completed
 * @param step optimizer steps completed
 * @param trainLoss mean training loss of the last epoch
 * @param trainSeconds training wall time so far (evaluation and checkpointing excluded)
 * @param metrics the evaluator's metrics
 */
public record HistoryRow(int epoch, long step, double trainLoss, double trainSeconds, Map<String, Double> metrics) {
    public HistoryRow {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }
}
