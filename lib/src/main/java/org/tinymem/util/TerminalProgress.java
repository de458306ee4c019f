package org.tinymem.util;

/** A one-line terminal progress bar on stderr (placeholder until the notebook branch lands). */
public final class TerminalProgress implements Progress {
    private final String label;
    private final long started = System.nanoTime();
    private long lastPrint;

    public TerminalProgress(String label) {
        this.label = label;
    }

    @Override
    public void update(long done, long total, String status) {
        long now = System.nanoTime();
        if (done < total && now - lastPrint < 200_000_000L) return;
        lastPrint = now;
        double seconds = (now - started) / 1e9;
        double eta = done == 0 ? 0 : seconds * (total - done) / done;
        int width = 24;
        int filled = total == 0 ? width : (int) (width * done / total);
        System.err.printf("\r%s [%s%s] %d/%d %s ETA %.0fs   ", label, "#".repeat(filled), ".".repeat(width - filled),
                done, total, status, eta);
    }

    @Override
    public void close() {
        System.err.println();
    }
}
