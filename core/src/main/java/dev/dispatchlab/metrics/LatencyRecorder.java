package dev.dispatchlab.metrics;

import org.HdrHistogram.Histogram;

/**
 * Arrival-to-receipt latency of delivered packets, in an HdrHistogram (3 significant digits, up to
 * 60 s), recorded by the one thread that receives (the user thread).
 *
 * <h2>Coordinated omission</h2>
 * The sources are open-loop: the synthetic wire places packets on its own schedule and never waits
 * for the host, and each packet is stamped when the device places it in the receive ring. A slow
 * host therefore shows up as queueing time inside the recorded latency, and as ring-full drops
 * (counted), never as a send that was quietly delayed; nothing is corrected after the fact. The
 * wire's own lag behind its schedule (its CPU was busy) is not host latency and is reported
 * separately by the source.
 *
 * <p>Threading: single writer (the receiving thread); read the histogram after the writer stopped.
 */
public final class LatencyRecorder {

    private static final long MAX_NANOS = 60_000_000_000L;

    private final Histogram histogram = new Histogram(1, MAX_NANOS, 3);
    private final Clock clock;
    private long outOfRange;

    public LatencyRecorder(Clock clock) {
        this.clock = clock;
    }

    /** Records the latency of a packet stamped at {@code arrivalNanos}, ending now. */
    public void recordSince(long arrivalNanos) {
        record(clock.nanoTime() - arrivalNanos);
    }

    /** Records one latency; values outside [1 ns, 60 s] are clamped and counted. */
    public void record(long nanos) {
        if (nanos < 1) {
            nanos = 1;
            outOfRange++;
        } else if (nanos > MAX_NANOS) {
            nanos = MAX_NANOS;
            outOfRange++;
        }
        histogram.recordValue(nanos);
    }

    public Histogram histogram() {
        return histogram;
    }

    /** @return values that were clamped into range */
    public long outOfRange() {
        return outOfRange;
    }

    public void reset() {
        histogram.reset();
        outOfRange = 0;
    }
}
