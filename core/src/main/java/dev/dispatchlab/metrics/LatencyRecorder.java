package dev.dispatchlab.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Arrival-to-receipt latency of delivered packets, recorded into an HdrHistogram (3 significant
 * digits, 1 ns to 60 s) by the one thread that receives (the user thread), and read by interval
 * from any thread: the runner takes an interval at the start of the measured interval (and throws
 * it away: warm-up) and one at its end.
 *
 * <h2>Coordinated omission</h2>
 * The sources are open-loop: the synthetic wire places packets on its own schedule and never waits
 * for the host, and each packet is stamped when the device places it in the receive ring. A slow
 * host therefore shows up as queueing time inside the recorded latency, and as ring-full drops
 * (counted), never as a send that was quietly delayed; nothing is corrected after the fact. The
 * wire's own lag behind its schedule (its CPU was busy) is not host latency and is reported
 * separately by the source.
 *
 * <p>Threading: {@link #recordSince} and {@link #record} from one writer thread; {@link #interval()}
 * from any thread (HdrHistogram's {@link SingleWriterRecorder} phase flip, wait-free for the writer).
 */
public final class LatencyRecorder {

    private static final long MAX_NANOS = 60_000_000_000L;

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, MAX_NANOS, 3);
    private final Clock clock;
    private volatile long outOfRange;

    public LatencyRecorder(Clock clock) {
        this.clock = clock;
    }

    /** Records the latency of a packet stamped at {@code arrivalNanos}, ending now. Writer only. */
    public void recordSince(long arrivalNanos) {
        record(clock.nanoTime() - arrivalNanos);
    }

    /** Records one latency; values outside [1 ns, 60 s] are clamped and counted. Writer only. */
    public void record(long nanos) {
        if (nanos < 1 || nanos > MAX_NANOS) {
            nanos = nanos < 1 ? 1 : MAX_NANOS;
            outOfRange = outOfRange + 1; // single writer
        }
        recorder.recordValue(nanos);
    }

    /** @return what was recorded since the previous call (or since creation); any thread; allocates */
    public Histogram interval() {
        return recorder.getIntervalHistogram();
    }

    /** @return values that were clamped into range */
    public long outOfRange() {
        return outOfRange;
    }

    /**
     * Writes {@code h} (one interval, values in nanoseconds) as an HdrHistogram log file, which
     * {@code HistogramLogReader} and the HdrHistogram tools (HistogramLogProcessor, the plotter) read:
     * a comment line, the format version, the start time, the legend and the interval. Allocates.
     *
     * @param comment one line saying what was measured (model, workload, rate); newlines are flattened
     */
    public static void writeLog(java.nio.file.Path file, Histogram h, String comment) throws java.io.IOException {
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        try (java.io.PrintStream out = new java.io.PrintStream(java.nio.file.Files.newOutputStream(file), false,
                java.nio.charset.StandardCharsets.UTF_8)) {
            HistogramLogWriter w = new HistogramLogWriter(out);
            long start = h.getStartTimeStamp() > 0 ? h.getStartTimeStamp() : System.currentTimeMillis();
            w.outputComment(comment.replace('\n', ' ') + " (values in nanoseconds)");
            w.outputLogFormatVersion();
            w.outputStartTime(start);
            w.setBaseTime(start);
            w.outputLegend();
            w.outputIntervalHistogram(h);
            if (out.checkError()) {
                throw new java.io.IOException(file + ": write failed");
            }
        }
    }
}
