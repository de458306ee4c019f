package org.tinymem.notebook;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinymem.experiment.EarlyStopping;
import tech.tablesaw.plotly.components.Figure;

class EvaluationCurveTest {
    private static final List<EarlyStopping.Point> CURVE = List.of(new EarlyStopping.Point(1, 12.5, 46.0, -90, 0.5),
            new EarlyStopping.Point(2, 0, 45.0, -95, 1.0));

    @Test
    void theCurveHasMemorizationAndUtilityAndMarksTheKeptEpochOnBoth() {
        Figure plain = UnlearningResults.evaluationCurve("curve", CURVE, "accuracy", 0);
        assertEquals(2, plain.getTraces().length);
        Figure kept = UnlearningResults.evaluationCurve("curve", CURVE, "accuracy", 2);
        assertEquals(4, kept.getTraces().length);
        assertTrue(kept.asJavascript("d").contains("kept (epoch 2)"));
        assertEquals(2, UnlearningResults.evaluationCurve("curve", List.of(), "perplexity", 0).getTraces().length,
                "an empty curve (before the first evaluation) draws");
    }

    @Test
    void outsideANotebookALiveFigurePrintsOnceAndNeedsNoPlotly() {
        try (LiveFigure live = Notebook.live(UnlearningResults.evaluationCurve("curve", List.of(), "accuracy", 0))) {
            live.update(UnlearningResults.evaluationCurve("curve", CURVE, "accuracy", 2));
        }
    }
}
