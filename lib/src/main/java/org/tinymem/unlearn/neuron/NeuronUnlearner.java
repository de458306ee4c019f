package org.tinymem.unlearn.neuron;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearner;

/**
 * The shared shape of the five neuron-level methods (§3.3, after Chang et al. 2024 and their MemPi
 * code): score every MLP unit of every block by how much it carries the memorized continuations
 * ({@link #attribute}), then in each block ablate the int(ratio · width) units with the highest score
 * ({@link MlpUnits#ablate}: input weights and bias set to zero). Higher attribution = dropped first,
 * for all five, as the reference's {@code apply_ablation_mask_to_neurons} ({@code torch.topk}, largest).
 *
 * <p>Every method uses the same information as every other unlearning method: the unlearn rows
 * (prompt + memorized continuation) and which of their tokens are prompt. Continuation and artifact
 * tokens ({@link UnlearnSets#CONTINUATION}, {@link UnlearnSets#ARTIFACT}) are treated alike: the
 * ground-truth marks of the clean twin are never used. A "continuation target" is a position whose
 * next token is a (non-pad) continuation token; activations "over continuation positions" are the
 * activations at those positions, i.e. where the model produces the memorized continuation.
 *
 * <p>Ours: ties in the attribution go to the lower unit index (the reference leaves them to
 * {@code torch.topk}); {@link NeuronAblation#tied()} counts the ablated units picked that way. A ratio
 * whose int(ratio · width) is 0 ablates nothing, computes no attribution, reports 0 neurons and says so
 * in {@link #lastAblation()}.
 */
public abstract sealed class NeuronUnlearner implements Unlearner
        permits Zero, Act, Slim, HardConcrete, IntegratedGradients, RandomUnits {
    /** App. A.3.5's ratio grid of Act, Zero and IG. */
    public static final double[] PAPER_RATIOS = {1e-4, 1e-3, 1e-2, 0.05, 0.1};
    /** App. A.3.5's ratio grid of HC and Slim (with epochs {1, 10, 20}). */
    public static final double[] PAPER_GATE_RATIOS = {1e-5, 1e-4, 1e-3, 1e-2, 0.05, 0.1};

    private NeuronAblation lastAblation;
    private AttributionCache cache = AttributionCache.NONE;
    private org.tinymem.util.Progress progress = org.tinymem.util.Progress.silent();

    /**
     * The attribution of every unit, {@code [layer][unit]}: the higher, the more the unit carries the
     * memorized continuations. Leaves {@code model} unchanged.
     */
    public abstract float[][] attribute(CausalLm model, UnlearnSets sets);

    @Override
    public final String unit() {
        return "neurons";
    }

    @Override
    public final long ablateInPlace(CausalLm model, UnlearnSets sets) {
        int width = MlpUnits.width(model);
        int perLayer = MlpUnits.count(params().ratio(), width);
        if (perLayer == 0) {
            lastAblation = NeuronAblation.none(params().ratio(), width, model.layers());
            return 0;
        }
        AttributionCache.Scores attributed = cache.scores(this, model, sets, () -> attribute(model, sets));
        float[][] scores = attributed.scores();
        List<int[]> units = new ArrayList<>();
        int tied = 0;
        for (int layer = 0; layer < model.layers(); layer++) {
            int[] top = top(scores[layer], perLayer);
            MlpUnits.ablate(model, layer, top);
            units.add(top);
            tied += NeuronAblation.tiedAtCut(scores[layer], top);
        }
        lastAblation = new NeuronAblation(width, perLayer, units, tied, "", attributed.attribution());
        return lastAblation.total();
    }

    /**
     * This method, reporting its attribution's progress to {@code newProgress} (Zero and IG, the slow
     * ones, report; the others are quick). Unlike the weight methods' copies, it is this instance, so
     * {@link #lastAblation()} and the {@link AttributionCache} stay where the caller set and reads them.
     */
    @Override
    public NeuronUnlearner reporting(org.tinymem.util.Progress newProgress) {
        this.progress = newProgress;
        return this;
    }

    /** Where {@link #attribute} reports its progress (silent unless {@link #reporting} said otherwise). */
    protected org.tinymem.util.Progress progress() {
        return progress;
    }

    /**
     * Reuses attributions across the ratios of a grid through {@code cache} (null: compute them every
     * time, the default). Returns this method.
     */
    public NeuronUnlearner cachingAttributions(AttributionCache cache) {
        this.cache = cache == null ? AttributionCache.NONE : cache;
        return this;
    }

    /**
     * Times the edit as {@link Unlearner#unlearnInPlace} does; when the attribution was read back from
     * the {@link AttributionCache}, the seconds its computation took are added, so the method's reported
     * time is what running it alone costs (Table 1/2's time column and the selection's time rule).
     */
    @Override
    public Edit unlearnInPlace(CausalLm model, UnlearnSets sets) {
        Edit edit = Unlearner.super.unlearnInPlace(model, sets);
        AttributionCache.Attribution attribution = lastAblation == null ? null : lastAblation.attribution();
        if (attribution == null || !attribution.reused()) return edit;
        return new Edit(edit.model(), edit.ablated(), edit.unit(), edit.seconds() + attribution.seconds());
    }

    /**
     * What the last {@link #ablateInPlace} (or {@code unlearn}) of this instance ablated, or null
     * before the first; an instance used for several edits reports the latest.
     */
    public NeuronAblation lastAblation() {
        return lastAblation;
    }

    /** Indices of the {@code k} highest scores, highest first; ties go to the lower index. */
    static int[] top(float[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        int[] top = new int[Math.min(k, order.length)];
        for (int i = 0; i < top.length; i++) top[i] = order[i];
        return top;
    }

    /** Doubles to the float matrix that {@link #attribute} returns. */
    static float[][] toFloats(double[][] values) {
        float[][] floats = new float[values.length][];
        for (int l = 0; l < values.length; l++) {
            floats[l] = new float[values[l].length];
            for (int j = 0; j < values[l].length; j++) floats[l][j] = (float) values[l][j];
        }
        return floats;
    }
}
