package dev.dispatchlab.metrics;

/**
 * A source of monotonic time in nanoseconds, injected wherever stage code needs time (packet
 * arrival stamps, fragment timeouts, crypto timeouts, coalescing timers), so that the same code runs
 * against the real clock in the runtime, a hand-driven clock in tests and simulated time in the
 * simulator. Nothing in the packet path calls {@link System#nanoTime()} directly.
 *
 * <p>Threading: implementations must be safe to call from any thread.
 */
@FunctionalInterface
public interface Clock {

    /** @return monotonic nanoseconds; only differences are meaningful */
    long nanoTime();

    /** The real monotonic clock of this JVM. */
    Clock SYSTEM = System::nanoTime;
}
