package dev.dispatchlab.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to: for tests (fragment and crypto timeouts without sleeping)
 * and for the simulator's virtual time.
 *
 * <p>Threading: safe for any number of readers and writers.
 */
public final class ManualClock implements Clock {

    private final AtomicLong now;

    public ManualClock(long startNanos) {
        now = new AtomicLong(startNanos);
    }

    public ManualClock() {
        this(0);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves time forward by {@code nanos} (must not be negative). */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time only moves forward: nanos=" + nanos);
        }
        now.addAndGet(nanos);
    }

    /** Sets time to {@code nanos}, which must not be earlier than now. */
    public void set(long nanos) {
        long prev = now.getAndSet(nanos);
        if (nanos < prev) {
            now.set(prev);
            throw new IllegalArgumentException("time only moves forward: now=" + prev + ", requested=" + nanos);
        }
    }
}
