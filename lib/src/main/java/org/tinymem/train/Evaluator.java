package org.tinymem.train;

import java.util.Map;
import org.tinymem.model.CausalLm;

/**
 * Measures a model during training (math: accuracy and % memorized; language: perplexity and %
 * memorized). Returns named metrics in a stable order; they become columns of {@code history.csv}.
 */
@FunctionalInterface
public interface Evaluator {
    Map<String, Double> evaluate(CausalLm model);
}
