package org.tinymem.eval;

import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Before/after report of one mitigation run (§3.3, Fig. 3 and 5): % memorized and accuracy (or
 * perplexity) before and after, their % differences — the paper's M (closer to −100 is better) and
 * A or P (closer to 0 is better) — what was ablated and the method's wall time. One row per run;
 * {@link #table} turns rows into a Tablesaw table for notebooks and CSV files.
 */
public final class Scorecard {
    private Scorecard() {}

    /**
     * @param method the method's name
     * @param parameters its hyper-parameters, as text
     * @param performanceMeasure {@code accuracy} (math) or {@code perplexity} (language)
     * @param memorizedBefore % memorized before (Eq. 1)
     * @param memorizedAfter % memorized after
     * @param performanceBefore accuracy (%) or perplexity before
     * @param performanceAfter accuracy (%) or perplexity after
     * @param ablated weights or units ablated
     * @param unit {@code weights} or {@code neurons}
     * @param seconds wall time of the method alone
     */
    public record Row(String method, String parameters, String performanceMeasure, double memorizedBefore,
                      double memorizedAfter, double performanceBefore, double performanceAfter, long ablated, String unit,
                      double seconds) {

        /** M: % difference in % memorized (−100 = all memorization removed). */
        public double memorizationDifference() {
            return percentDifference(memorizedBefore, memorizedAfter);
        }

        /** A (or P): % difference in accuracy (or perplexity); 0 = unchanged. */
        public double performanceDifference() {
            return percentDifference(performanceBefore, performanceAfter);
        }
    }

    /** 100 · (after − before) / before; 0 when both are 0, NaN when only {@code before} is. */
    public static double percentDifference(double before, double after) {
        if (before == 0) return after == 0 ? 0 : Double.NaN;
        return 100 * (after - before) / before;
    }

    /** The rows as a table, with each run's energy and carbon (Eq. 4–5) under {@link Energy#current()}. */
    public static Table table(List<Row> rows) {
        return table(rows, Energy.current());
    }

    public static Table table(List<Row> rows, Energy energy) {
        return Table.create("scorecard",
                StringColumn.create("method", rows.stream().map(Row::method)),
                StringColumn.create("parameters", rows.stream().map(Row::parameters)),
                DoubleColumn.create("memorized_before", rows.stream().mapToDouble(Row::memorizedBefore)),
                DoubleColumn.create("memorized_after", rows.stream().mapToDouble(Row::memorizedAfter)),
                DoubleColumn.create("M", rows.stream().mapToDouble(Row::memorizationDifference)),
                StringColumn.create("performance_measure", rows.stream().map(Row::performanceMeasure)),
                DoubleColumn.create("performance_before", rows.stream().mapToDouble(Row::performanceBefore)),
                DoubleColumn.create("performance_after", rows.stream().mapToDouble(Row::performanceAfter)),
                DoubleColumn.create("A_or_P", rows.stream().mapToDouble(Row::performanceDifference)),
                LongColumn.create("ablated", rows.stream().mapToLong(Row::ablated).toArray()),
                StringColumn.create("unit", rows.stream().map(Row::unit)),
                DoubleColumn.create("seconds", rows.stream().mapToDouble(Row::seconds)),
                DoubleColumn.create("energy_wh", rows.stream().mapToDouble(r -> energy.wattHours(r.seconds()))),
                DoubleColumn.create("carbon_g", rows.stream().mapToDouble(r -> energy.carbonGrams(energy.wattHours(r.seconds())))));
    }
}
