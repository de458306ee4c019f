package org.tinymem.kernel;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Connects the kernel to the TinyMem library's display API ({@code org.tinymem.notebook.Display})
 * by reflection, because the library must not depend on the kernel nor the kernel on the library:
 * the kernel also runs plain Java notebooks without it. Both sides speak JDK types only.
 */
final class LibraryBridge {

    private static final String DISPLAY_CLASS = "org.tinymem.notebook.Display";

    private final Method bundleFor;
    private final Method cellThreadStarted;

    private LibraryBridge(Method bundleFor, Method cellThreadStarted) {
        this.bundleFor = bundleFor;
        this.cellThreadStarted = cellThreadStarted;
    }

    /**
     * Installs the kernel's display channels in the library, if the library is on the class path.
     *
     * @return the bridge, or {@code null} without the library
     */
    static LibraryBridge connect(ClassLoader loader, BiConsumer<Map<String, String>, String> show,
            BiConsumer<Map<String, String>, String> update) {
        try {
            Class<?> display = Class.forName(DISPLAY_CLASS, true, loader);
            display.getMethod("connect", BiConsumer.class, BiConsumer.class).invoke(null, show, update);
            Method cellThreadStarted;
            try {
                cellThreadStarted = display.getMethod("cellThreadStarted");
            } catch (NoSuchMethodException olderLibrary) {
                cellThreadStarted = null;
            }
            return new LibraryBridge(display.getMethod("bundleFor", Object.class), cellThreadStarted);
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the TinyMem library on the class path has an incompatible "
                    + DISPLAY_CLASS + "; rebuild the kernel and the library together (./tinymem setup)", e);
        }
    }

    /** Prepares a new cell thread (per-thread engine state); a failure there must not fail the cell. */
    void cellThreadStarted() {
        if (cellThreadStarted == null) return;
        try {
            cellThreadStarted.invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // the cell still runs, only without the library's thread setup
        }
    }

    /** The library's rich form of a value (a table as HTML, say), or {@code null}. */
    @SuppressWarnings("unchecked")
    Map<String, String> bundleFor(Object value) {
        try {
            return (Map<String, String>) bundleFor.invoke(null, value);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Map.of("text/plain", "(cannot render " + value.getClass().getName() + ": " + cause + ")");
        }
    }
}
