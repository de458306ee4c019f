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

    /**
     * Measures {@code edits.get(i)}, made by {@code methods.get(i)}, against the baseline, one at a time, and
     * hands each result to {@code use} (closed after it); every edit is closed, measured or not, also when a
     * measurement or {@code use} fails. For the snapshots of one shared run ({@link EpochLadder}).
     */
    public static void measureEach(TinyMemData data, Baseline baseline, List<Unlearner> methods, List<Edit> edits,
                                   java.util.function.BiConsumer<Integer, Result> use) {
        if (methods.size() != edits.size()) {
            throw new IllegalArgumentException(methods.size() + " methods for " + edits.size() + " edits");
        }
        List<Edit> open = new java.util.ArrayList<>(edits);
        try {
            for (int i = 0; i < open.size(); i++) {
                try (Result result = measure(data, baseline, methods.get(i), open.set(i, null))) {
                    use.accept(i, result);
                }
            }
        } finally {
            open.stream().filter(java.util.Objects::nonNull).forEach(Edit::close);
        }
    }

    /** The scorecard row of an {@code edit} by {@code method}, from its % memorized and utility, against the baseline. */
    public static Scorecard.Row row(Baseline baseline, Unlearner method, Edit edit, double percentMemorized, double utility) {
        String metric = baseline.utility().metric();
        return new Scorecard.Row(method.method(), method.params().toString(), metric,
                baseline.measures().get(Measures.PERCENT_MEMORIZED), percentMemorized, baseline.measures().get(metric), utility,
                edit.ablated(), edit.unit(), edit.seconds());
    }

    /** Measures an {@code edit} that {@code method} made against the baseline (closes the edit if measuring fails). */
    public static Result measure(TinyMemData data, Baseline baseline, Unlearner method, Edit edit) {
        try {
            Map<String, Double> after = baseline.measurer().measure(edit.model(), data);
            Scorecard.Row row = row(baseline, method, edit, after.get(Measures.PERCENT_MEMORIZED),
                    after.get(baseline.utility().metric()));
            return new Result(edit, baseline.measures(), after, row);
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
