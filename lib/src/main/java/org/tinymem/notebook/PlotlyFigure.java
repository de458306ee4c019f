package org.tinymem.notebook;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import tech.tablesaw.plotly.components.Figure;

/**
 * Turns a Tablesaw figure into notebook output: a div plus the script that draws it. plotly.js
 * is inlined with the first figure of a kernel session only, since it weighs 4.5 MB; later figures
 * wait for {@code window.Plotly}, so they draw even while the first output is still loading.
 */
final class PlotlyFigure {

    private static final AtomicBoolean PLOTLY_SENT = new AtomicBoolean();

    private PlotlyFigure() {}

    /** The notebook bundle; adds a PNG when figure images are enabled (see {@link Notebook}). */
    static Map<String, String> bundle(Figure figure) {
        return bundle(figure, plotlyOnce(), true);
    }

    /** plotly.js's inline scripts the first time in a kernel session, then the empty string. */
    static String plotlyOnce() {
        return PLOTLY_SENT.compareAndSet(false, true) ? PlotlyJs.inlineScripts() : "";
    }

    /** The bundle with {@code plotly} (scripts or "") before the figure, and a PNG only if {@code image} and figure images are on. */
    static Map<String, String> bundle(Figure figure, String plotly, boolean image) {
        String id = "tinymem_figure_" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", plotly + figure.divString(id) + drawScript(figure, id, ""));
        bundle.put("text/plain", "Figure with " + figure.getTraces().length + " trace(s)");
        if (image && Notebook.figureImages() && Chromium.find().isPresent()) {
            byte[] png = Chromium.images(List.of(figure), "png").get(0);
            bundle.put("image/png", Base64.getEncoder().encodeToString(png));
        }
        return bundle;
    }

    /**
     * A script that draws the figure into its div once plotly is loaded, then runs {@code after}
     * (JavaScript with {@code gd} bound to the drawn div). The div id must be a JavaScript
     * identifier: Tablesaw names a variable after it.
     */
    static String drawScript(Figure figure, String divId, String after) {
        String body = figure.asJavascript(divId).replace("<script>", "").replace("</script>", "");
        return "<script>(function draw() {\n"
                + "  if (!window.Plotly) { setTimeout(draw, 50); return; }\n"
                + body + "\n"
                + "  const gd = document.getElementById('" + divId + "');\n"
                + after + "\n"
                + "})();</script>\n";
    }
}
