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
 * @param note empty, or why nothing was ablated (a ratio that rounds to 0 units per layer)
 */
public record NeuronAblation(int width, int perLayer, List<int[]> units, String note) {
    public NeuronAblation {
        units = List.copyOf(units);
    }

    /** The result of a ratio that asks for 0 units of a {@code width}-wide layer: nothing is ablated, and this says so. */
    static NeuronAblation none(double ratio, int width, int layers) {
        return new NeuronAblation(width, 0, java.util.Collections.nCopies(layers, new int[0]),
                "ratio " + ratio + " × " + width + " units per layer rounds to 0 units: nothing was ablated");
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
        if (!note.isEmpty()) json.addProperty("note", note);
        return json;
    }
}
