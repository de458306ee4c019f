package org.tinymem.unlearn.neuron;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * Which MLP units of which block a neuron method ablated (for {@code unlearn.json}).
 *
 * @param width units per layer
 * @param perLayer units asked for per layer, int(ratio · width)
 * @param units per block, the ablated unit indices, most responsible first
 * @param tied over all blocks, how many ablated units had the same score as the best unit left in place:
 *     the attribution did not separate them and the lower index was taken (ours, a diagnostic; e.g. Slim
 *     after one Adam step, when every coefficient has moved by the same −lr)
 * @param note empty, or why nothing was ablated (a ratio that rounds to 0 units per layer)
 * @param attribution how the scores were obtained (computed, or reused from another ratio's run through
 *     {@link AttributionCache}) and how long computing them took; null when nothing was attributed
 */
public record NeuronAblation(int width, int perLayer, List<int[]> units, int tied, String note,
                             AttributionCache.Attribution attribution) {
    public NeuronAblation {
        units = List.copyOf(units);
    }

    /** The result of a ratio that asks for 0 units of a {@code width}-wide layer: nothing is ablated, and this says so. */
    static NeuronAblation none(double ratio, int width, int layers) {
        return new NeuronAblation(width, 0, java.util.Collections.nCopies(layers, new int[0]), 0,
                "ratio " + ratio + " × " + width + " units per layer rounds to 0 units: nothing was ablated", null);
    }

    /**
     * How many of the {@code top} units (indices into {@code scores}) score exactly as high as the best
     * unit not in {@code top}: those were picked among equals by index, not by the attribution.
     */
    static int tiedAtCut(float[] scores, int[] top) {
        if (top.length == scores.length) return 0; // nothing left in place
        boolean[] chosen = new boolean[scores.length];
        for (int unit : top) chosen[unit] = true;
        float bestLeft = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) if (!chosen[i]) bestLeft = Math.max(bestLeft, scores[i]);
        int tied = 0;
        for (int unit : top) if (scores[unit] == bestLeft) tied++;
        return tied;
    }

    /** Units ablated over all blocks. */
    public long total() {
        return units.stream().mapToLong(u -> u.length).sum();
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("width", width);
        json.addProperty("per_layer", perLayer);
        JsonObject layers = new JsonObject();
        for (int l = 0; l < units.size(); l++) {
            JsonArray indices = new JsonArray();
            for (int unit : units.get(l)) indices.add(unit);
            layers.add(Integer.toString(l), indices);
        }
        json.add("units", layers);
        json.addProperty("tied", tied);
        if (!note.isEmpty()) json.addProperty("note", note);
        if (attribution != null) json.add("attribution", attribution.toJson());
        return json;
    }
}
