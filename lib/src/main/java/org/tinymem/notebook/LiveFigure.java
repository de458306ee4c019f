package org.tinymem.notebook;

import java.util.Map;
import java.util.UUID;
import tech.tablesaw.plotly.components.Figure;

/**
 * A figure that is redrawn in place as its data arrives, e.g. a curve while a method runs: one notebook
 * output with a display id, replaced on each {@link #update}. plotly.js, when this is the session's first
 * figure, goes into an output of its own that is never replaced, so the saved notebook keeps it. Outside a
 * notebook the figure prints once as text and updates do nothing. Close it to attach the final PNG when
 * figure images are on (skipped while live: each rendering starts a browser).
 */
public final class LiveFigure implements AutoCloseable {
    private final String displayId = "tinymem-live-figure-" + UUID.randomUUID();
    private Figure latest;

    LiveFigure(Figure first) {
        latest = first;
        if (!Display.connected()) {
            Display.show(Map.of("text/plain", "Figure with " + first.getTraces().length + " trace(s), drawn live in a notebook"), null);
            return;
        }
        String plotly = PlotlyFigure.plotlyOnce();
        if (!plotly.isEmpty()) Display.show(Map.of("text/html", plotly, "text/plain", ""), null);
        Display.show(PlotlyFigure.bundle(first, "", false), displayId);
    }

    /** Replaces the drawn figure with {@code figure}. */
    public synchronized void update(Figure figure) {
        latest = figure;
        if (Display.connected()) Display.update(PlotlyFigure.bundle(figure, "", false), displayId);
    }

    @Override
    public synchronized void close() {
        if (Display.connected() && Notebook.figureImages()) Display.update(PlotlyFigure.bundle(latest, "", true), displayId);
    }
}
