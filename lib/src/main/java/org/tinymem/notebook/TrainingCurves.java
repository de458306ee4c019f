package org.tinymem.notebook;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tinymem.eval.MathMeasures;
import org.tinymem.train.HistoryRow;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Grid;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Line;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Training histories as tables and figures: how % memorized and accuracy evolve over training
 * (Fig. 6). Notebooks pass the {@link HistoryRow}s of a run; nothing here trains or measures.
 */
public final class TrainingCurves {
    /** Plotly's default colour sequence, so a layer count keeps its colour across panels. */
    private static final List<String> COLOURS = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#7f7f7f");

    private TrainingCurves() {}

    /** One row per evaluation: epoch, step, train_loss, train_seconds and every metric (sorted by name). */
    public static Table table(String name, List<HistoryRow> history) {
        Table table = Table.create(name,
                IntColumn.create("epoch", history.stream().mapToInt(HistoryRow::epoch).toArray()),
                LongColumn.create("step", history.stream().mapToLong(HistoryRow::step).toArray()),
                DoubleColumn.create("train_loss", history.stream().mapToDouble(HistoryRow::trainLoss).toArray()),
                DoubleColumn.create("train_seconds", history.stream().mapToDouble(HistoryRow::trainSeconds).toArray()));
        TreeSet<String> metrics = new TreeSet<>();
        history.forEach(row -> metrics.addAll(row.metrics().keySet()));
        for (String metric : metrics) {
            table.addColumns(DoubleColumn.create(metric, history.stream()
                    .mapToDouble(row -> row.metrics().getOrDefault(metric, Double.NaN)).toArray()));
        }
        return table;
    }

    /**
     * One run, two stacked panels over a shared epoch axis: training loss on top, % memorized and
     * accuracy (0–100 %) below. (Tablesaw cannot move the legend, so a right-hand second axis would
     * collide with it.)
     */
    public static Figure run(String title, List<HistoryRow> history) {
        double[] epochs = epochs(history);
        Trace loss = ScatterTrace.builder(epochs, history.stream().mapToDouble(HistoryRow::trainLoss).toArray())
                .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("training loss")
                .line(Line.builder().color(COLOURS.get(7)).build()).build();
        Trace memorized = ScatterTrace.builder(epochs, metric(history, MathMeasures.PERCENT_MEMORIZED))
                .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("% memorized").yAxis(ScatterTrace.YAxis.Y2)
                .line(Line.builder().color(COLOURS.get(3)).build()).build();
        Trace accuracy = ScatterTrace.builder(epochs, metric(history, MathMeasures.ACCURACY))
                .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("accuracy (%)").yAxis(ScatterTrace.YAxis.Y2)
                .line(Line.builder().color(COLOURS.get(0)).dash(Line.Dash.DASH).build()).build();
        Layout layout = Layout.builder().title(title).width(760).height(560)
                .grid(Grid.builder().rows(2).columns(1).pattern(Grid.Pattern.COUPLED).yGap(0.15).build())
                .xAxis(Axis.builder().title("epoch").build())
                .yAxis(Axis.builder().title("training loss").rangeMode(Axis.RangeMode.TO_ZERO).build())
                .yAxis2(Axis.builder().title("% memorized, accuracy %").range(-2, 102).build())
                .build();
        return new Figure(layout, loss, memorized, accuracy);
    }

    /**
     * One Fig. 6 panel: % memorized (solid) and accuracy (dashed) over epochs, one colour per curve
     * (for example per layer count: {@code "2 layers" → history}).
     */
    public static Figure panel(String title, Map<String, List<HistoryRow>> curves) {
        Trace[] traces = new Trace[2 * curves.size()];
        int i = 0;
        for (Map.Entry<String, List<HistoryRow>> curve : curves.entrySet()) {
            String colour = COLOURS.get(i / 2 % COLOURS.size());
            double[] epochs = epochs(curve.getValue());
            traces[i++] = ScatterTrace.builder(epochs, metric(curve.getValue(), MathMeasures.PERCENT_MEMORIZED))
                    .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(curve.getKey() + ": % memorized")
                    .line(Line.builder().color(colour).build()).build();
            traces[i++] = ScatterTrace.builder(epochs, metric(curve.getValue(), MathMeasures.ACCURACY))
                    .mode(ScatterTrace.Mode.LINE).name(curve.getKey() + ": accuracy")
                    .line(Line.builder().color(colour).dash(Line.Dash.DASH).build()).build();
        }
        Layout layout = Layout.builder().title(title).width(760).height(400)
                .xAxis(Axis.builder().title("epoch").build())
                .yAxis(Axis.builder().title("% memorized (solid), accuracy % (dashed)").range(-2, 102).build())
                .build();
        return new Figure(layout, traces);
    }

    private static double[] epochs(List<HistoryRow> history) {
        return history.stream().mapToDouble(HistoryRow::epoch).toArray();
    }

    private static double[] metric(List<HistoryRow> history, String name) {
        return history.stream().mapToDouble(row -> row.metrics().getOrDefault(name, Double.NaN)).toArray();
    }
}
