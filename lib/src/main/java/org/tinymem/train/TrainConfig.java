package org.tinymem.train;

/**
 * The training recipe (SPEC §1). Paper defaults: AdamW lr 1e-3, betas (0.9, 0.98), eps 1e-8, weight
 * decay 0.1 (the paper's "L2 regularization"), batch 128, reshuffled each epoch, no schedule.
 *
 * @param epochs passes over the training rows
 * @param batchSize rows per step
 * @param learningRate peak learning rate
 * @param beta1 AdamW β1
 * @param beta2 AdamW β2
 * @param eps AdamW ε
 * @param weightDecay decoupled weight decay
 * @param warmupSteps linear warm-up steps (0 = none)
 * @param finalLearningRateFraction cosine decay ends at this fraction of the peak at the last step (1 = constant)
 * @param checkpointEvery save a checkpoint every this many epochs (and at the end)
 * @param evaluateEvery measure accuracy and memorization every this many epochs (and at the end)
 * @param seed shuffling seed (the model seed is the run's seed)
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, double beta1, double beta2, double eps,
                          double weightDecay, int warmupSteps, double finalLearningRateFraction, int checkpointEvery,
                          int evaluateEvery, long seed) {

    public TrainConfig {
        if (epochs <= 0) throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) throw new IllegalArgumentException("eps must be positive, got " + eps);
        if (weightDecay < 0) throw new IllegalArgumentException("weightDecay must be ≥ 0, got " + weightDecay);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be ≥ 0, got " + warmupSteps);
        if (finalLearningRateFraction <= 0 || finalLearningRateFraction > 1) {
            throw new IllegalArgumentException("finalLearningRateFraction must be in (0, 1], got " + finalLearningRateFraction);
        }
        if (checkpointEvery <= 0 || evaluateEvery <= 0) {
            throw new IllegalArgumentException("checkpointEvery and evaluateEvery must be positive");
        }
    }

    /** The paper's optimizer with a given length and cadence. */
    public static TrainConfig paper(int epochs, int every, long seed) {
        return new TrainConfig(epochs, 128, 1e-3, 0.9, 0.98, 1e-8, 0.1, 0, 1.0, every, every, seed);
    }

    /** Learning rate at optimizer step {@code step} (0-based) of {@code totalSteps}: warm-up, then cosine. */
    public double learningRateAt(long step, long totalSteps) {
        if (step < warmupSteps) return learningRate * (step + 1) / warmupSteps;
        if (finalLearningRateFraction >= 1) return learningRate;
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - 1 - warmupSteps));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return learningRate * (finalLearningRateFraction + (1 - finalLearningRateFraction) * cosine);
    }

    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(newEpochs, batchSize, learningRate, beta1, beta2, eps, weightDecay, warmupSteps,
                finalLearningRateFraction, checkpointEvery, evaluateEvery, seed);
    }
}
