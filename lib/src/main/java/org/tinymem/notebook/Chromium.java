package org.tinymem.notebook;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tech.tablesaw.plotly.components.Figure;

/**
 * Renders figures to files with headless Chromium, which runs the same plotly.js as the notebook,
 * so an exported figure looks exactly like the interactive one. Each browser start costs seconds,
 * so images of many figures are made in one page by one browser.
 */
final class Chromium {

    private static final long TIMEOUT_SECONDS = 120;
    private static final Pattern RESULT = Pattern.compile("<pre id=\"result-(\\d+)\">([^<]*)</pre>");

    private Chromium() {}

    /** The browser: {@code $TINYMEM_CHROMIUM}, else the first of the usual names on the PATH. */
    static Optional<Path> find() {
        String explicit = System.getenv("TINYMEM_CHROMIUM");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Paths.get(explicit)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Paths.get(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * PNG or SVG images of the figures, in order, at the size of each figure's layout.
     *
     * @param format {@code "png"} or {@code "svg"}
     */
    static List<byte[]> images(List<Figure> figures, String format) {
        StringBuilder page = new StringBuilder();
        for (int i = 0; i < figures.size(); i++) {
            String after = "Plotly.toImage(gd, {format: '" + format + "', width: gd._fullLayout.width,"
                    + " height: gd._fullLayout.height})\n"
                    + "  .then(url => report(" + i + ", url), e => report(" + i + ", 'error: ' + e));";
            page.append(PlotlyFigure.drawScript(figures.get(i), "figure_" + i, after).replace(
                    "<script>", "<div id=\"figure_" + i + "\"></div><script>"));
        }
        String script = "<script>function report(i, text) { const pre = document.createElement('pre');"
                + " pre.id = 'result-' + i; pre.textContent = text; document.body.appendChild(pre); }</script>\n";
        String dom = run(page(script + page, ""), List.of("--dump-dom"));
        String[] results = new String[figures.size()];
        Matcher matcher = RESULT.matcher(dom);
        while (matcher.find()) {
            results[Integer.parseInt(matcher.group(1))] = unescapeHtml(matcher.group(2));
        }
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            images.add(decodeDataUrl(results[i], i));
        }
        return images;
    }

    /** A one-page vector PDF of the figure; the page takes the figure's size. */
    static byte[] pdf(Figure figure) {
        String after = "const style = document.createElement('style');\n"
                + "  style.textContent = '@page { size: ' + gd._fullLayout.width + 'px ' + gd._fullLayout.height"
                + " + 'px; margin: 0 }';\n  document.head.appendChild(style);";
        String body = PlotlyFigure.drawScript(figure, "figure", after)
                .replace("<script>", "<div id=\"figure\"></div><script>");
        Path pdf = null;
        try {
            pdf = Files.createTempFile("tinymem-figure", ".pdf");
            run(page(body, "body { margin: 0 }"), List.of("--print-to-pdf=" + pdf, "--no-pdf-header-footer"));
            return Files.readAllBytes(pdf);
        } catch (IOException e) {
            throw new UncheckedIOException("Chromium wrote no PDF: " + e.getMessage(), e);
        } finally {
            deleteQuietly(pdf);
        }
    }

    private static String page(String body, String css) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>" + css + "</style>\n"
                + "<script src=\"" + PlotlyJs.path().toUri() + "\"></script></head><body>\n" + body
                + "</body></html>\n";
    }

    /** Loads the page in a fresh headless browser and returns its standard output. */
    private static String run(String html, List<String> action) {
        Path browser = find().orElseThrow(() -> new IllegalStateException(
                "figure export needs Chromium, which is not installed: run `apt-get install chromium`"
                        + " (or ./environment/setup-notebooks.sh --with-chromium), or set TINYMEM_CHROMIUM"));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tinymem-chromium");
            Path page = dir.resolve("page.html");
            Files.writeString(page, html);
            List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--allow-file-access-from-files",
                    "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=30000"));
            command.addAll(action);
            command.add(page.toUri().toString());
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Chromium did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Chromium failed with exit code " + process.exitValue()
                        + "; run " + String.join(" ", command) + " to see its messages");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run Chromium (" + browser + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Chromium was rendering", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static byte[] decodeDataUrl(String url, int index) {
        if (url == null || !url.startsWith("data:")) {
            throw new IllegalStateException("Chromium could not render figure " + index + ": "
                    + (url == null ? "no result (plotly.js failed to load?)" : url));
        }
        int comma = url.indexOf(',');
        String header = url.substring(0, comma);
        String payload = url.substring(comma + 1);
        return header.endsWith(";base64")
                ? Base64.getDecoder().decode(payload)
                : URLDecoder.decode(payload, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }

    private static String unescapeHtml(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(each -> each.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless; the render result matters.
        }
    }
}
