package org.tinymem.unlearn.weight;

import java.util.List;

import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/**
 * BalancedSubnet (Alg. 6, App. A.3.2): as {@link Subnet}, but batches are shuffled mixtures of
 * memorized and retain rows and the loss is −(1 − w) · mean ℓ(memorized rows) + w · mean ℓ(retain
 * rows), so the mask removes memorization while keeping the clean tasks. A batch without rows of
 * one group gets no term for it.
 *
 * <p>Mechanics and optimizer are the reference code's ({@code src/localize/weight/random_subnet_greedy.py},
 * {@code do_random_greedy}, which the paper's runs call "random_greedy"): SGD lr 0.1, momentum 0.9, weight
 * decay 5e-4, batch 64, whole-sequence gradient ascent on the memorized rows, the retain rows being the
 * clean training data ({@link org.tinymem.unlearn.UnlearnSets}). Where Alg. 6 as printed and the code differ
 * we follow the code, and where ours differs from both it says so:
 * <ul>
 *   <li><b>Group means</b> (reference code). Alg. 6 lines 15–24 multiply each row's loss by a
 *       {@code batch_mask} entry, −(1 − w) or w; the reference's final version averages each group instead,
 *       {@code -(1 - w) * loss[noise].mean() + w * loss[clean].mean()} (its earlier
 *       {@code loss *= -batch_size * label} is left commented as "the og loss function"). We do the same,
 *       so w alone sets the balance. <b>Ours</b>: a batch without rows of one group gets no term for it
 *       (the reference's mean of an empty selection is NaN).</li>
 *   <li><b>Forget tokens and loss</b> ({@link Subnet.Params#tokens()}, {@link Subnet.Params#forget()}):
 *       the default ascends −log p over the whole memorized sequence, as the reference. {@link Params#quick()}
 *       is an explicit alternative that restricts the forget term to the artifact tokens and uses the
 *       unlikelihood log(1 − p): it needs each memorized row's clean twin, knowledge that no other method
 *       gets and that a real user does not have, so it is never a default.</li>
 *   <li>Dropped entries are the lowest-|score| ones, as in the reference's {@code GetSubnet}
 *       (sorted ascending, first k set to 0) — Alg. 6's "drop top K" is read with that
 *       implementation; it is also the direction in which the straight-through gradient of an
 *       unwanted weight lowers its |score|.</li>
 * </ul>
 */
public final class BalancedSubnet implements Unlearner, org.tinymem.unlearn.EpochLadder, org.tinymem.unlearn.EpochWatched {

    /**
     * @param mask the learned-mask hyper-parameters shared with Subnet
     * @param lossWeight w, the weight of the retain loss in [0, 1] (grid 0.9, 0.7, 0.5; reference script default 0.05)
     */
    public record Params(Subnet.Params mask, double lossWeight) implements UnlearnParams {
        public Params {
            java.util.Objects.requireNonNull(mask, "mask");
            if (!(lossWeight >= 0 && lossWeight <= 1)) {
                throw new IllegalArgumentException("loss weight must be in [0, 1], got " + lossWeight);
            }
        }

        /**
         * The default: the reference code's mechanics ({@link Subnet.Params#defaults()}: SGD lr 0.1, momentum
         * 0.9, weight decay 5e-4, batch 64, whole-sequence ascent) at ratio 0.05, 20 epochs, w = 0.9, a point of
         * the paper's grid (App. A.3.5: ratio {1e-5 … 0.3} × epochs {1, 10, 20} × w {0.9, 0.7, 0.5}). The
         * reference script's own defaults are not usable (ratio 1e-5 zeroes int(1e-5 · 65,536) = 0 weights of a
         * 4-layer MLP matrix; w 0.05 removes arithmetic with the noise). Chosen by the paper's rule (M + |A|) on
         * the quick math-mult models, every clean training row retained (docs/unlearning.md, "Defaults" and "The
         * default chosen by the rule over both retrained models"): w 0.9 over 0.7 on the noise model; ratio 0.05 /
         * 20 epochs the best mean score over noise and backdoor among ratios 0.01, 0.05, 0.1 × epochs 1, 10, 20
         * ({@code sweep collect --pooled}; noise 77.27 → 0.00 % memorized, accuracy 91.05 → 89.22; backdoor
         * 96.36 → 0.00 %, 81.79 → 78.82), and again after the backdoor model was recalibrated (docs/unlearning.md,
         * "On the recalibrated backdoor model": backdoor 96.55 → 0.00 %, 90.11 → 88.19; mean −97.93).
         */
        public static Params defaults() {
            return new Params(Subnet.Params.defaults().withRatio(0.05).withEpochs(20), 0.9);
        }

        /**
         * Our earlier setting for the quick 4-layer math models, kept as an explicit option named for what it
         * uses: the artifact tokens, known from the clean twins (docs/unlearning.md; use it with a retain set
         * of 300 clean rows, about 8× the memorized rows): ratio 0.1 and 20 epochs and w = 0.5 from
         * the paper's grid, SGD lr 10 (the scores are ~1e-2 in size and their gradients ~1e-4, so lr
         * 0.1 barely reorders them in 100 steps), momentum, decay and batch as the paper, and the
         * forget term on the artifact tokens with the unlikelihood loss. Measured on the quick
         * math-add + noise model: 60% → 0% memorized, accuracy 95.53 → 95.51.
         */
        public static Params quick() {
            return new Params(new Subnet.Params(0.1, 20, 10, 0.9, 5e-4, 64, org.tinymem.unlearn.TensorScope.MLP, 0,
                    org.tinymem.unlearn.UnlearnTokens.ARTIFACT, org.tinymem.unlearn.ForgetLoss.UNLIKELIHOOD), 0.5);
        }

        /** The quick setting's retain-set size (clean rows). */
        public static final int QUICK_RETAIN_ROWS = 300;

        @Override
        public double ratio() {
            return mask.ratio();
        }

        /** The same setting at another ratio (a ratio sweep, App. A.3.5). */
        public Params withRatio(double newRatio) {
            return new Params(mask.withRatio(newRatio), lossWeight);
        }
    }

    private final Params params;
    private final org.tinymem.util.Progress progress;

    public BalancedSubnet(Params params) {
        this(params, org.tinymem.util.Progress.silent());
    }

    private BalancedSubnet(Params params, org.tinymem.util.Progress progress) {
        this.params = params;
        this.progress = progress;
    }

    @Override
    public BalancedSubnet reporting(org.tinymem.util.Progress newProgress) {
        return new BalancedSubnet(params, newProgress);
    }

    @Override
    public String method() {
        return "balanced-subnet";
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public long ablateInPlace(CausalLm model, UnlearnSets sets) {
        return Subnet.learnMasks(model, sets, params.mask(), true, -(1 - params.lossWeight()), params.lossWeight(), List.of(),
                null, progress);
    }

    /** As {@link Subnet#unlearnAtEpochs}: one run to the largest of {@code epochs}, an exact edit at each. */
    @Override
    public List<Edit> unlearnAtEpochs(CausalLm model, UnlearnSets sets, List<Integer> epochs) {
        return Subnet.atEpochs(model, sets, epochs, params.mask(), true, -(1 - params.lossWeight()), params.lossWeight(),
                progress);
    }

    /** As {@link Subnet#unlearnWatched}: the edit shown after every {@code every}-th epoch and the last; may stop early. */
    @Override
    public Edit unlearnWatched(CausalLm model, UnlearnSets sets, int every, Watcher watcher) {
        return Subnet.watched(model, sets, every, watcher, params.mask(), true, -(1 - params.lossWeight()), params.lossWeight(),
                progress);
    }
}
