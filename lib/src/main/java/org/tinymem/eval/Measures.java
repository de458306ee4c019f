package org.tinymem.eval;

import java.util.Map;
import org.tinymem.data.TinyMemData;
import org.tinymem.model.CausalLm;
import org.tinymem.train.Evaluator;

/**
 * The measures of one model kind: % memorized and % continuing correctly on the artifact probes
 * (Eq. 1, per duplication group where the data has groups) and the kind's {@link Utility}. Training,
 * fine-tuning, unlearning and sweeps measure every model through this interface, so none of them
 * needs to know which kind it is looking at.
 */
public interface Measures {
    /** % of probes whose greedy continuation is the memorized one (Eq. 1). */
    String PERCENT_MEMORIZED = "percent_memorized";
    /** % of probes whose greedy continuation is the clean one. */
    String PERCENT_CORRECT = "percent_correct";

    /** The utility measure that {@link #measure} reports besides memorization. */
    Utility utility();

    /**
     * Every measure of {@code model} on {@code data}, in a stable order: {@link #PERCENT_MEMORIZED},
     * {@link #PERCENT_CORRECT}, the utility ({@link Utility#metric()}), then per-task and per-group values
     * ({@code percent_memorized_<group>}).
     */
    Map<String, Double> measure(CausalLm model, TinyMemData data);

    /** {@link #measure} on fixed data, for the trainer's evaluations. */
    default Evaluator evaluator(TinyMemData data) {
        return model -> measure(model, data);
    }
}
