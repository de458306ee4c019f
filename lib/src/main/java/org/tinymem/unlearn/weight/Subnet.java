package org.tinymem.unlearn.weight;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.Gradients;
import org.tinymem.unlearn.LabeledBatch;
import org.tinymem.unlearn.Mask;
import org.tinymem.unlearn.TensorScope;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.UnlearnTokens;
import org.tinymem.unlearn.ForgetLoss;
import org.tinymem.unlearn.Unlearner;

/**
 * Subnet (Alg. 5, App. A.3.2): learn straight-through masks ({@link ScoreMasks}) over the frozen
 * eligible weights by gradient ascent on the unlearn-set loss (loss = −mean ℓ(memorized rows)),
 * SGD with momentum on the scores; finally fold W ⊙ M into the weights.
 */
public final class Subnet implements Unlearner, org.tinymem.unlearn.EpochLadder, org.tinymem.unlearn.EpochWatched {

    /**
     * Hyper-parameters of the learned masks (Subnet, and BalancedSubnet on top).
     *
     * @param ratio fraction of each eligible tensor that the mask zeroes (grid 1e-5 … 0.3)
     * @param epochs passes over the batches (grid 1, 10, 20)
     * @param learningRate SGD learning rate of the scores (0.1)
     * @param momentum SGD momentum (0.9)
     * @param weightDecay SGD L2 decay of the scores (5e-4)
     * @param batchSize rows per batch (64)
     * @param tensors eligible tensors
     * @param seed seed of the score initialisation and of the shuffling
     * @param tokens the tokens of a memorized row that the forget term uses ({@link UnlearnTokens#SEQUENCE}
     *     = the paper's whole sequence; see {@link UnlearnTokens} for why the quick profile uses ARTIFACT)
     * @param forget the forget quantity ({@link ForgetLoss#ASCENT} = the paper's −ℓ; see {@link ForgetLoss}
     *     for why the quick profile uses UNLIKELIHOOD)
     */
    public record Params(double ratio, int epochs, double learningRate, double momentum, double weightDecay,
                         int batchSize, TensorScope tensors, long seed, UnlearnTokens tokens, ForgetLoss forget)
            implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
            UnlearnParams.checkPositive("epochs", epochs);
            UnlearnParams.checkPositive("batch size", batchSize);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
            if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
            java.util.Objects.requireNonNull(tensors, "tensors");
            java.util.Objects.requireNonNull(tokens, "tokens");
            java.util.Objects.requireNonNull(forget, "forget");
        }

        /** The paper's whole-sequence forget term. */
        public Params(double ratio, int epochs, double learningRate, double momentum, double weightDecay, int batchSize,
                      TensorScope tensors, long seed) {
            this(ratio, epochs, learningRate, momentum, weightDecay, batchSize, tensors, seed, UnlearnTokens.SEQUENCE,
                    ForgetLoss.ASCENT);
        }

        /**
         * The reference code's optimizer ({@code src/localize/weight/random_subnet.py}: SGD lr 0.1, momentum 0.9,
         * weight decay 5e-4, batch 64, whole-sequence ascent) at ratio 0.01 and 10 epochs, a point of the
         * paper's grid (App. A.3.5; not tuned: Subnet's default point is ours).
         */
        public static Params defaults() {
            return new Params(1e-2, 10, 0.1, 0.9, 5e-4, 64, TensorScope.MLP, 0);
        }

        /** The same setting with another epoch count (one run serving several, {@link Subnet#unlearnAtEpochs}). */
        public Params withEpochs(int newEpochs) {
            return new Params(ratio, newEpochs, learningRate, momentum, weightDecay, batchSize, tensors, seed, tokens, forget);
        }

        /** The same setting at another ratio (a ratio sweep, App. A.3.5). */
        public Params withRatio(double newRatio) {
            return new Params(newRatio, epochs, learningRate, momentum, weightDecay, batchSize, tensors, seed, tokens, forget);
        }
    }

    private final Params params;
    private final org.tinymem.util.Progress progress;

    public Subnet(Params params) {
        this(params, org.tinymem.util.Progress.silent());
    }

    private Subnet(Params params, org.tinymem.util.Progress progress) {
        this.params = params;
        this.progress = progress;
    }

    @Override
    public Subnet reporting(org.tinymem.util.Progress newProgress) {
        return new Subnet(params, newProgress);
    }

    @Override
    public String method() {
        return "subnet";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        return learnMasks(model, sets, params, false, -1, 0, List.of(), null, progress);
    }

    /**
     * The edits of this method at each of {@code epochs} (its own epoch count is replaced by them) from
     * one mask-learning run to the largest: each a copy of {@code model} with the masks of that epoch
     * folded in, timed from the start of the run — bit for bit what separate runs give (WeightUnlearnersTest).
     */
    @Override
    public List<Edit> unlearnAtEpochs(CausalLm model, UnlearnSets sets, List<Integer> epochs) {
        return atEpochs(model, sets, epochs, params, false, -1, 0, progress);
    }

    /** The shared loop of {@link #unlearnAtEpochs} for Subnet and BalancedSubnet. */
    static List<Edit> atEpochs(CausalLm model, UnlearnSets sets, List<Integer> epochs, Params params, boolean withRetain,
                               double memorizedWeight, double retainWeight, org.tinymem.util.Progress progress) {
        return org.tinymem.unlearn.EpochLadder.fromOneRun(model, epochs, (working, edits) -> {
            Params longest = params.withEpochs(java.util.Collections.max(epochs));
            long started = System.nanoTime();
            learnMasks(working, sets, longest, withRetain, memorizedWeight, retainWeight, epochs, (epoch, masks, names) -> {
                edits.put(epoch, snapshot(model, masks, names, (System.nanoTime() - started) / 1e9));
                return true;
            }, progress);
        });
    }

    /**
     * As {@link #unlearn}, showing the edit to {@code watcher} after every {@code every}-th epoch and after the
     * last; a watcher that answers false ends the run there, with the masks of that epoch folded in.
     */
    @Override
    public Edit unlearnWatched(CausalLm model, UnlearnSets sets, int every, Watcher watcher) {
        return watched(model, sets, every, watcher, params, false, -1, 0, progress);
    }

    /**
     * The shared loop of {@link #unlearnWatched} for Subnet and BalancedSubnet. A snapshot is a copy of
     * {@code model} with the masks of that epoch folded in, as {@link #atEpochs} makes them; the time spent
     * watching (snapshots and their evaluation) is left out of every edit's seconds, which are the method's.
     */
    static Edit watched(CausalLm model, UnlearnSets sets, int every, Watcher watcher, Params params, boolean withRetain,
                        double memorizedWeight, double retainWeight, org.tinymem.util.Progress progress) {
        UnlearnParams.checkPositive("evaluation interval (epochs)", every);
        List<Integer> watchedEpochs = new java.util.ArrayList<>();
        for (int epoch = every; epoch < params.epochs(); epoch += every) watchedEpochs.add(epoch);
        watchedEpochs.add(params.epochs());
        CausalLm working = model.copy(); // as Unlearner.unlearn: the copy is not timed
        long started = System.nanoTime();
        long[] watchingNanos = {0};
        try {
            long zeroed = learnMasks(working, sets, params, withRetain, memorizedWeight, retainWeight, watchedEpochs,
                    (epoch, masks, names) -> {
                        long paused = System.nanoTime();
                        double seconds = (paused - started - watchingNanos[0]) / 1e9;
                        try {
                            return watcher.after(epoch, params.epochs(), () -> snapshot(model, masks, names, seconds));
                        } finally {
                            watchingNanos[0] += System.nanoTime() - paused;
                        }
                    }, progress);
            return new Edit(working, zeroed, "weights", (System.nanoTime() - started - watchingNanos[0]) / 1e9);
        } catch (RuntimeException e) {
            working.close();
            throw e;
        }
    }

    /** A copy of {@code model} with the hard masks as they stand folded into its weights, timed {@code seconds}. */
    private static Edit snapshot(CausalLm model, ScoreMasks masks, List<String> names, double seconds) {
        CausalLm snapshot = model.copy();
        try {
            long folded = masks.fold(Mask.select(snapshot.parameters(), names));
            return new Edit(snapshot, folded, "weights", seconds);
        } catch (RuntimeException e) {
            snapshot.close();
            throw e;
        }
    }

    /**
     * Called after each of the requested epochs with the masks as they are then (see {@link #learnMasks});
     * answers whether to go on.
     */
    interface EpochEnd {
        boolean after(int epoch, ScoreMasks masks, List<String> names);
    }

    /**
     * The mask-learning loop of Alg. 5 and 6: each batch's loss is Σ coefficient · ℓ(row) with
     * {@code memorizedWeight} / {@code retainWeight} averaged within each group; SGD steps the
     * scores only; the final hard masks are folded into the weights. Returns the zeroed count. Each
     * batch is reported to {@code progress}; {@code onEpoch} (null when {@code snapshots} is empty) is
     * called after each epoch in {@code snapshots} (1-based), and the run ends there when it answers false
     * (early stopping, {@link #unlearnWatched}). The learning rate is constant and the batches are drawn from one seeded generator, so the masks after epoch e of
     * a longer run are exactly those of an e-epoch run: one run to the largest epoch count serves every
     * smaller one (issue 17; {@link #unlearnAtEpochs}).
     */
    static long learnMasks(CausalLm model, UnlearnSets sets, Params params, boolean withRetain, double memorizedWeight,
                           double retainWeight, List<Integer> snapshots, EpochEnd onEpoch, org.tinymem.util.Progress progress) {
        List<String> names = params.tensors().names(model);
        Map<String, NDArray> eligible = Mask.select(model.parameters(), names);
        Random random = new Random(params.seed());
        try (Gradients.Frozen frozen = Gradients.freezeAllBut(model, List.of());
             NDManager manager = model.manager().newSubManager();
             ScoreMasks masks = new ScoreMasks(manager, eligible, params.ratio(), params.seed());
             MomentumSgd sgd = new MomentumSgd(masks.scores(), manager, params.learningRate(), params.momentum(),
                     params.weightDecay())) {
            int rows = sets.unlearn().size() + (withRetain ? sets.retain().size() : 0);
            long perEpoch = (rows + params.batchSize() - 1) / params.batchSize();
            long total = perEpoch * params.epochs();
            long done = 0;
            for (int epoch = 0; epoch < params.epochs(); epoch++) {
                for (LabeledBatch batch : LabeledBatch.shuffled(sets, withRetain, params.batchSize(), random)) {
                    float loss = Gradients.backward(() -> batch.loss(model, masks, manager, memorizedWeight, retainWeight, true,
                            params.tokens(), params.forget()));
                    sgd.step();
                    progress.update(++done, total, String.format("epoch %d/%d loss %.4f", epoch + 1, params.epochs(), loss));
                }
                if (snapshots.contains(epoch + 1) && !onEpoch.after(epoch + 1, masks, names)) {
                    progress.update(done, done, String.format("stopped after epoch %d/%d", epoch + 1, params.epochs()));
                    break;
                }
            }
            return masks.fold(eligible);
        }
    }
}
