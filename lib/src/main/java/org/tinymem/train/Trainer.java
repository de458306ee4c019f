package org.tinymem.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.tinymem.data.TrainRow;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.util.Progress;

/**
 * The training loop (SPEC §1): AdamW on the mean next-token loss, rows reshuffled every epoch,
 * padding trimmed per batch, evaluation and checkpoints every few epochs. A run resumes from its
 * newest checkpoint and then produces exactly the numbers of an uninterrupted run: the model and
 * optimizer state are restored bit for bit and every epoch's shuffle depends only on (seed, epoch).
 * An optional {@link Regularizer} (§3.1) shapes each step; the wall time spent in it is recorded
 * as the metric {@value #REGULARIZER_SECONDS}.
 */
public final class Trainer {
    /**
     * Cumulative wall seconds inside the regularizer (its forward-pass hooks and objective; its share
     * of the backward pass cannot be separated). The paper's "Time" of a regularizer (Table 1) is the
     * whole overhead: compare {@code train_seconds} with an unregularized run.
     */
    public static final String REGULARIZER_SECONDS = "regularizer_seconds";
    private final TrainConfig config;
    private final Evaluator evaluator;
    private final Path runDir;
    private final Progress progress;
    private EpochListener epochListener = epoch -> {};
    private Regularizer regularizer = Regularizer.NONE;
    private long regularizerNanos;

    /** Called after each epoch's checkpoint (tests use it to simulate an interruption). */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(int epoch);
    }

    /** What a finished training run produced. */
    public record Result(int epochs, long steps, double trainSeconds, List<HistoryRow> history, boolean resumed) {
        public HistoryRow last() {
            return history.get(history.size() - 1);
        }
    }

    /**
     * @param runDir where checkpoints go (null: no checkpoints, no resume)
     */
    public Trainer(TrainConfig config, Evaluator evaluator, Path runDir, Progress progress) {
        this.config = config;
        this.evaluator = evaluator;
        this.runDir = runDir;
        this.progress = progress;
    }

    public Trainer onEpoch(EpochListener listener) {
        this.epochListener = listener;
        return this;
    }

    /** Trains with {@code regularizer} (default {@link Regularizer#NONE}). */
    public Trainer withRegularizer(Regularizer regularizer) {
        this.regularizer = java.util.Objects.requireNonNull(regularizer);
        return this;
    }

    /** Steps in one epoch of {@code rows} rows. */
    public static long stepsPerEpoch(int rows, int batchSize) {
        return (rows + batchSize - 1) / batchSize;
    }

    public Result train(CausalLm model, List<TrainRow> rows) {
        if (rows.isEmpty()) throw new IllegalArgumentException("no training rows");
        // PyTorch's grad mode is per thread, and DJL switches it off only on the thread that loaded
        // the engine. On any other thread (a notebook cell runs on a fresh one) it stays on after the
        // GradientCollector closes, and AdamW's in-place update of a leaf parameter then fails with
        // "a leaf Variable that requires grad is being used in an in-place operation".
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return trainWithoutGradMode(model, rows);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private Result trainWithoutGradMode(CausalLm model, List<TrainRow> rows) {
        long perEpoch = stepsPerEpoch(rows.size(), config.batchSize());
        long totalSteps = perEpoch * config.epochs();
        List<HistoryRow> history = new ArrayList<>();
        int startEpoch = 0;
        long step = 0;
        double trainSeconds = 0;
        boolean resumed = false;
        regularizerNanos = 0;
        try (AdamW optimizer = AdamW.of(model.parameters(), model.manager(), config);
             NDManager manager = model.manager().newSubManager()) {
            if (runDir != null) {
                Optional<Checkpoint.State> state = Checkpoint.latest(runDir, model);
                if (state.isPresent()) {
                    optimizer.restore(state.get().optimizer(), state.get().step());
                    startEpoch = state.get().epoch();
                    step = state.get().step();
                    trainSeconds = state.get().trainSeconds();
                    regularizer.restore(state.get().regularizer().tensors());
                    regularizerNanos = (long) (state.get().regularizer().seconds() * 1e9);
                    history.addAll(state.get().history());
                    resumed = true;
                    // A finished run is reused at once: show it as complete rather than an empty bar.
                    progress.update(step, totalSteps, startEpoch >= config.epochs()
                            ? "finished: reused" : String.format("resumed after epoch %d/%d", startEpoch, config.epochs()));
                }
            }
            for (int epoch = startEpoch + 1; epoch <= config.epochs(); epoch++) {
                List<TrainRow> order = new ArrayList<>(rows);
                Collections.shuffle(order, new Random(config.seed() * 1_000_003L + epoch));
                double lossSum = 0;
                long tokens = 0;
                long started = System.nanoTime();
                for (int start = 0; start < order.size(); start += config.batchSize()) {
                    List<TrainRow> batchRows = order.subList(start, Math.min(order.size(), start + config.batchSize()));
                    List<int[]> batch = batchRows.stream().map(TrainRow::tokens).toList();
                    float loss;
                    try (NDScope ignored = new NDScope();
                         GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        // Rows of different lengths without a pad token (a language model's memorized rows, as
                        // targeted relearning trains on) are filled and their filled targets masked out.
                        boolean ragged = model.padToken() < 0 && batch.stream().anyMatch(r -> r.length != batch.get(0).length);
                        TokenBatch.Packed packed = ragged ? TokenBatch.packWithMask(manager, batch, -1) : null;
                        NDArray ids = ragged ? packed.tokens() : TokenBatch.pack(manager, batch, model.padToken());
                        long hookStart = System.nanoTime();
                        Intervention intervention = regularizer == Regularizer.NONE ? Intervention.NONE
                                : new TimedIntervention(regularizer.intervention(batchRows));
                        regularizerNanos += System.nanoTime() - hookStart;
                        NextTokenLoss.Terms terms = ragged ? NextTokenLoss.of(model, packed, intervention) : NextTokenLoss.of(model, ids, intervention);
                        NDArray mean = terms.mean();
                        long objectiveStart = System.nanoTime();
                        NDArray objective = regularizer == Regularizer.NONE ? mean : regularizer.objective(terms, batchRows);
                        regularizerNanos += System.nanoTime() - objectiveStart;
                        collector.backward(objective);
                        loss = mean.getFloat();
                        if (!Float.isFinite(loss)) {
                            // Fail fast: every later step would train on NaN (seen once with spectral norm, §3.1).
                            throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + epoch
                                    + ", step " + (step + 1) + "; the newest checkpoint precedes it");
                        }
                        tokens += (long) terms.mask().sum().getFloat();
                    }
                    optimizer.step(config.learningRateAt(step, totalSteps));
                    step++;
                    lossSum += loss;
                    double seconds = (System.nanoTime() - started) / 1e9;
                    progress.update(step, totalSteps, String.format("epoch %d/%d loss %.4f %,.0f tok/s",
                            epoch, config.epochs(), loss, tokens / Math.max(seconds, 1e-9)));
                }
                trainSeconds += (System.nanoTime() - started) / 1e9;
                double epochLoss = lossSum / perEpoch;
                boolean last = epoch == config.epochs();
                if (last || epoch % config.evaluateEvery() == 0) {
                    Map<String, Double> metrics = new LinkedHashMap<>(regularizer.withDeployed(model, evaluator::evaluate));
                    if (regularizer != Regularizer.NONE) {
                        metrics.put(REGULARIZER_SECONDS, regularizerNanos / 1e9);
                        metrics.putAll(regularizer.metrics());
                    }
                    history.add(new HistoryRow(epoch, step, epochLoss, trainSeconds, metrics));
                }
                if (runDir != null && (last || epoch % config.checkpointEvery() == 0)) {
                    Checkpoint.save(runDir, model, optimizer, epoch, step, config.seed(), trainSeconds, history,
                            new Checkpoint.RegularizerState(regularizerNanos / 1e9, regularizer.state()));
                }
                epochListener.epochDone(epoch);
            }
        }
        progress.close();
        return new Result(config.epochs(), step, trainSeconds, history, resumed);
    }

    /** Adds the time spent in a regularizer's forward-pass hooks to {@link #regularizerNanos}. */
    private final class TimedIntervention implements Intervention {
        private final Intervention delegate;

        TimedIntervention(Intervention delegate) {
            this.delegate = delegate;
        }

        @Override
        public NDArray weight(String name, NDArray parameter) {
            long started = System.nanoTime();
            NDArray result = delegate.weight(name, parameter);
            regularizerNanos += System.nanoTime() - started;
            return result;
        }

        @Override
        public NDArray mlpHidden(int layer, NDArray hidden) {
            long started = System.nanoTime();
            NDArray result = delegate.mlpHidden(layer, hidden);
            regularizerNanos += System.nanoTime() - started;
            return result;
        }
    }
}
