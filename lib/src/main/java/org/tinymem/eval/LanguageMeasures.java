package org.tinymem.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tinymem.data.LanguageData;
import org.tinymem.data.TinyMemData;
import org.tinymem.model.CausalLm;

/**
 * The measures of a language model (App. A.1.2): % memorized and % continuing correctly on the
 * artifact probes (Eq. 1), per duplication group, and perplexity on the held-out chunks.
 */
public final class LanguageMeasures implements Measures {
    /** The one instance: the measures have no state. */
    public static final LanguageMeasures INSTANCE = new LanguageMeasures();
    public static final String PERPLEXITY = Utility.PERPLEXITY.metric();

    private LanguageMeasures() {}

    @Override
    public Utility utility() {
        return Utility.PERPLEXITY;
    }

    @Override
    public Map<String, Double> measure(CausalLm model, TinyMemData data) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        MemorizationResult memorization = Memorization.measure(model, data.probes());
        metrics.put(PERCENT_MEMORIZED, memorization.percentMemorized());
        metrics.put(PERCENT_CORRECT, memorization.percentCorrect());
        metrics.put(PERPLEXITY, Perplexity.of(model, data.testByTask().get(LanguageData.TEST)));
        memorization.byGroup().forEach((group, value) -> metrics.put(PERCENT_MEMORIZED + "_" + group, value));
        metrics.putAll(memorization.approximateMeasures()); // after the paper's measures: their order is unchanged
        return metrics;
    }

    @Override
    public double measureUtility(CausalLm model, TinyMemData data) {
        return Perplexity.of(model, data.testByTask().get(LanguageData.TEST));
    }
}
