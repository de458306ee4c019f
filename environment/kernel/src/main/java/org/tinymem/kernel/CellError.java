package org.tinymem.kernel;

import java.util.List;

/**
 * A cell that failed, in Jupyter's terms: {@code ename} (the exception's full class name, or
 * {@code CompilationError}), {@code evalue} (its message) and the traceback lines.
 */
final class CellError extends RuntimeException {

    final String name;
    final List<String> traceback;

    CellError(String name, String message, List<String> traceback) {
        super(message == null ? "" : message, null, false, false);
        this.name = name;
        this.traceback = List.copyOf(traceback);
    }
}
