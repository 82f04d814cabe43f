package dev.dispatchlab.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The life of every primitive that owns threads: {@link #start()} once, {@link #stop()} (the threads
 * finish the work already queued, then end), {@link #join(Duration)}, then {@link #close()} to give
 * back the stage-context slots. After {@code join} returns true, {@link #threads()} are all dead, so
 * a run can assert that nothing it started is left running, and the counters are exact.
 *
 * <p>Stopping order is the caller's: stop producers (the wire) before consumers, or a draining
 * consumer never runs dry. Items that arrive after a consumer ended are not lost silently: each
 * queueing primitive offers a way to hand them to a discard handler after join.
 *
 * <p>Threading: start, stop, join and close from a controlling thread (never from the threads
 * themselves); stop may be called more than once.
 */
public interface Lifecycle extends AutoCloseable {

    /** Starts the threads. Once. */
    void start();

    /** Asks the threads to finish queued work and end; returns at once. Idempotent. */
    void stop();

    /**
     * Waits for the threads to end.
     *
     * @return true if every thread ended within {@code timeout}
     */
    boolean join(Duration timeout) throws InterruptedException;

    /** @return the threads this component created (platform or virtual), alive or not */
    List<Thread> threads();

    /** @return the first exception a thread of this component died with, or null */
    Throwable failure();

    /** Stops, joins (up to 10 s) and releases stage-context slots; counters stay readable. */
    @Override
    void close();

    /** A plain platform-thread factory for tests and tools: daemon threads, no roles, no pinning. */
    static ThreadFactory plainThreads() {
        return Thread.ofPlatform().daemon(true).factory();
    }

    /** A virtual-thread factory for tests and tools. */
    static ThreadFactory virtualThreads() {
        return Thread.ofVirtual().factory();
    }
}
