package org.tinymem.unlearn.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.Scalars;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;

/**
 * HC (hard concrete, §3.3 after Chang et al. 2024): an L0 gate per MLP unit (Louizos et al. 2018)
 * with stretch l = −0.1, r = 1.1 and temperature β = 2/3. Each training step draws u ~ U(0, 1) per
 * unit and scales the unit's activation by z = clip(σ((log u − log(1 − u) + log α)/β)·(r − l) + l, 0, 1);
 * loss = LM loss on the memorized continuations + λ · E[L0], where E[L0] is the mean over every
 * unit of P(z ≠ 0) = σ(log α − β·log(−l/r)). The attribution is σ(log α) and, as for Slim, the
 * <em>highest</em> are dropped (reference: {@code torch.topk} of σ(mask scores), largest): the gates
 * that the memorized loss keeps open against the penalty.
 *
 * <p>As the reference: log α starts at log(p/(1 − p)) with p = (keep − l)/(r − l) for the initial keep
 * probability {@code initialKeep} = 0.5 (so log α = 0), plus N(0, 0.01²) noise (the reference overwrites
 * its constant init with N(0, 0.01), which for keep 0.5 is the same mean); one u per unit and step,
 * shared by the rows of the batch. Ours: a seeded Java RNG draws u (clipped to [1e-4, 1 − 1e-4], as
 * the reference) and the initial noise; the LM loss covers the continuation targets (the reference's
 * the whole row); gradients are zeroed every step (see {@link GateTraining}); no early stop.
 */
public final class HardConcrete extends NeuronUnlearner {
    /** Left end of the stretched interval. */
    static final double LEFT = -0.1;
    /** Right end of the stretched interval. */
    static final double RIGHT = 1.1;
    /** Temperature. */
    static final double BETA = 2.0 / 3.0;

    /**
     * @param ratio fraction of units per layer to ablate (grid 1e-5 … 0.1, App. A.3.5)
     * @param epochs passes over the unlearn rows (grid 1, 10, 20)
     * @param lambda weight λ of E[L0]
     * @param learningRate Adam learning rate
     * @param batchSize rows per step
     * @param initialKeep the keep probability the gates start at, in (0, 1)
     * @param seed seed of the initial noise and of u
     */
    public record Params(double ratio, int epochs, double lambda, double learningRate, int batchSize,
                         double initialKeep, long seed) implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
            UnlearnParams.checkPositive("epochs", epochs);
            UnlearnParams.checkPositive("batch size", batchSize);
            if (!(lambda >= 0 && Double.isFinite(lambda))) throw new IllegalArgumentException("lambda must be ≥ 0, got " + lambda);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
            if (!(initialKeep > 0 && initialKeep < 1)) {
                throw new IllegalArgumentException("initial keep probability must be in (0, 1), got " + initialKeep);
            }
        }

        /**
         * Ratio 0.01 (ours, middle of the paper grid); 10 epochs (paper grid); λ = 1000 and Adam lr 0.1
         * (reference code: the {@code --lambda_l1} and {@code --lr} defaults of
         * {@code src/localize/localizing_memorization.py}, which {@code localize_hp_sweep.py} does not
         * override; earlier versions of this class used 0.01, unsourced); batch 64 and initial keep 0.5
         * ({@code hard_concrete.py}, {@code patch_hardconcrete(mask_p=0.5, beta=2/3)}); seed 0.
         */
        public static Params defaults() {
            return new Params(1e-2, 10, 1000, 0.1, 64, 0.5, 0);
        }
    }

    private final Params params;

    public HardConcrete(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "hc";
    }

    @Override
    public Params params() {
        return params;
    }

    /** σ(log α) of every unit after training. */
    @Override
    public float[][] attribute(CausalLm model, UnlearnSets sets) {
        int width = MlpUnits.width(model);
        Random random = new Random(params.seed());
        double p = (params.initialKeep() - LEFT) / (RIGHT - LEFT);
        double start = Math.log(p / (1 - p));
        try (NDManager manager = model.manager().newSubManager()) {
            List<NDArray> logAlpha = new ArrayList<>();
            for (int l = 0; l < model.layers(); l++) {
                float[] values = new float[width];
                for (int j = 0; j < width; j++) values[j] = (float) (start + 0.01 * random.nextGaussian());
                NDArray scores = manager.create(values);
                scores.setRequiresGradient(true);
                logAlpha.add(scores);
            }
            GateTraining.train(model, sets, new GateTraining.Gates() {
                @Override
                public List<NDArray> parameters() {
                    return logAlpha;
                }

                @Override
                public Intervention training(NDManager step) {
                    List<NDArray> noise = new ArrayList<>();
                    for (int l = 0; l < logAlpha.size(); l++) noise.add(uniform(step, width, random));
                    return new Intervention() {
                        @Override
                        public NDArray mlpHidden(int layer, NDArray hidden) {
                            return hidden.mul(gate(logAlpha.get(layer), noise.get(layer)));
                        }
                    };
                }

                @Override
                public NDArray penalty() {
                    return expectedL0(logAlpha);
                }
            }, params.epochs(), params.lambda(), params.learningRate(), params.batchSize());
            float[][] attribution = new float[model.layers()][];
            for (int l = 0; l < attribution.length; l++) {
                attribution[l] = Activation.sigmoid(logAlpha.get(l).stopGradient()).toFloatArray();
            }
            return attribution;
        }
    }

    /** A sampled gate z = clip(σ((log u − log(1 − u) + log α)/β)·(r − l) + l, 0, 1), always in [0, 1]. */
    static NDArray gate(NDArray logAlpha, NDArray u) {
        NDArray logistic = u.log().sub(u.neg().add(1).log());
        NDArray s = Activation.sigmoid(Scalars.dividedBy(logistic.add(logAlpha), BETA));
        return Scalars.times(s, RIGHT - LEFT).add((float) LEFT).clip(0, 1);
    }

    /** E[L0] / #units: the mean over every unit of every block of σ(log α − β·log(−l/r)). */
    static NDArray expectedL0(List<NDArray> logAlpha) {
        NDList flat = new NDList();
        logAlpha.forEach(a -> flat.add(a));
        NDArray shifted = NDArrays.concat(flat).sub((float) (BETA * Math.log(-LEFT / RIGHT)));
        return Activation.sigmoid(shifted).mean();
    }

    /** u ~ U(0, 1) per unit, clipped to [1e-4, 1 − 1e-4] as the reference. */
    private static NDArray uniform(NDManager manager, int width, Random random) {
        float[] values = new float[width];
        for (int j = 0; j < width; j++) values[j] = (float) Math.min(1 - 1e-4, Math.max(1e-4, random.nextDouble()));
        return manager.create(values, new Shape(width));
    }
}
