package org.tinymem.notebook;

import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.tinymem.util.Progress;
import org.tinymem.util.TerminalProgress;

/**
 * A progress bar that updates in place inside a notebook cell: one output with a display id,
 * replaced through {@code update_display_data}. Throttled like the terminal bar, because every
 * update is a message to the browser.
 */
final class NotebookProgress implements Progress {

    private static final long MIN_UPDATE_NANOS = 200_000_000L;

    private final String label;
    private final String displayId = "tinymem-progress-" + UUID.randomUUID();
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long lastUpdateNanos;
    private long lastDone;
    private long lastTotal;
    private String lastStatus = "";

    NotebookProgress(String label, LongSupplier nanoClock) {
        this.label = label;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastUpdateNanos = startNanos;
        Display.show(bundle(0, 0, "", 0), displayId);
    }

    @Override
    public synchronized void update(long done, long total, String status) {
        lastDone = done;
        lastTotal = total;
        lastStatus = status;
        long now = nanoClock.getAsLong();
        boolean finished = total > 0 && done >= total;
        if (finished || now - lastUpdateNanos >= MIN_UPDATE_NANOS) {
            lastUpdateNanos = now;
            Display.update(bundle(done, total, status, now - startNanos), displayId);
        }
    }

    /** Shows the final state, which throttling may have skipped. */
    @Override
    public synchronized void close() {
        Display.update(bundle(lastDone, lastTotal, lastStatus, nanoClock.getAsLong() - startNanos), displayId);
    }

    private Map<String, String> bundle(long done, long total, String status, long elapsedNanos) {
        String line = TerminalProgress.line(label, done, total, status, elapsedNanos);
        String html = "<div style=\"font-family:monospace\"><progress value=\"" + done + "\" max=\""
                + Math.max(total, 1) + "\" style=\"width:20em;vertical-align:middle\"></progress> "
                + HtmlTable.escape(line.replaceFirst("\\[[#-]*\\] ", "")) + "</div>";
        return Map.of("text/html", html, "text/plain", line);
    }
}
