package org.tinymem.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import org.tinymem.data.TrainRow;
import org.tinymem.model.CausalLm;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.train.AdamW;
import org.tinymem.train.Regularizer;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.train.TrainConfig;

/**
 * Times training steps (forward, backward, AdamW) of a freshly initialised model of a run's shape, as
 * {@link org.tinymem.train.Trainer} takes them: with a regularizer, its intervention and objective.
 * {@code bench train} prints it; {@code bench table1} prices every training and fine-tuning with it.
 */
public final class StepTimer {
    private StepTimer() {}

    /**
     * The timing of {@code steps} steps after {@code warmup} untimed ones.
     *
     * @param millis each timed step, sorted
     * @param tokensPerStep tokens of one batch (rows × padded length)
     */
    public record Timing(double[] millis, long tokensPerStep) {
        public double median() {
            int n = millis.length;
            return n % 2 == 1 ? millis[n / 2] : (millis[n / 2 - 1] + millis[n / 2]) / 2;
        }
    }

    /**
     * Steps of {@code batch} consecutive rows of {@code rows} (wrapping) on {@code plan}'s model at its
     * optimizer settings; {@code regularizer} null for plain steps; {@code sliced} the LM head's loss.
     */
    public static Timing time(TrainRun.Plan plan, List<TrainRow> rows, RegularizerSpec regularizer, int batch, int warmup,
                              int steps, boolean sliced) {
        if (batch <= 0 || steps <= 0 || warmup < 0) throw new IllegalArgumentException("batch and steps must be positive");
        if (rows.size() <= batch) throw new IllegalArgumentException("need more than " + batch + " rows, got " + rows.size());
        TrainConfig config = plan.training();
        double[] millis = new double[steps];
        long tokensPerStep = 0;
        try (NDManager manager = NDManager.newBaseManager();
             CausalLm model = plan.model().initialize(0, manager);
             AdamW optimizer = AdamW.of(model.parameters(), manager, config)) {
            Regularizer reg = regularizer == null ? Regularizer.NONE : regularizer.create(model, 0);
            for (int i = 0; i < warmup + steps; i++) {
                int start = (i * batch) % (rows.size() - batch);
                List<TrainRow> batchRows = rows.subList(start, start + batch);
                long started = System.nanoTime();
                try (NDScope ignored = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray ids = TokenBatch.pack(manager, batchRows.stream().map(TrainRow::tokens).toList(), model.padToken());
                    tokensPerStep = ids.getShape().size();
                    NextTokenLoss.Terms terms = NextTokenLoss.of(model, ids, reg.intervention(batchRows), sliced);
                    collector.backward(reg == Regularizer.NONE ? terms.mean() : reg.objective(terms, batchRows));
                }
                optimizer.step(config.learningRate());
                if (i >= warmup) millis[i - warmup] = (System.nanoTime() - started) / 1e6;
            }
        }
        Arrays.sort(millis);
        return new Timing(millis, tokensPerStep);
    }
}
