package org.tinymem.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs cell code in the kernel's own JVM, so cells see the library classes the kernel sees and
 * their values reach the kernel as objects (a {@code Table} can be rendered as HTML rather than
 * through its {@code toString}). JShell's stock local engine offers neither the value nor a stop
 * that also ends loops ignoring interrupts, hence this engine.
 *
 * <p>Each cell snippet runs on a fresh thread, which {@link #stop()} first interrupts (ends sleeps,
 * waits and loops that check {@code Thread.interrupted()}) and then, after a grace period, stops.
 */
final class CellExecutionControl extends DirectExecutionControl {

    private static final long GRACE_MILLIS = 1_000;

    private volatile Thread running;
    private volatile boolean stopRequested;
    private volatile Object lastValue;
    private volatile Runnable threadSetup = () -> {};

    /** Runs first on every cell thread (the library uses it to set per-thread engine state). */
    void onCellThread(Runnable setup) {
        threadSetup = setup;
    }

    /** The object the last snippet evaluated to ({@code null} for statements). */
    Object lastValue() {
        return lastValue;
    }

    /** Whether {@link #stop()} ended the last snippet. */
    boolean wasStopped() {
        return stopRequested;
    }

    /** Forgets the previous cell's stop, before a new cell runs. */
    void reset() {
        stopRequested = false;
        lastValue = null;
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        Object[] value = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                threadSetup.run();
                value[0] = doit.invoke(null);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "tinymem-cell");
        thread.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
        running = thread;
        thread.start();
        thread.join();
        running = null;
        if (stopRequested) {
            throw new StoppedException();
        }
        if (failure[0] instanceof InvocationTargetException e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new InvocationTargetException(failure[0]);
        }
        lastValue = value[0];
        return valueString(value[0]);
    }

    @Override
    @SuppressWarnings({"deprecation", "removal"})
    public void stop() {
        Thread thread = running;
        if (thread == null) {
            return;
        }
        stopRequested = true;
        thread.interrupt();
        try {
            thread.join(GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // A busy loop that never checks for interrupts: the only way out on JDK 17.
            thread.stop();
        }
    }
}
