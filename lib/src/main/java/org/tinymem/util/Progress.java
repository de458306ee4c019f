package org.tinymem.util;

/**
 * Receives progress of long work (training epochs, sweeps, unlearning). The library reports through
 * this interface only, so the same loop shows a terminal bar in the CLI and an in-place bar in a
 * notebook.
 */
public interface Progress extends AutoCloseable {

    /**
     * Reports that {@code done} of {@code total} units are finished.
     *
     * @param done units finished so far (0..total)
     * @param total units in all
     * @param status a short line such as {@code "epoch 3/10 loss 1.234 12,000 tok/s"}
     */
    void update(long done, long total, String status);

    /** Ends the bar (prints the final state and a newline, or closes the display). */
    @Override
    default void close() {}

    /** A progress sink that shows nothing (for tests and nested work). */
    static Progress silent() {
        return (done, total, status) -> {};
    }
}
