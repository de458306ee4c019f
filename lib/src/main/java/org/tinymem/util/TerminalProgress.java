package org.tinymem.util;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on one terminal line, redrawn in place with a carriage return:
 *
 * <pre>train [##########----------]   512/1,024  50.0%  0:42 &lt; 0:42  epoch 3/10 loss 1.234</pre>
 *
 * Redraws are throttled to five a second because a training loop may report thousands of steps
 * a second and a terminal (or a CI log) should not pay for each one.
 */
public final class TerminalProgress implements Progress {

    static final long MIN_REDRAW_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 20;

    private final String label;
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long lastDrawNanos = Long.MIN_VALUE;
    private long firstDone = -1;
    private String lastLine;
    private int lastLineLength;

    /** A bar on standard error, so it never mixes with results piped from standard output. */
    public TerminalProgress(String label) {
        this(label, System.err, System::nanoTime);
    }

    /** A bar on the given stream with the given clock (for tests). */
    public TerminalProgress(String label, PrintStream out, LongSupplier nanoClock) {
        this.label = label;
        this.out = out;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    @Override
    public synchronized void update(long done, long total, String status) {
        long now = nanoClock.getAsLong();
        if (firstDone < 0) firstDone = Math.max(0, done - 1); // a resumed run starts part-way
        boolean finished = total > 0 && done >= total;
        if (!finished && lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < MIN_REDRAW_NANOS) {
            return;
        }
        lastDrawNanos = now;
        draw(line(label, done, total, status, now - startNanos, firstDone));
    }

    @Override
    public synchronized void close() {
        if (lastLine != null) {
            out.println();
            out.flush();
        }
    }

    private void draw(String line) {
        // Pad with spaces so that a shorter line fully covers the previous one.
        String padding = " ".repeat(Math.max(0, lastLineLength - line.length()));
        out.print('\r' + line + padding);
        out.flush();
        lastLine = line;
        lastLineLength = line.length();
    }

    /**
     * One rendered line: label, bar, done/total, percent, elapsed, estimated time left, status.
     * Shared with the notebook bar so both read the same.
     */
    public static String line(String label, long done, long total, String status, long elapsedNanos) {
        return line(label, done, total, status, elapsedNanos, 0);
    }

    /**
     * As {@link #line(String, long, long, String, long)} for work that started at {@code startDone}
     * (a resumed run): the time left is estimated from the units done since then.
     */
    public static String line(String label, long done, long total, String status, long elapsedNanos, long startDone) {
        double fraction = total > 0 ? Math.min(1.0, Math.max(0.0, (double) done / total)) : 0.0;
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
        long doneHere = done - startDone;
        String eta = doneHere > 0 && total > 0
                ? clock((long) ((double) elapsedNanos / doneHere * Math.max(0, total - done)))
                : "?";
        String counts = String.format(Locale.ROOT, "%,d/%,d", done, total);
        return String.format(Locale.ROOT, "%s [%s] %s %5.1f%%  %s < %s%s",
                label, bar, counts, 100 * fraction, clock(elapsedNanos), eta,
                status == null || status.isBlank() ? "" : "  " + status);
    }

    /** Minutes and seconds (hours when needed), e.g. {@code 1:05} or {@code 2:03:09}. */
    static String clock(long nanos) {
        long seconds = Duration.ofNanos(Math.max(0, nanos)).toSeconds();
        long hours = seconds / 3600;
        return hours > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
