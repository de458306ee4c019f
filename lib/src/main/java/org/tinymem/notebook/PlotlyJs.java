package org.tinymem.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the offline copy of plotly.js. Notebooks must work without network access, so figures
 * never load plotly from a CDN (what tablesaw-jsplot does): the setup script installs the pinned
 * npm package {@code plotly.js-dist-min@2.35.3} under {@code environment/node_modules}.
 */
final class PlotlyJs {

    static final String RELATIVE_PATH = "environment/node_modules/plotly.js-dist-min/plotly.min.js";

    private static volatile String source;

    private PlotlyJs() {}

    /**
     * Where plotly.min.js is: {@code $TINYMEM_PLOTLY_JS}, else under {@code $TINYMEM_HOME}, else under
     * the working directory or one of its parents (notebooks run from {@code notebooks/}).
     */
    static Path path() {
        String explicit = System.getenv("TINYMEM_PLOTLY_JS");
        if (explicit != null && !explicit.isBlank()) {
            return requireFile(Paths.get(explicit), "TINYMEM_PLOTLY_JS");
        }
        String home = System.getenv("TINYMEM_HOME");
        if (home != null && !home.isBlank()) {
            return requireFile(Paths.get(home).resolve(RELATIVE_PATH), "TINYMEM_HOME");
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_PATH);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("plotly.js not found: set TINYMEM_HOME to the TinyMem checkout"
                + " (or TINYMEM_PLOTLY_JS to plotly.min.js) and run ./tinymem setup, which installs "
                + RELATIVE_PATH);
    }

    /** The library source, read once per JVM (4.5 MB). */
    static String source() {
        if (source == null) {
            try {
                source = Files.readString(path());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read plotly.js: " + e.getMessage(), e);
            }
        }
        return source;
    }

    /**
     * Inline script tags that define {@code window.Plotly}. The classic notebook ships require.js;
     * plotly's UMD header would register with it instead of setting the global, so {@code define}
     * is hidden while plotly loads.
     */
    static String inlineScripts() {
        return "<script>window.__tinymemDefine = window.define; window.define = undefined;</script>\n"
                + "<script>" + source() + "</script>\n"
                + "<script>window.define = window.__tinymemDefine;</script>\n";
    }

    private static Path requireFile(Path path, String variable) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("plotly.js not found at " + path + " (from " + variable
                    + "); run ./tinymem setup, which installs " + RELATIVE_PATH);
        }
        return path;
    }
}
