package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.StageContext;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The books a driver keeps: its {@link CryptoCounter}s, completions by {@link CryptoStatus}, the
 * submission queue's high-water mark and the submit-to-completion histogram.
 *
 * <h2>High level design</h2>
 * Counting must cost next to nothing on the request path and must not make submitters on different
 * CPUs fight over one cache line. So counts are kept per execution context: one {@link Row} per
 * {@link StageContext#slot() context slot}, created the first time that context counts here, written
 * only by the context that owns the slot (single writer, opaque increments, no lock prefix, as in
 * {@code CounterBlock}), and summed by {@link #snapshot} with opaque reads. Latency goes into a
 * {@link SingleWriterRecorder} per row, which its writer records into wait-free and a reader swaps
 * out safely; the snapshot accumulates the intervals into one total histogram.
 *
 * <p>The few events counted where no context is at hand (a session torn down by a management
 * thread) go to a small shared atomic array.
 *
 * <p>Latency is recorded when the completion is delivered, from the submit stamp; refused requests
 * are not recorded. It is not corrected for coordinated omission: a submitter that was itself late
 * submits late and the histogram does not know. The histogram keeps 2 significant digits (1 %)
 * up to 10 s, which keeps a row's recorder near 60 KB.
 *
 * <p>Threading: {@link #row} and the row methods from the owning context only; {@link #snapshot}
 * from any thread (serialised on this ledger).
 */
final class DriverLedger {

    static final long LATENCY_MAX_NANOS = 10_000_000_000L;
    static final int LATENCY_DIGITS = 2;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ROWS = MethodHandles.arrayElementVarHandle(Row[].class);
    private static final VarHandle HIGH_WATER;

    static {
        try {
            HIGH_WATER = MethodHandles.lookup().findVarHandle(DriverLedger.class, "queueHighWater", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One context's counts; written by that context only. */
    static final class Row {
        final long[] events = new long[CryptoCounter.count()];
        final long[] completed = new long[CryptoStatus.count()];
        final SingleWriterRecorder latency;
        /** The context slot this row counts for. */
        final int slot;
        Histogram recycle; // snapshot only, guarded by the ledger
        private int sampleCountdown; // writer only

        /** @return true for one call in {@code every}: whether to time this request. Writer only. */
        boolean sampleDue(int every) {
            if (--sampleCountdown > 0) {
                return false;
            }
            sampleCountdown = every;
            return true;
        }

        Row(boolean recordLatency, int slot) {
            this.slot = slot;
            latency = recordLatency ? new SingleWriterRecorder(1, LATENCY_MAX_NANOS, LATENCY_DIGITS) : null;
        }
    }

    private final String owner;
    private final Clock clock;
    private final boolean recordLatency;
    private final Row[] rows = new Row[StageContext.MAX_SLOTS];
    private final AtomicLongArray shared = new AtomicLongArray(CryptoCounter.count());
    @SuppressWarnings("unused") // accessed through HIGH_WATER
    private volatile long queueHighWater;
    private Histogram latencyTotal; // guarded by this

    DriverLedger(String owner, Clock clock, boolean recordLatency) {
        this.owner = owner;
        this.clock = clock;
        this.recordLatency = recordLatency;
    }

    String owner() {
        return owner;
    }

    Clock clock() {
        return clock;
    }

    boolean recordsLatency() {
        return recordLatency;
    }

    /** @return the calling context's row, created on its first use. Owner of {@code ctx} only. */
    Row row(StageContext ctx) {
        int slot = ctx.slot();
        Row r = rows[slot]; // plain: only this slot's owner writes it, and slots move between threads with a happens-before edge
        if (r == null) {
            r = new Row(recordLatency, slot);
            ROWS.setRelease(rows, slot, r); // release: a snapshot reader sees a fully built row
        }
        return r;
    }

    static void inc(Row row, CryptoCounter c) {
        int i = c.ordinal();
        LONGS.setOpaque(row.events, i, (long) LONGS.getOpaque(row.events, i) + 1);
    }

    static void add(Row row, CryptoCounter c, long n) {
        int i = c.ordinal();
        LONGS.setOpaque(row.events, i, (long) LONGS.getOpaque(row.events, i) + n);
    }

    void count(StageContext ctx, CryptoCounter c) {
        inc(row(ctx), c);
    }

    void add(StageContext ctx, CryptoCounter c, long n) {
        add(row(ctx), c, n);
    }

    /** Counts an event where no context is at hand; any thread. */
    void countShared(CryptoCounter c, long n) {
        shared.addAndGet(c.ordinal(), n);
    }

    /**
     * A request entered the driver: counted on the driver and on its session. Takes the session, not
     * the request: once a request is queued it may complete and be re-described before this runs.
     */
    static void submitted(Row row, CryptoSession session) {
        inc(row, CryptoCounter.SUBMITTED);
        session.counters().submitted();
    }

    /**
     * A request completed with its current status: counted on the driver and its session, stamped,
     * and (when {@code timed}) its submit-to-completion time recorded.
     */
    static void completed(Row row, CryptoRequest r, long now, boolean timed) {
        CryptoStatus s = r.status();
        int i = s.ordinal();
        LONGS.setOpaque(row.completed, i, (long) LONGS.getOpaque(row.completed, i) + 1);
        r.session().counters().completed(s);
        r.completeNanos(now);
        if (timed && row.latency != null) {
            long t = now - r.submitNanos();
            row.latency.recordValue(t < 0 ? 0 : Math.min(t, LATENCY_MAX_NANOS));
        }
    }

    /**
     * A request submitted and completed within one call (the software path): counted as submitted
     * and completed on the driver and its session, with one striped add on the session instead of two.
     */
    static void submittedAndCompleted(Row row, CryptoRequest r, long now, boolean timed) {
        CryptoStatus s = r.status();
        inc(row, CryptoCounter.SUBMITTED);
        int i = s.ordinal();
        LONGS.setOpaque(row.completed, i, (long) LONGS.getOpaque(row.completed, i) + 1);
        r.session().counters().submittedAndCompleted(s, row.slot);
        r.completeNanos(now);
        if (timed && row.latency != null) {
            long t = now - r.submitNanos();
            row.latency.recordValue(t < 0 ? 0 : Math.min(t, LATENCY_MAX_NANOS));
        }
    }

    /** Raises the submission-queue high-water mark to {@code depth} if it is higher; any thread. */
    void highWater(long depth) {
        long hw;
        while (depth > (hw = (long) HIGH_WATER.getOpaque(this))) {
            if (HIGH_WATER.compareAndSet(this, hw, depth)) {
                return;
            }
        }
    }

    long highWater() {
        return (long) HIGH_WATER.getOpaque(this);
    }

    /** @return the sum of {@code c} over every context; any thread */
    long total(CryptoCounter c) {
        long sum = shared.get(c.ordinal());
        for (int s = 0; s < rows.length; s++) {
            Row r = (Row) ROWS.getAcquire(rows, s);
            if (r != null) {
                sum += (long) LONGS.getOpaque(r.events, c.ordinal());
            }
        }
        return sum;
    }

    /** Sums every row into a snapshot; allocates (reporting only). Any thread. */
    synchronized CryptoStatsSnapshot snapshot(Map<String, Object> settings, List<CryptoStatsSnapshot> parts) {
        long[] events = new long[CryptoCounter.count()];
        long[] completed = new long[CryptoStatus.count()];
        for (int i = 0; i < events.length; i++) {
            events[i] = shared.get(i);
        }
        for (int s = 0; s < rows.length; s++) {
            Row r = (Row) ROWS.getAcquire(rows, s);
            if (r == null) {
                continue;
            }
            for (int i = 0; i < events.length; i++) {
                events[i] += (long) LONGS.getOpaque(r.events, i);
            }
            for (int i = 0; i < completed.length; i++) {
                completed[i] += (long) LONGS.getOpaque(r.completed, i);
            }
            if (r.latency != null) {
                r.recycle = r.latency.getIntervalHistogram(r.recycle);
                if (latencyTotal == null) {
                    latencyTotal = new Histogram(1, LATENCY_MAX_NANOS, LATENCY_DIGITS);
                }
                latencyTotal.add(r.recycle);
            }
        }
        long submitted = events[CryptoCounter.SUBMITTED.ordinal()];
        long done = 0;
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (CryptoStatus st : CryptoStatus.values()) {
            if (st != CryptoStatus.PENDING) {
                byStatus.put(st.label(), completed[st.ordinal()]);
                done += completed[st.ordinal()];
            }
        }
        Map<String, Long> ev = new LinkedHashMap<>();
        for (CryptoCounter c : CryptoCounter.values()) {
            if (events[c.ordinal()] != 0) {
                ev.put(c.label(), events[c.ordinal()]);
            }
        }
        long calls = events[CryptoCounter.SUBMIT_CALLS.ordinal()];
        long drains = events[CryptoCounter.DRAIN_RUNS.ordinal()];
        return new CryptoStatsSnapshot(owner, submitted, Math.max(0, submitted - done), byStatus, ev,
                calls == 0 ? 0 : (double) submitted / calls,
                drains == 0 ? 0 : (double) events[CryptoCounter.DRAINED.ordinal()] / drains,
                highWater(), recordLatency ? CryptoStatsSnapshot.Latency.of(latencyTotal) : null, settings, parts);
    }
}
