package org.tinymem.notebook;

import org.tinymem.eval.LossLandscape;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.ContourTrace;

/** Fig. 4-style contour plots of {@link LossLandscape} surfaces. */
public final class LandscapeFigures {
    private LandscapeFigures() {}

    /** One surface as filled contours over (α, β); log10 of the loss, so that basins and walls both show. */
    public static Figure contour(LossLandscape.Surface surface, String title) {
        Object[] c = new Object[surface.coordinates().length];
        for (int i = 0; i < c.length; i++) c[i] = surface.coordinates()[i];
        double[][] z = new double[c.length][c.length];
        for (int j = 0; j < c.length; j++) {
            for (int i = 0; i < c.length; i++) z[j][i] = Math.log10(Math.max(surface.loss()[j][i], 1e-12));
        }
        Layout layout = Layout.builder().title(title).width(420).height(380)
                .xAxis(Axis.builder().title("α (direction 1)").build())
                .yAxis(Axis.builder().title("β (direction 2)").build()).build();
        return new Figure(layout, ContourTrace.builder(c, c, z).build());
    }
}
