package org.tinymem.notebook;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The bridge between the library and a notebook kernel. It speaks only JDK types so that the
 * library never depends on the kernel: the TinyMem kernel finds this class on the cell class path
 * and calls {@link #connect} reflectively at start-up. Until then (CLI, tests, plain JShell) output
 * falls back to the {@code text/plain} form on stdout.
 *
 * <p>A MIME bundle maps a MIME type ({@code text/html}, {@code image/png}, …) to its content;
 * binary content is base64, as in the Jupyter message format.
 */
public final class Display {

    private static volatile BiConsumer<Map<String, String>, String> showSink;
    private static volatile BiConsumer<Map<String, String>, String> updateSink;

    private Display() {}

    /**
     * Installs the kernel's output channels. Called by the kernel, not by notebooks.
     *
     * @param show publishes a bundle as new output ({@code display_data}); the second argument is a
     *     display id to update later, or {@code null}
     * @param update replaces the output that carries the given display id ({@code update_display_data})
     */
    public static void connect(
            BiConsumer<Map<String, String>, String> show, BiConsumer<Map<String, String>, String> update) {
        showSink = show;
        updateSink = update;
    }

    /**
     * Makes a fresh cell thread behave like the thread that loaded the engine. Called by the kernel
     * at the start of every cell snippet, each of which runs on a new thread.
     *
     * <p>PyTorch's grad mode is per thread, and DJL switches it off only on the thread that loads
     * the engine. Elsewhere it is on: inference then records autograd graphs (slower, more memory)
     * and code that asks {@code JniUtils.isGradMode()} takes its training path. Before the engine is
     * loaded there is nothing to do: whichever thread loads it gets grad mode off from DJL.
     */
    public static void cellThreadStarted() {
        try {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError engineNotLoadedYet) {
            // the native library is not loaded yet; DJL sets grad mode when it loads it
        }
    }

    /**
     * The rich form of a cell's last value, so that a cell ending in {@code table} shows the table
     * as HTML. Called by the kernel for every value.
     *
     * @return a MIME bundle, or {@code null} when the value has no rich form
     */
    public static Map<String, String> bundleFor(Object value) {
        if (value instanceof tech.tablesaw.api.Table table) {
            return HtmlTable.bundle(table);
        }
        if (value instanceof tech.tablesaw.plotly.components.Figure figure) {
            return PlotlyFigure.bundle(figure);
        }
        return null;
    }

    /** Whether a kernel is listening (otherwise output goes to stdout as plain text). */
    static boolean connected() {
        return showSink != null;
    }

    static void show(Map<String, String> bundle, String displayId) {
        BiConsumer<Map<String, String>, String> sink = showSink;
        if (sink == null) {
            System.out.println(bundle.getOrDefault("text/plain", ""));
        } else {
            sink.accept(bundle, displayId);
        }
    }

    static void update(Map<String, String> bundle, String displayId) {
        BiConsumer<Map<String, String>, String> sink = updateSink;
        if (sink != null) {
            sink.accept(bundle, displayId);
        }
    }
}
