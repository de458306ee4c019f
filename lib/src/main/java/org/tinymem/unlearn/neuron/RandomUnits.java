package org.tinymem.unlearn.neuron;

import java.util.Random;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.UnlearnParams;
import org.tinymem.unlearn.UnlearnSets;

/**
 * A control, not one of the paper's methods ({@code --method random-units}, a diagnostic): ablates
 * int(ratio · width) MLP units per layer chosen at random (seeded), ignoring the memorized rows. Set beside a
 * neuron method's row at the same ratio, it separates what the method's choice of units costs from what
 * removing that many units costs any choice.
 */
public final class RandomUnits extends NeuronUnlearner {

    /**
     * @param ratio fraction of units per layer to ablate
     * @param seed seed of the choice
     */
    public record Params(double ratio, long seed) implements UnlearnParams {
        public Params {
            UnlearnParams.checkRatio(ratio);
        }
    }

    private final Params params;

    public RandomUnits(Params params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "random-units";
    }

    @Override
    public Params params() {
        return params;
    }

    /** Uniform scores in [0, 1), one generator per call seeded with {@code seed}: the same units for the same seed. */
    @Override
    public float[][] attribute(CausalLm model, UnlearnSets sets) {
        Random random = new Random(params.seed());
        float[][] scores = new float[model.layers()][MlpUnits.width(model)];
        for (float[] layer : scores) for (int j = 0; j < layer.length; j++) layer[j] = random.nextFloat();
        return scores;
    }
}
