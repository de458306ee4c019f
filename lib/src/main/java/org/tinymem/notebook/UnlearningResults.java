package org.tinymem.notebook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.eval.Scorecard;
import org.tinymem.eval.Utility;
import org.tinymem.eval.Measures;
import org.tinymem.experiment.EarlyStopping;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnRuns;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Grid;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Marker;
import tech.tablesaw.plotly.components.Symbol;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Unlearning runs as a Table 1/2-style table (% memorized, accuracy or perplexity, seconds) and a
 * Fig. 3/5-style scatter of M (% difference in % memorized) against A or P (% difference in accuracy
 * or perplexity). The columns are named after the runs' utility measure (math: accuracy; language:
 * perplexity). Notebooks pass the {@link UnlearnRuns.Run}s; nothing here unlearns or measures.
 */
public final class UnlearningResults {
    private UnlearningResults() {}

    /**
     * One row per run: model, method, setting, ratio, then the {@link Scorecard} columns (% memorized
     * and accuracy before/after, M, A, ablated count, seconds) and whether the run was read from disk.
     */
    public static Table table(String title, List<UnlearnRuns.Run> runs) {
        Table scores = Scorecard.table(runs.stream().map(UnlearnRuns.Run::row).toList());
        Table table = Table.create(title,
                StringColumn.create("model", runs.stream().map(UnlearnRuns.Run::model)),
                StringColumn.create("method", runs.stream().map(run -> run.row().method())),
                StringColumn.create("setting", runs.stream().map(UnlearnRuns.Run::setting)),
                DoubleColumn.create("ratio", runs.stream().mapToDouble(UnlearnRuns.Run::ratio)));
        table.addColumns(
                scores.doubleColumn("memorized_before").setName("% mem before"),
                scores.doubleColumn("memorized_after").setName("% mem after"),
                scores.doubleColumn("M").setName("M (%)"),
                scores.doubleColumn("performance_before").setName(utilityName(runs) + " before"),
                scores.doubleColumn("performance_after").setName(utilityName(runs) + " after"),
                scores.doubleColumn("A_or_P").setName(differenceName(runs) + " (%)"),
                scores.longColumn("ablated"),
                scores.doubleColumn("seconds"),
                scores.doubleColumn("energy_wh"),
                scores.doubleColumn("carbon_g"),
                BooleanColumn.create("reused", runs.stream().map(UnlearnRuns.Run::reused).toList()));
        return table;
    }

    /**
     * Table 1-style: per model, a "Baseline model" row (the measures before unlearning), then one row
     * per run with its % memorized and accuracy after unlearning, the method's seconds and their
     * energy and carbon (Eq. 4–5, {@link org.tinymem.eval.Energy#current()}: the preset is in every
     * result's provenance).
     */
    public static Table table1(String title, List<UnlearnRuns.Run> runs) {
        Table table = Table.create(title, StringColumn.create("model"), StringColumn.create("method"),
                StringColumn.create("setting"), DoubleColumn.create("ratio"), DoubleColumn.create("% Mem ↓"),
                DoubleColumn.create(utility(runs).map(u -> u == Utility.ACCURACY ? "Acc (%) ↑" : "Perp ↓")
                        .orElse("Acc (%) ↑ / Perp ↓")), DoubleColumn.create("Time (s) ↓"), DoubleColumn.create("Energy (Wh) ↓"),
                DoubleColumn.create("Carbon (g) ↓"));
        java.util.Set<String> baselines = new java.util.HashSet<>();
        for (UnlearnRuns.Run run : runs) {
            Scorecard.Row row = run.row();
            if (baselines.add(run.model())) {
                addRow(table, run.model(), "Baseline model", "", Double.NaN, row.memorizedBefore(), row.performanceBefore(),
                        Double.NaN);
            }
            addRow(table, run.model(), row.method(), run.setting(), run.ratio(), row.memorizedAfter(), row.performanceAfter(),
                    row.seconds());
        }
        return table;
    }

    /** The family of the methods that are not in the paper (ga, gd, npo: {@link UnlearnMethods#BASELINES}). */
    public static final String OTHER_BASELINE = "other baseline (not in the paper)";
    /** The family of the paper's unlearning methods. */
    public static final String PAPER_METHOD = "unlearning (paper)";

    /** {@link #OTHER_BASELINE} for ga, gd and npo, {@link #PAPER_METHOD} for every other method. */
    public static String family(String method) {
        return UnlearnMethods.BASELINES.contains(method) ? OTHER_BASELINE : PAPER_METHOD;
    }

    /**
     * Approximate memorization after each run (not in the paper; {@link org.tinymem.eval.ContinuationMatch}):
     * model, family, method, setting, then % memorized, % approximately memorized (ROUGE-L ≥ 0.75),
     * extraction strength, token match, edit distance and ROUGE-L from the run's measures after the edit;
     * NaN where a record was saved before these measures existed.
     */
    public static Table approximate(String title, List<UnlearnRuns.Run> runs) {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put(Measures.PERCENT_MEMORIZED, "% memorized");
        columns.put(Measures.PERCENT_APPROX_MEMORIZED, "% approx. memorized (ROUGE-L ≥ 0.75)");
        columns.put(Measures.EXTRACTION_STRENGTH, "extraction strength");
        columns.put(Measures.TOKEN_MATCH, "token match");
        columns.put(Measures.EDIT_DISTANCE, "edit distance");
        columns.put(Measures.ROUGE_L, "ROUGE-L");
        Table table = Table.create(title,
                StringColumn.create("model", runs.stream().map(UnlearnRuns.Run::model)),
                StringColumn.create("family", runs.stream().map(run -> family(run.row().method()))),
                StringColumn.create("method", runs.stream().map(run -> run.row().method())),
                StringColumn.create("setting", runs.stream().map(UnlearnRuns.Run::setting)));
        columns.forEach((key, label) -> table.addColumns(DoubleColumn.create(label,
                runs.stream().mapToDouble(run -> run.after().getOrDefault(key, Double.NaN)))));
        return table;
    }

    /**
     * The relearning test of each run (not in the paper; {@link org.tinymem.unlearn.Relearning}): model, family,
     * method, setting, % memorized before the edit and after it (every probe), the probes relearning is measured on
     * (every probe, or the held-out half for targeted relearning) with their % memorized after the edit and after
     * relearning, recovered % (0 = nothing came back, 100 = all of it), the relearning steps and seconds, and whether
     * the record was read back from disk.
     */
    public static Table relearning(String title, List<UnlearnRuns.Relearned> relearned) {
        return Table.create(title,
                StringColumn.create("model", relearned.stream().map(r -> r.run().model())),
                StringColumn.create("family", relearned.stream().map(r -> family(r.run().row().method()))),
                StringColumn.create("method", relearned.stream().map(r -> r.run().row().method())),
                StringColumn.create("setting", relearned.stream().map(r -> r.run().setting())),
                DoubleColumn.create("% mem before", relearned.stream().mapToDouble(r -> r.run().row().memorizedBefore())),
                DoubleColumn.create("% mem after edit", relearned.stream().mapToDouble(UnlearnRuns.Relearned::editedPercentMemorized)),
                StringColumn.create("measured on", relearned.stream().map(r -> r.result().heldOutProbes() == 0 ? "all probes"
                        : r.result().heldOutProbes() + " held-out probes")),
                DoubleColumn.create("% measured after edit", relearned.stream().mapToDouble(r -> r.result().editedPercentMemorized())),
                DoubleColumn.create("% mem after relearning", relearned.stream().mapToDouble(r -> r.result().percentMemorized())),
                DoubleColumn.create("recovered %", relearned.stream().mapToDouble(r -> r.result().recoveredPercent())),
                DoubleColumn.create("relearn steps", relearned.stream().mapToDouble(r -> r.result().steps())),
                DoubleColumn.create("relearn s", relearned.stream().mapToDouble(r -> r.result().seconds())),
                BooleanColumn.create("reused", relearned.stream().map(UnlearnRuns.Relearned::reused).toList()));
    }

    /**
     * The floor of targeted relearning, one row per model ({@link RelearningRuns#floors}): the retrained reference's
     * held-out probes, its % memorized of them before relearning (it never saw them: 0 unless it learns the rule that
     * made them) and after relearning on the other half, and the relearning seconds; a model without a measured
     * floor has NaN and its reason in {@code note}.
     */
    public static Table relearningFloors(String title, List<RelearningRuns.Floor> floors) {
        return Table.create(title,
                StringColumn.create("model", floors.stream().map(RelearningRuns.Floor::model)),
                DoubleColumn.create("held-out probes", floors.stream().mapToDouble(f -> f.measured() ? f.result().heldOutProbes() : Double.NaN)),
                DoubleColumn.create("% measured before relearning", floors.stream().mapToDouble(f -> f.measured() ? f.result().editedPercentMemorized() : Double.NaN)),
                DoubleColumn.create("% mem after relearning", floors.stream().mapToDouble(f -> f.measured() ? f.result().percentMemorized() : Double.NaN)),
                DoubleColumn.create("relearn s", floors.stream().mapToDouble(f -> f.measured() ? f.result().seconds() : Double.NaN)),
                StringColumn.create("note", floors.stream().map(RelearningRuns.Floor::missing)));
    }

    /** The one utility measure of all runs, or empty when there are none or they mix kinds. */
    static java.util.Optional<Utility> utility(List<UnlearnRuns.Run> runs) {
        java.util.Set<String> measures = new java.util.HashSet<>();
        runs.forEach(run -> measures.add(run.row().performanceMeasure()));
        return measures.size() == 1 ? java.util.Optional.of(Utility.ofMetric(measures.iterator().next()))
                : java.util.Optional.empty();
    }

    private static String utilityName(List<UnlearnRuns.Run> runs) {
        return utility(runs).map(Utility::metric).orElse("accuracy / perplexity");
    }

    private static String differenceName(List<UnlearnRuns.Run> runs) {
        return utility(runs).map(Utility::differenceSymbol).orElse("A / P");
    }

    private static void addRow(Table table, String model, String method, String setting, double ratio, double memorized,
                               double accuracy, double seconds) {
        table.stringColumn(0).append(model);
        table.stringColumn(1).append(method);
        table.stringColumn(2).append(setting);
        table.doubleColumn(3).append(ratio);
        table.doubleColumn(4).append(memorized);
        table.doubleColumn(5).append(accuracy);
        table.doubleColumn(6).append(seconds);
        org.tinymem.eval.Energy energy = org.tinymem.eval.Energy.current();
        double wh = Double.isNaN(seconds) ? Double.NaN : energy.wattHours(seconds);
        table.doubleColumn(7).append(wh);
        table.doubleColumn(8).append(Double.isNaN(wh) ? Double.NaN : energy.carbonGrams(wh));
    }

    /**
     * Fig. 3-style: one point per run, one trace (colour) per method; x = M, the % difference in %
     * memorized (−100 = all memorization removed), y = A, the % difference in accuracy (0 = none
     * lost). The best runs sit at the top left. Runs whose M or A is undefined (a baseline of 0) are
     * left out.
     */
    public static Figure scatter(String title, List<UnlearnRuns.Run> runs) {
        Map<String, List<UnlearnRuns.Run>> byMethod = new LinkedHashMap<>();
        for (UnlearnRuns.Run run : runs) {
            Scorecard.Row row = run.row();
            if (Double.isFinite(row.memorizationDifference()) && Double.isFinite(row.performanceDifference())) {
                byMethod.computeIfAbsent(row.method(), m -> new java.util.ArrayList<>()).add(run);
            }
        }
        Trace[] traces = byMethod.entrySet().stream().map(entry -> ScatterTrace.builder(
                        entry.getValue().stream().mapToDouble(run -> run.row().memorizationDifference()).toArray(),
                        entry.getValue().stream().mapToDouble(run -> run.row().performanceDifference()).toArray())
                .mode(ScatterTrace.Mode.MARKERS).name(entry.getKey())
                .marker(Marker.builder().size(11).build())
                .text(entry.getValue().stream().map(run -> String.format("%s, %s, ratio %s, %.1f s", run.model(),
                        run.setting(), run.ratio(), run.row().seconds())).toArray(String[]::new))
                .build()).toArray(Trace[]::new);
        Layout layout = Layout.builder().title(title).width(760).height(480)
                .xAxis(Axis.builder().title("M: % difference in % memorized (−100 = all removed)").build())
                .yAxis(Axis.builder().title(utility(runs).map(u -> u == Utility.ACCURACY
                        ? "A: % difference in accuracy (0 = none lost)"
                        : "P: % difference in perplexity (0 = unchanged)").orElse("A or P: % difference (0 = unchanged)")).build())
                .build();
        return new Figure(layout, traces);
    }

    /**
     * An evaluated unlearning run ({@link EarlyStopping}, ours) over its epochs: % memorized on top, the
     * utility ({@code utilityMetric}: accuracy, or perplexity on a log axis) below; {@code keptEpoch} (0:
     * none yet) is marked on both. Stacked panels, as {@link TrainingCurves#run}, because Tablesaw cannot
     * move the legend out of a right-hand axis' way.
     */
    public static Figure evaluationCurve(String title, List<EarlyStopping.Point> curve, String utilityMetric, int keptEpoch) {
        double[] epochs = curve.stream().mapToDouble(EarlyStopping.Point::epoch).toArray();
        boolean accuracy = Utility.ofMetric(utilityMetric) == Utility.ACCURACY;
        List<Trace> traces = new java.util.ArrayList<>(List.of(
                ScatterTrace.builder(epochs, curve.stream().mapToDouble(EarlyStopping.Point::percentMemorized).toArray())
                        .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("% memorized").build(),
                ScatterTrace.builder(epochs, curve.stream().mapToDouble(EarlyStopping.Point::utility).toArray())
                        .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(accuracy ? "accuracy (%)" : utilityMetric)
                        .yAxis(ScatterTrace.YAxis.Y2).build()));
        curve.stream().filter(point -> point.epoch() == keptEpoch).findFirst().ifPresent(kept -> {
            traces.add(ScatterTrace.builder(new double[] {kept.epoch()}, new double[] {kept.percentMemorized()})
                    .mode(ScatterTrace.Mode.MARKERS).name("kept (epoch " + kept.epoch() + ")")
                    .marker(Marker.builder().size(14).symbol(Symbol.DIAMOND).color("black").build()).build());
            traces.add(ScatterTrace.builder(new double[] {kept.epoch()}, new double[] {kept.utility()})
                    .mode(ScatterTrace.Mode.MARKERS).name("kept (epoch " + kept.epoch() + ")").showLegend(false)
                    .marker(Marker.builder().size(14).symbol(Symbol.DIAMOND).color("black").build())
                    .yAxis(ScatterTrace.YAxis.Y2).build());
        });
        Axis.AxisBuilder utilityAxis = Axis.builder().title(accuracy ? "accuracy (%)" : utilityMetric);
        Layout layout = Layout.builder().title(title).width(760).height(520)
                .grid(Grid.builder().rows(2).columns(1).pattern(Grid.Pattern.COUPLED).yGap(0.15).build())
                .xAxis(Axis.builder().title("epoch").build())
                .yAxis(Axis.builder().title("% memorized").range(-2, 102).build())
                .yAxis2((accuracy ? utilityAxis : utilityAxis.type(Axis.Type.LOG)).build())
                .build();
        return new Figure(layout, traces.toArray(Trace[]::new));
    }
}
