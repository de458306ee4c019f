package org.tinymem.eval;

/**
 * The utility measure of a model kind (§2.1): how well the model still does its job besides
 * memorizing. Math models are measured by token accuracy (App. A.1.1, higher is better), language
 * and production models by perplexity on held-out text (App. A.1.2, lower is better). A before/after
 * comparison reports its % difference, the paper's A or P (closer to 0 is better).
 */
public enum Utility {
    /** Mean token accuracy over the clean test tasks, in % (math). */
    ACCURACY("accuracy", "A"),
    /** exp of the mean token cross-entropy on the held-out split (language, production). */
    PERPLEXITY("perplexity", "P");

    private final String metric;
    private final String differenceSymbol;

    Utility(String metric, String differenceSymbol) {
        this.metric = metric;
        this.differenceSymbol = differenceSymbol;
    }

    /** The key of this measure in metrics maps, {@code metrics.json}, {@code finetune.json} and {@code unlearn.json}. */
    public String metric() {
        return metric;
    }

    /** The paper's symbol for its % difference: A (accuracy) or P (perplexity). */
    public String differenceSymbol() {
        return differenceSymbol;
    }

    /** The utility whose {@link #metric()} is {@code metric}; a clear error otherwise. */
    public static Utility ofMetric(String metric) {
        for (Utility utility : values()) {
            if (utility.metric.equals(metric)) return utility;
        }
        throw new IllegalArgumentException("unknown utility measure '" + metric + "': use accuracy or perplexity");
    }
}
