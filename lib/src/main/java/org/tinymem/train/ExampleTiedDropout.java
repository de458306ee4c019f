package org.tinymem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tinymem.data.TrainRow;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Gpt;
import org.tinymem.model.Intervention;

/**
 * Example-tied dropout (Maini et al. 2023; §3.1, App. A.2.2, SPEC §5) on the MLP hidden units of
 * every block. The first {@code ⌊p_fixed·width⌋} units of a block are "generalization" units, active
 * for every example; each of the other ("memorization") units is kept for an example with probability
 * p_mem, by a draw seeded with the example id, so an example sees the same units in every epoch (and
 * duplicates of it share them). At evaluation the memorization units are dropped and the
 * generalization units are scaled by (p_fixed + p_mem)/p_fixed, as in Maini et al.'s "drop" mode
 * (their code: {@code models/dropout.py}); this model is also the one saved after training.
 * <p>
 * <b>Ours</b>: hidden (feature) units, the published method; the paper's reference code masks
 * sequence positions instead (SPEC §5).
 */
public final class ExampleTiedDropout implements Regularizer {
    public static final String NAME = "example-tied-dropout";
    /** Maini et al.'s share of generalization units. */
    public static final double P_FIXED = 0.2;

    private final int layers;
    private final int width;
    private final double pFixed;
    private final double pMem;
    private final long seed;

    /**
     * @param layers transformer blocks
     * @param width MLP hidden units per block
     * @param pMem keep probability of a memorization unit (the paper's grid: 0.01, 0.05, 0.1)
     * @param pFixed share of generalization units ({@link #P_FIXED})
     * @param seed mixed with each example id
     */
    public ExampleTiedDropout(int layers, int width, double pMem, double pFixed, long seed) {
        if (layers <= 0 || width <= 0) throw new IllegalArgumentException("layers and width must be positive");
        if (!(pMem > 0 && pMem <= 1)) throw new IllegalArgumentException("p_mem must be in (0, 1], got " + pMem);
        if (!(pFixed > 0 && pFixed < 1)) throw new IllegalArgumentException("p_fixed must be in (0, 1), got " + pFixed);
        this.layers = layers;
        this.width = width;
        this.pFixed = pFixed;
        this.pMem = pMem;
        this.seed = seed;
        if (generalizationUnits() == 0) throw new IllegalArgumentException("p_fixed·width leaves no generalization unit");
    }

    /** For a model, with p_fixed = 0.2. */
    public static ExampleTiedDropout of(Gpt model, double pMem, long seed) {
        return new ExampleTiedDropout(model.layers(), model.config().mlpDim(), pMem, P_FIXED, seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    public double pMem() {
        return pMem;
    }

    /** Units 0 … this − 1 of every block are generalization units. */
    public int generalizationUnits() {
        return (int) (pFixed * width);
    }

    /** The training mask of one example: (layers × width) of 0/1, the same every time it is asked for. */
    public float[][] mask(int exampleId) {
        Random random = new Random(seed * 1_000_003L + exampleId);
        float[][] mask = new float[layers][width];
        for (float[] layer : mask) {
            Arrays.fill(layer, 0, generalizationUnits(), 1f);
            for (int unit = generalizationUnits(); unit < width; unit++) layer[unit] = random.nextDouble() < pMem ? 1f : 0f;
        }
        return mask;
    }

    /** The evaluation scale of every unit: 0 for memorization units, (p_fixed + p_mem)/p_fixed otherwise. */
    public float[] evaluationScale() {
        float[] scale = new float[width];
        Arrays.fill(scale, 0, generalizationUnits(), (float) ((pFixed + pMem) / pFixed));
        return scale;
    }

    @Override
    public Intervention intervention(List<TrainRow> batch) {
        float[][] perLayer = new float[layers][batch.size() * width];
        for (int row = 0; row < batch.size(); row++) {
            float[][] mask = mask(batch.get(row).exampleId());
            for (int layer = 0; layer < layers; layer++) System.arraycopy(mask[layer], 0, perLayer[layer], row * width, width);
        }
        return new Intervention() {
            @Override
            public NDArray mlpHidden(int layer, NDArray hidden) {
                return hidden.mul(hidden.getManager().create(perLayer[layer], new Shape(batch.size(), 1, width)));
            }
        };
    }

    /**
     * A copy of {@code model} with the memorization units dropped and the rest rescaled, folded into
     * each block's {@code c_fc} columns and bias (exact: ReLU(s·z) = s·ReLU(z) for s ≥ 0).
     */
    @Override
    public CausalLm deployed(CausalLm model) {
        CausalLm copy = model.copy();
        NDArray scale = copy.manager().create(evaluationScale());
        for (int layer = 0; layer < layers; layer++) {
            String prefix = "transformer.h." + layer + ".mlp.c_fc.";
            copy.parameters().get(prefix + "weight").muli(scale);
            copy.parameters().get(prefix + "bias").muli(scale);
        }
        scale.close();
        return copy;
    }
}
