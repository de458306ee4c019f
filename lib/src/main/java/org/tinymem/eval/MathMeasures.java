package org.tinymem.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.data.TinyMemData;
import org.tinymem.model.CausalLm;

/**
 * The measures of a math model: % memorized and % continuing correctly on the artifact probes
 * (Eq. 1), and token accuracy per task and averaged (App. A.1.1).
 */
public final class MathMeasures implements Measures {
    /** The one instance: the measures have no state. */
    public static final MathMeasures INSTANCE = new MathMeasures();
    public static final String PERCENT_MEMORIZED = Measures.PERCENT_MEMORIZED;
    public static final String PERCENT_CORRECT = Measures.PERCENT_CORRECT;
    public static final String ACCURACY = Utility.ACCURACY.metric();

    private MathMeasures() {}

    @Override
    public Utility utility() {
        return Utility.ACCURACY;
    }

    @Override
    public Map<String, Double> measure(CausalLm model, TinyMemData data) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        MemorizationResult memorization = Memorization.measure(model, data.probes());
        Map<String, Double> accuracy = Accuracy.perTask(model, data.testByTask());
        metrics.put(PERCENT_MEMORIZED, memorization.percentMemorized());
        metrics.put(PERCENT_CORRECT, memorization.percentCorrect());
        metrics.put(ACCURACY, Accuracy.mean(accuracy));
        accuracy.forEach((task, value) -> metrics.put("accuracy_" + task, value));
        memorization.byGroup().forEach((group, value) -> metrics.put(PERCENT_MEMORIZED + "_" + group, value));
        metrics.putAll(memorization.approximateMeasures()); // after the paper's measures: their order is unchanged
        return metrics;
    }

    @Override
    public double measureUtility(CausalLm model, TinyMemData data) {
        return Accuracy.mean(Accuracy.perTask(model, data.testByTask()));
    }
}
