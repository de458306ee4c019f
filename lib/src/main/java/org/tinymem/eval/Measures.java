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
    /** Mean longest matching prefix of the greedy continuation, as a fraction of its length ({@link ContinuationMatch}). */
    String EXTRACTION_STRENGTH = "extraction_strength";
    /** Mean share of continuation tokens equal to the memorized ones. */
    String TOKEN_MATCH = "token_match";
    /** Mean token Levenshtein distance to the memorized continuation, divided by the longer length. */
    String EDIT_DISTANCE = "edit_distance";
    /** Mean token ROUGE-L F-measure against the memorized continuation. */
    String ROUGE_L = "rouge_l";
    /** % of probes with ROUGE-L ≥ 0.75 (approximate memorization, after Ippolito et al. 2022). */
    String PERCENT_APPROX_MEMORIZED = "percent_approx_memorized";

    /**
     * The measures a selection may take as M (the % difference of memorization): each grows with
     * memorization. Eq. 1's exact match is the paper's; the others are ours (issue 16), so that a sweep
     * can be judged by approximate memorization too. {@link #EDIT_DISTANCE} is absent: it falls as
     * memorization grows.
     */
    java.util.List<String> MEMORIZATION_MEASURES = java.util.List.of(PERCENT_MEMORIZED, PERCENT_APPROX_MEMORIZED,
            EXTRACTION_STRENGTH, TOKEN_MATCH, ROUGE_L);

    /** {@code name} when it is one of {@link #MEMORIZATION_MEASURES}; otherwise an error naming them. */
    static String memorizationMeasure(String name) {
        if (!MEMORIZATION_MEASURES.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a memorization measure to select by: use one of "
                    + String.join(", ", MEMORIZATION_MEASURES));
        }
        return name;
    }

    /** The utility measure that {@link #measure} reports besides memorization. */
    Utility utility();

    /**
     * Every measure of {@code model} on {@code data}, in a stable order: {@link #PERCENT_MEMORIZED},
     * {@link #PERCENT_CORRECT}, the utility ({@link Utility#metric()}), then per-task and per-group values
     * ({@code percent_memorized_<group>}), then the approximate measures of the same greedy generations
     * ({@link #EXTRACTION_STRENGTH}, {@link #TOKEN_MATCH}, {@link #EDIT_DISTANCE}, {@link #ROUGE_L},
     * {@link #PERCENT_APPROX_MEMORIZED}; see {@link MemorizationResult#approximateMeasures()}).
     */
    Map<String, Double> measure(CausalLm model, TinyMemData data);

    /**
     * The utility alone ({@link #utility()}'s value in {@link #measure}), without the probes: evaluation
     * while unlearning measures only what its score needs. Kinds override it to skip the rest.
     */
    default double measureUtility(CausalLm model, TinyMemData data) {
        return measure(model, data).get(utility().metric());
    }

    /** {@link #measure} on fixed data, for the trainer's evaluations. */
    default Evaluator evaluator(TinyMemData data) {
        return model -> measure(model, data);
    }
}
