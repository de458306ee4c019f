package org.tinymem.notebook;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tinymem.eval.LanguageMeasures;
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
        Trace[] traces = memorizedAnd(curves, MathMeasures.ACCURACY, "accuracy", ScatterTrace.Mode.LINE, ScatterTrace.YAxis.Y);
        Layout layout = Layout.builder().title(title).width(760).height(400)
                .xAxis(Axis.builder().title("epoch").build())
                .yAxis(Axis.builder().title("% memorized (solid), accuracy % (dashed)").range(-2, 102).build())
                .build();
        return new Figure(layout, traces);
    }

    /**
     * One Fig. 6c/6d panel for language models: % memorized (top) and held-out perplexity (bottom, log
     * scale) over epochs, one colour per curve.
     */
    public static Figure languagePanel(String title, Map<String, List<HistoryRow>> curves) {
        Trace[] traces = memorizedAnd(curves, LanguageMeasures.PERPLEXITY, "perplexity", ScatterTrace.Mode.LINE_AND_MARKERS,
                ScatterTrace.YAxis.Y2);
        Layout layout = Layout.builder().title(title).width(760).height(560)
                .grid(Grid.builder().rows(2).columns(1).pattern(Grid.Pattern.COUPLED).yGap(0.15).build())
                .xAxis(Axis.builder().title("epoch").build())
                .yAxis(Axis.builder().title("% memorized").range(-2, 102).build())
                .yAxis2(Axis.builder().title("perplexity (held out)").type(Axis.Type.LOG).build())
                .build();
        return new Figure(layout, traces);
    }

    /**
     * % memorized per duplication group (App. A.1.2: noise copied ×1, ×10, ×100, ×1000) at the end of
     * training, one bar colour per curve. Groups are read from the {@code percent_memorized_<group>}
     * metrics, in order of their copy count.
     */
    public static Figure byGroup(String title, Map<String, Map<String, Double>> finalMetrics) {
        String prefix = MathMeasures.PERCENT_MEMORIZED + "_";
        TreeSet<String> groups = new TreeSet<>(java.util.Comparator.comparingLong(TrainingCurves::copies)
                .thenComparing(java.util.Comparator.naturalOrder()));
        finalMetrics.values().forEach(metrics -> metrics.keySet().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> groups.add(k.substring(prefix.length()))));
        if (groups.isEmpty()) throw new IllegalArgumentException("no " + prefix + "<group> metrics: not a noise run with duplication groups");
        String[] labels = groups.stream().map(g -> g.replace("x", "×")).toArray(String[]::new);
        Trace[] traces = new Trace[finalMetrics.size()];
        int i = 0;
        for (Map.Entry<String, Map<String, Double>> curve : finalMetrics.entrySet()) {
            double[] values = groups.stream().mapToDouble(g -> curve.getValue().getOrDefault(prefix + g, Double.NaN)).toArray();
            traces[i] = tech.tablesaw.plotly.traces.BarTrace.builder(labels, values).name(curve.getKey())
                    .marker(tech.tablesaw.plotly.components.Marker.builder().color(COLOURS.get(i % COLOURS.size())).build())
                    .build();
            i++;
        }
        Layout layout = Layout.builder().title(title).width(760).height(400).barMode(Layout.BarMode.GROUP)
                .xAxis(Axis.builder().title("copies of each noisy chunk in the training data").build())
                .yAxis(Axis.builder().title("% memorized").range(0, 102).build())
                .build();
        return new Figure(layout, traces);
    }

    /** The copy count of a group label such as {@code x100}; groups without one sort last. */
    private static long copies(String group) {
        try {
            return Long.parseLong(group.replaceFirst("^x", ""));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Two traces per curve in the curve's colour: % memorized (solid, with markers) and {@code measure}
     * (dashed) on {@code axis}, named "{@code <curve>: % memorized}" and "{@code <curve>: <label>}".
     */
    private static Trace[] memorizedAnd(Map<String, List<HistoryRow>> curves, String measure, String label,
                                        ScatterTrace.Mode mode, ScatterTrace.YAxis axis) {
        Trace[] traces = new Trace[2 * curves.size()];
        int i = 0;
        for (Map.Entry<String, List<HistoryRow>> curve : curves.entrySet()) {
            String colour = COLOURS.get(i / 2 % COLOURS.size());
            double[] epochs = epochs(curve.getValue());
            traces[i++] = ScatterTrace.builder(epochs, metric(curve.getValue(), MathMeasures.PERCENT_MEMORIZED))
                    .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(curve.getKey() + ": % memorized")
                    .line(Line.builder().color(colour).build()).build();
            traces[i++] = ScatterTrace.builder(epochs, metric(curve.getValue(), measure))
                    .mode(mode).name(curve.getKey() + ": " + label).yAxis(axis)
                    .line(Line.builder().color(colour).dash(Line.Dash.DASH).build()).build();
        }
        return traces;
    }

    private static double[] epochs(List<HistoryRow> history) {
        return history.stream().mapToDouble(HistoryRow::epoch).toArray();
    }

    private static double[] metric(List<HistoryRow> history, String name) {
        return history.stream().mapToDouble(row -> row.metrics().getOrDefault(name, Double.NaN)).toArray();
    }
}
