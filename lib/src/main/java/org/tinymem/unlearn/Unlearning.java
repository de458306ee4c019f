package org.tinymem.unlearn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Scorecard;
import org.tinymem.eval.Utility;
import org.tinymem.model.CausalLm;
import tech.tablesaw.api.Table;

/**
 * The measured unlearning workflow (§3.3) for code and notebooks: measure the model, build the
 * unlearn set from what it actually memorizes and a retain set, run a method on a copy, measure
 * the copy, and report one {@link Scorecard.Row}. The original model is never modified.
 */
public final class Unlearning {
    private Unlearning() {}

    /**
     * The model's measures before any edit and the data sets every method of a sweep shares.
     *
     * @param measures the values before the edit
     * @param sets the unlearn and retain sets
     * @param measurer the model kind's measures, applied again after each edit
     */
    public record Baseline(Map<String, Double> measures, UnlearnSets sets, Measures measurer) {
        public Baseline {
            measures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(measures)); // keeps the order
            java.util.Objects.requireNonNull(sets, "sets");
            java.util.Objects.requireNonNull(measurer, "measurer");
        }

        /**
         * Measures {@code model} with {@code measurer} and builds its sets; {@code retainRows} ≤ 0: every
         * clean training row, else a seeded sample of that many (see {@link UnlearnSets#of}).
         */
        public static Baseline of(CausalLm model, TinyMemData data, Measures measurer, int retainRows, long seed) {
            UnlearnSets sets = UnlearnSets.of(model, data, retainRows, seed);
            return new Baseline(measurer.measure(model, data), sets, measurer);
        }

        /** The utility measure (accuracy or perplexity) of the before/after comparison. */
        public Utility utility() {
            return measurer.utility();
        }
    }

    /** An edit with its measures; close it to free the edited model. */
    public record Result(Edit edit, Map<String, Double> before, Map<String, Double> after, Scorecard.Row row)
            implements AutoCloseable {
        @Override
        public void close() {
            edit.close();
        }
    }

    /** Runs {@code method} on a copy of {@code model} and measures it against the baseline. */
    public static Result apply(CausalLm model, TinyMemData data, Baseline baseline, Unlearner method) {
        return measure(data, baseline, method, method.unlearn(model, baseline.sets()));
    }

    /** Measures an {@code edit} that {@code method} made against the baseline (closes the edit if measuring fails). */
    public static Result measure(TinyMemData data, Baseline baseline, Unlearner method, Edit edit) {
        try {
            Map<String, Double> after = baseline.measurer().measure(edit.model(), data);
            Map<String, Double> before = baseline.measures();
            String utility = baseline.utility().metric();
            Scorecard.Row row = new Scorecard.Row(method.method(), method.params().toString(), utility,
                    before.get(Measures.PERCENT_MEMORIZED), after.get(Measures.PERCENT_MEMORIZED), before.get(utility),
                    after.get(utility), edit.ablated(), edit.unit(), edit.seconds());
            return new Result(edit, before, after, row);
        } catch (RuntimeException e) {
            edit.close();
            throw e;
        }
    }

    /** One measured run with the default retain set; the edited model is discarded. */
    public static Scorecard.Row run(CausalLm model, TinyMemData data, Measures measurer, Unlearner method) {
        try (Result result = apply(model, data, Baseline.of(model, data, measurer, 0, 0), method)) {
            return result.row();
        }
    }

    /** A method at several ratios (e.g. a grid of App. A.3.5) against one baseline: one row per ratio. */
    public static Table sweepRatios(CausalLm model, TinyMemData data, Measures measurer,
                                    DoubleFunction<Unlearner> methodAtRatio, double... ratios) {
        List<Unlearner> methods = new ArrayList<>();
        for (double ratio : ratios) methods.add(methodAtRatio.apply(ratio));
        return Scorecard.table(sweep(model, data, Baseline.of(model, data, measurer, 0, 0), methods, row -> {}));
    }

    /**
     * Every method of {@code methods} (e.g. one method over a hyper-parameter grid) on its own copy
     * of {@code model}, measured against one baseline; {@code onRow} sees each row as it is measured.
     */
    public static List<Scorecard.Row> sweep(CausalLm model, TinyMemData data, Baseline baseline, List<Unlearner> methods,
                                            java.util.function.Consumer<Scorecard.Row> onRow) {
        List<Scorecard.Row> rows = new ArrayList<>();
        for (Unlearner method : methods) {
            try (Result result = apply(model, data, baseline, method)) {
                rows.add(result.row());
                onRow.accept(result.row());
            }
        }
        return rows;
    }
}
