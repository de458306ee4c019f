package org.tinymem.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.ScatterTrace;

/** Figure export through headless Chromium; skipped where Chromium is not installed. */
class NotebookExportTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private static Figure figure() {
        return new Figure(Layout.builder().width(400).height(300).build(),
                ScatterTrace.builder(new double[] {1, 2, 3}, new double[] {3, 1, 2}).build());
    }

    @Test
    void exportsPngOfTheLayoutSizeAndSvgAndPdf(@TempDir Path dir) throws Exception {
        assumeTrue(Chromium.find().isPresent(), "Chromium not installed");
        Path png = dir.resolve("figure.png");
        Path svg = dir.resolve("figure.svg");
        Path pdf = dir.resolve("figure.pdf");
        Notebook.exportAll(java.util.Map.of(png, figure(), svg, figure(), pdf, figure()));

        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), "PNG signature");
        ByteBuffer header = ByteBuffer.wrap(bytes, 16, 8);
        assertEquals(400, header.getInt(), "PNG width");
        assertEquals(300, header.getInt(), "PNG height");
        assertTrue(javax.imageio.ImageIO.read(new ByteArrayInputStream(bytes)) != null, "PNG decodes");

        String svgText = Files.readString(svg);
        assertTrue(svgText.startsWith("<svg") && svgText.contains("width=\"400\""), svgText.substring(0, 80));
        String pdfStart = new String(Files.readAllBytes(pdf), 0, 5, StandardCharsets.US_ASCII);
        assertEquals("%PDF-", pdfStart);
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary files left behind");
        }
    }
}
