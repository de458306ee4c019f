package org.tinymem.notebook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tinymem.util.Progress;
import org.tinymem.util.TerminalProgress;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * What a notebook cell calls to show results: tables, figures, images and progress bars, and to
 * export figures for a paper. Inside the TinyMem kernel output is rich (HTML, interactive plotly);
 * anywhere else (CLI, tests) the same calls print plain text, so library code may call them freely.
 */
public final class Notebook {

    private static volatile boolean figureImages = "1".equals(System.getenv("TINYMEM_FIGURE_PNG"));

    private Notebook() {}

    /** Shows a table with 4 significant digits and thousands separators (head and tail if long). */
    public static void show(Table table) {
        Display.show(Display.connected() ? HtmlTable.bundle(table) : Map.of("text/plain", HtmlTable.text(table)), null);
    }

    /**
     * Shows an interactive figure, drawn offline by the bundled plotly.js. With figure images on
     * (see {@link #figureImages(boolean)}) a PNG is attached too, so static HTML exports show it.
     */
    public static void show(Figure figure) {
        if (Display.connected()) {
            Display.show(PlotlyFigure.bundle(figure), null);
        } else {
            Display.show(Map.of("text/plain", "Figure with " + figure.getTraces().length + " trace(s)"), null);
        }
    }

    /**
     * Shows a figure that {@link LiveFigure#update} redraws in place (a curve while a method runs); close
     * it when the data is complete.
     */
    public static LiveFigure live(Figure first) {
        return new LiveFigure(first);
    }

    /** Shows a PNG image (for example one made by a plotting tool outside plotly). */
    public static void showPng(byte[] png) {
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("image/png", Base64.getEncoder().encodeToString(png));
        bundle.put("text/plain", "PNG image, " + png.length + " bytes");
        Display.show(bundle, null);
    }

    /** Shows raw HTML (text/plain shows the markup itself outside a notebook). */
    public static void showHtml(String html) {
        Display.show(Map.of("text/html", html, "text/plain", html), null);
    }

    /**
     * A progress bar for long work: updated in place in a notebook, a terminal bar on stderr
     * elsewhere. Close it when the work ends (try-with-resources).
     */
    public static Progress progress(String label) {
        return Display.connected() ? new NotebookProgress(label, System::nanoTime) : new TerminalProgress(label);
    }

    /**
     * Whether figures also carry a PNG rendering. Off by default because each rendering starts a
     * browser (about 4 s); the environment variable {@code TINYMEM_FIGURE_PNG=1} turns it on for
     * headless runs whose HTML export should show pictures.
     */
    public static void figureImages(boolean on) {
        figureImages = on;
    }

    static boolean figureImages() {
        return figureImages;
    }

    /**
     * Whether {@link #export} can work here: Chromium is installed (or named by
     * {@code $TINYMEM_CHROMIUM}). Notebooks check it so that a machine without a browser skips the
     * export cell with a message instead of failing.
     */
    public static boolean canExport() {
        return Chromium.find().isPresent();
    }

    /**
     * Writes the figure as PNG, SVG or PDF, chosen by the file extension, with headless Chromium.
     * The file appears complete or not at all (written to a temporary file, then renamed).
     */
    public static void export(Figure figure, Path file) throws IOException {
        exportAll(Map.of(file, figure));
    }

    /**
     * Writes many figures with one browser start per format (PDFs take one start each), which is
     * much faster than one {@link #export} per figure.
     */
    public static void exportAll(Map<Path, Figure> figures) throws IOException {
        Map<String, List<Path>> byFormat = new LinkedHashMap<>();
        for (Path file : figures.keySet()) {
            byFormat.computeIfAbsent(format(file), f -> new ArrayList<>()).add(file);
        }
        for (Map.Entry<String, List<Path>> entry : byFormat.entrySet()) {
            List<Path> files = entry.getValue();
            if (entry.getKey().equals("pdf")) {
                for (Path file : files) {
                    writeAtomically(file, Chromium.pdf(figures.get(file)));
                }
            } else {
                List<byte[]> images = Chromium.images(files.stream().map(figures::get).toList(), entry.getKey());
                for (int i = 0; i < files.size(); i++) {
                    writeAtomically(files.get(i), images.get(i));
                }
            }
        }
    }

    private static String format(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String extension = name.substring(name.lastIndexOf('.') + 1);
        if (!List.of("png", "svg", "pdf").contains(extension)) {
            throw new IllegalArgumentException("cannot export a figure to " + file
                    + ": the file name must end in .png, .svg or .pdf");
        }
        return extension;
    }

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
