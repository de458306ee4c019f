package org.tinymem.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.data.TinyMemData;
import org.tinymem.model.CausalLm;
import org.tinymem.train.Evaluator;

/**
 * The measures of a math model: % memorized and % continuing correctly on the artifact probes
 * (Eq. 1), and token accuracy per task and averaged (App. A.1.1).
 */
public final class MathMeasures {
    public static final String PERCENT_MEMORIZED = "percent_memorized";
    public static final String PERCENT_CORRECT = "percent_correct";
    public static final String ACCURACY = "accuracy";

    private MathMeasures() {}

    public static Map<String, Double> measure(CausalLm model, TinyMemData data) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        MemorizationResult memorization = Memorization.measure(model, data.probes());
        Map<String, Double> accuracy = Accuracy.perTask(model, data.testByTask());
        metrics.put(PERCENT_MEMORIZED, memorization.percentMemorized());
        metrics.put(PERCENT_CORRECT, memorization.percentCorrect());
        metrics.put(ACCURACY, Accuracy.mean(accuracy));
        accuracy.forEach((task, value) -> metrics.put("accuracy_" + task, value));
        memorization.byGroup().forEach((group, value) -> metrics.put("percent_memorized_" + group, value));
        return metrics;
    }

    public static Evaluator evaluator(TinyMemData data) {
        return model -> measure(model, data);
    }
}
