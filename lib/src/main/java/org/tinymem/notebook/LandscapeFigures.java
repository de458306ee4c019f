package org.tinymem.notebook;

import org.tinymem.eval.LossLandscape;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.ContourTrace;

/** Fig. 4-style contour plots of {@link LossLandscape} surfaces. */
public final class LandscapeFigures {
    /** Characters per title line that fit the 420-pixel-wide figure. */
    static final int TITLE_LINE = 44;

    private LandscapeFigures() {}

    /**
     * {@code title} broken into lines of at most {@code width} characters at spaces (Plotly's {@code <br>}); a word
     * longer than a line keeps its own line. Long labels (method, ratio, M and A, rows) were cut off at the sides.
     */
    static String wrapped(String title, int width) {
        StringBuilder out = new StringBuilder();
        int line = 0;
        for (String word : title.split(" ")) {
            if (line > 0 && line + 1 + word.length() > width) {
                out.append("<br>");
                line = 0;
            } else if (line > 0) {
                out.append(' ');
                line++;
            }
            out.append(word);
            line += word.length();
        }
        return out.toString();
    }

    /** One surface as filled contours over (α, β); log10 of the loss, so that basins and walls both show. */
    public static Figure contour(LossLandscape.Surface surface, String title) {
        Object[] c = new Object[surface.coordinates().length];
        for (int i = 0; i < c.length; i++) c[i] = surface.coordinates()[i];
        double[][] z = new double[c.length][c.length];
        for (int j = 0; j < c.length; j++) {
            for (int i = 0; i < c.length; i++) z[j][i] = Math.log10(Math.max(surface.loss()[j][i], 1e-12));
        }
        Layout layout = Layout.builder().title(wrapped(title, TITLE_LINE)).width(420).height(380)
                .xAxis(Axis.builder().title("α (direction 1)").build())
                .yAxis(Axis.builder().title("β (direction 2)").build()).build();
        return new Figure(layout, ContourTrace.builder(c, c, z).build());
    }
}
