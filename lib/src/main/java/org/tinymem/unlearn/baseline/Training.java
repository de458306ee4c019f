package org.tinymem.unlearn.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.tinymem.model.CausalLm;
import org.tinymem.train.AdamW;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.EpochLadder;
import org.tinymem.unlearn.Gradients;
import org.tinymem.unlearn.LabeledBatch;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;

/**
 * The fine-tuning loop the baselines share: shuffled batches of the unlearn rows (and of the retain
 * rows when a method uses them, "Shuffle[memorized ∪ random]" as in Alg. 6), one AdamW step on every
 * parameter per batch.
 *
 * <p>Optimizer: the LLM-unlearning benchmarks fine-tune with AdamW (TOFU, Maini et al. 2024, and
 * OpenUnlearning: lr 1e-5, weight decay 0.01, for 7B-parameter models). We keep AdamW with PyTorch's
 * defaults (β 0.9 / 0.999, ε 1e-8) and weight decay 0.01, and scale the learning rate to our models
 * (ours): 1e-5 does not move a model of 10⁵–10⁷ parameters in a few dozen steps.
 *
 * @param learningRate AdamW learning rate (ours: 1e-3; grid {1e-4, 1e-3, 1e-2}, see {@link #defaults()})
 * @param epochs passes over the batches (ours: 5; grid {1, 5, 10})
 * @param batchSize rows per batch (ours: 32; TOFU's effective batch is 32)
 * @param weightDecay decoupled AdamW decay (TOFU / OpenUnlearning: 0.01)
 * @param seed seed of the shuffling
 */
public record Training(double learningRate, int epochs, int batchSize, double weightDecay, long seed) {
    public Training {
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        UnlearnParams.checkPositive("epochs", epochs);
        UnlearnParams.checkPositive("batch size", batchSize);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
    }

    /**
     * Ours, measured on the {@code TinyMemorizer} fixture (8 memorized rows, 24 retain rows, 1 thread;
     * {@code BaselinesTest}): lr 1e-3, 5 epochs, batch 32 (5 steps) takes every method from 8 to 0
     * memorized rows, at a cost in add-7 accuracy (48.2 → ga 22.6, gd 33.4, npo 32.1) in 1.4–4.3 s;
     * one ga step at this rate already raises the forget loss 5× (0.04 → 0.18 nats). The grid of
     * {@code Sweep.paperGrid} spans 10× either side of the rate and 1–10 epochs.
     */
    public static Training defaults() {
        return new Training(1e-3, 5, 32, 0.01, 0);
    }

    /** The same loop with another epoch count (a ladder's longest run). */
    Training withEpochs(int newEpochs) {
        return new Training(learningRate, newEpochs, batchSize, weightDecay, seed);
    }

    /** Called after every epoch (1-based) with the optimizer steps taken so far. */
    interface EpochEnd {
        EpochEnd NONE = (epoch, steps) -> {};

        void after(int epoch, long steps);
    }

    /**
     * Runs the loop on {@code model} in place; {@code loss} builds a batch's loss (inside a gradient
     * collector), {@code end} is told after each epoch. Returns the number of optimizer steps taken.
     */
    long run(CausalLm model, UnlearnSets sets, boolean withRetain, BiFunction<LabeledBatch, NDManager, NDArray> loss,
             EpochEnd end) {
        Random random = new Random(seed);
        long steps = 0;
        try (NDManager manager = model.manager().newSubManager();
             AdamW optimizer = new AdamW(model.parameters(), manager, 0.9, 0.999, 1e-8, weightDecay)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (LabeledBatch batch : LabeledBatch.shuffled(sets, withRetain, batchSize, random)) {
                    Gradients.backward(() -> loss.apply(batch, manager));
                    optimizer.step(learningRate);
                    steps++;
                }
                end.after(epoch + 1, steps);
            }
        }
        return steps;
    }

    /** One method's loop: trains {@code model} in place with {@code training}, telling {@code end} after each epoch. */
    interface Loop {
        long train(CausalLm model, Training training, EpochEnd end);
    }

    /**
     * The {@link org.tinymem.unlearn.EpochLadder} of the baselines: one run of {@code loop} on a copy of
     * {@code model} to the largest of {@code epochs}, a copy of the weights after each listed epoch. Exact:
     * the learning rate is constant and the batches come from one seeded generator whatever the total, so a
     * run's first e epochs are the run of e epochs. Each edit is timed from the start of the run, the
     * snapshots' copying left out.
     */
    List<Edit> atEpochs(CausalLm model, List<Integer> epochs, Loop loop) {
        return EpochLadder.fromOneRun(model, epochs, (working, edits) -> {
            long started = System.nanoTime();
            long[] copying = {0};
            loop.train(working, withEpochs(java.util.Collections.max(epochs)), (epoch, steps) -> {
                if (!epochs.contains(epoch)) return;
                long before = System.nanoTime();
                edits.put(epoch, new Edit(working.copy(), steps, "steps", (before - started - copying[0]) / 1e9));
                copying[0] += System.nanoTime() - before;
            });
        });
    }
}
