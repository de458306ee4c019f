package org.tinymem.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.train.HistoryRow;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

class TrainingCurvesTest {

    private static final List<HistoryRow> HISTORY = List.of(
            new HistoryRow(1, 10, 2.5, 1.0, Map.of("percent_memorized", 0.0, "accuracy", 40.0)),
            new HistoryRow(2, 20, 1.5, 2.0, Map.of("percent_memorized", 30.0, "accuracy", 80.0)));

    @Test
    void tableHasOneRowPerEvaluationAndEveryMetric() {
        Table table = TrainingCurves.table("history", HISTORY);
        assertEquals(2, table.rowCount());
        assertEquals(List.of("epoch", "step", "train_loss", "train_seconds", "accuracy", "percent_memorized"),
                table.columnNames());
        assertEquals(30.0, table.doubleColumn("percent_memorized").get(1));
    }

    @Test
    void figuresAreTitledWithTitledAxes() {
        Figure run = TrainingCurves.run("Quickstart", HISTORY);
        assertEquals(3, run.getTraces().length);
        String js = run.asJavascript("fig");
        assertTrue(js.contains("Quickstart") && js.contains("epoch") && js.contains("% memorized"), js);

        Map<String, List<HistoryRow>> curves = new LinkedHashMap<>();
        curves.put("2 layers", HISTORY);
        curves.put("4 layers", HISTORY);
        Figure panel = TrainingCurves.panel("math-add + noise", curves);
        assertEquals(4, panel.getTraces().length);
        assertTrue(panel.asJavascript("fig2").contains("4 layers: accuracy"));
    }

    @Test
    void languageFiguresShowPerplexityAndDuplicationGroupsInCopyOrder() {
        List<HistoryRow> language = List.of(
                new HistoryRow(1, 10, 6.0, 1.0, Map.of("percent_memorized", 10.0, "perplexity", 900.0)),
                new HistoryRow(2, 20, 5.0, 2.0, Map.of("percent_memorized", 40.0, "perplexity", 700.0)));
        Figure panel = TrainingCurves.languagePanel("lang + noise", Map.of("4 layers", language));
        assertEquals(2, panel.getTraces().length);
        String js = panel.asJavascript("fig");
        assertTrue(js.contains("perplexity (held out)") && js.contains("4 layers: perplexity"), js);

        Map<String, Map<String, Double>> last = new LinkedHashMap<>();
        last.put("2 layers", Map.of("percent_memorized_x1000", 80.0, "percent_memorized_x10", 0.0, "percent_memorized_x100", 20.0));
        last.put("4 layers", Map.of("percent_memorized_x1000", 90.0, "percent_memorized_x1", 0.0));
        String bars = TrainingCurves.byGroup("memorized by duplication", last).asJavascript("fig3");
        int x1 = bars.indexOf("\"×1\""), x10 = bars.indexOf("\"×10\""), x100 = bars.indexOf("\"×100\""), x1000 = bars.indexOf("\"×1000\"");
        assertTrue(x1 >= 0 && x1 < x10 && x10 < x100 && x100 < x1000, bars);
        assertTrue(bars.contains("copies of each noisy chunk"), bars);
    }

    @Test
    void groupFigureNeedsGroupMetrics() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainingCurves.byGroup("t", Map.of("4 layers", Map.of("percent_memorized", 1.0))));
    }
}
