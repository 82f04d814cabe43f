package dev.dispatchlab.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a command that must still report what it did: a shutdown hook (SIGINT, SIGTERM) that
 * asks the command to stop, waits until the command has printed its result and closed this, and
 * then lets the JVM end.
 *
 * <p>Exit status: a JVM that a signal shuts down ends with 128 + the signal (130 for Ctrl-C),
 * which suits a run cut short. A command for which Ctrl-C is the normal way to end ({@code gateway})
 * sets {@link #exitStatus} once it stopped cleanly, and the hook ends the JVM with that instead.
 *
 * <p>Threading: {@link #install} and {@link #close} on the command's thread; the hook runs on a
 * thread of its own, at most once. The stop action must return promptly (set a flag, interrupt).
 */
final class StopOnSignal implements AutoCloseable {

    /** How long the hook waits for the command to drain and print before the JVM ends anyway. */
    private static final long FINISH_SECONDS = 30;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean signalled;
    private volatile int exitStatus = -1;

    private StopOnSignal(String name, Runnable stop) {
        this.hook = new Thread(() -> {
            signalled = true;
            stop.run();
            try {
                finished.await(FINISH_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            int status = exitStatus;
            if (status >= 0) {
                Runtime.getRuntime().halt(status);
            }
        }, name + "-stop");
    }

    /** Installs the hook; {@code stop} runs on the hook's thread when a signal arrives. */
    static StopOnSignal install(String name, Runnable stop) {
        StopOnSignal s = new StopOnSignal(name, stop);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** @return true once a signal asked the command to stop */
    boolean signalled() {
        return signalled;
    }

    /** The status the JVM ends with if a signal stopped the command (see the class note). */
    void exitStatus(int status) {
        this.exitStatus = status;
    }

    /** The command has printed everything: a waiting hook may end the JVM; without a signal, the hook is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and has been waiting for this
        }
    }
}
