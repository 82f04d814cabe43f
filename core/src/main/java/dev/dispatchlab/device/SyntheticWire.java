package dev.dispatchlab.device;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The synthetic wire: a device thread that offers pre-built frames to a {@link Nic} at an
 * open-loop rate (arrivals never wait for the host), for a packet count or a duration.
 *
 * <pre>
 *   loop:  now = clock                                      one reading per burst
 *          every packet due by now (≤ maxBurst):            OFFERED
 *             its ring has no free descriptor ────────────► RX_RING_FULL (no buffer, no copy)
 *             buffer = pool.acquire ─ none ─► POOL_EXHAUSTED
 *             copy template bytes into it                   stands for the NIC's DMA into a posted buffer
 *             stamp arrival = now, flow hash, tag
 *             nic.receive ─ ring full ─► RX_RING_FULL
 *          nic.service(now)                                 one fence, coalesced interrupts raised here
 *          lag = now - due time of the burst's first packet
 *          wait until the next packet or coalescing timer is due (spin, or park if far off)
 * </pre>
 *
 * <h2>Time and lag</h2>
 * Packets are due at times drawn from the {@link ArrivalProcess} (a seeded generator for Poisson).
 * The clock is read once per burst, and every packet of a burst is stamped with that reading: its
 * actual arrival at the device. When the wire cannot keep up, bursts grow to {@code maxBurst} and
 * the lag between due and actual time grows; the {@link WireReport} says so (achieved beside
 * offered rate, maximum and final lag, {@code fellBehind}). Latency is measured from the stamped,
 * actual arrival: the wire's own lag is reported apart, not added to the host's latency (no
 * coordinated-omission correction at the device).
 *
 * <p>After the last packet the wire keeps servicing coalescing timers until none is pending, so the
 * last packets still get their interrupt.
 *
 * <p>Two ways to drive it: {@link #start()} runs the loop on a device thread (from the injected
 * factory) against the injected clock; {@link #begin(long)} and {@link #pump(long)} let a test (or
 * the simulator) step it by hand with a {@code ManualClock}.
 *
 * <p>Threading: the wire is the NIC's one producer; its stage context ({@code wire}: OFFERED and the
 * device drops) is written only by the thread that pumps it. Read {@link #report()} and the counters
 * after {@link #join}.
 */
public final class SyntheticWire implements AutoCloseable {

    private final Nic nic;
    private final PacketPool pool;
    private final FrameSource source;
    private final WireConfig config;
    private final Clock clock;
    private final ThreadFactory threads;
    private final StageContext stage;
    private final SplittableRandom random;
    private final double meanGap;

    private Thread thread;
    private volatile boolean stopping;
    private volatile boolean ended;
    private volatile Throwable failure;

    // ---- pump state (the pumping thread only) ----
    private boolean begun;
    private long startNanos;
    private double nextDue; // nanoseconds after start
    private long generated;
    private long placed;
    private long bursts;
    private long fullBursts;
    private long maxLag;
    private long lastLag;
    private long lastBurstNanos;
    private boolean generating;

    /**
     * @param threads the device thread's factory (the runtime's registers it as DEVICE)
     */
    public SyntheticWire(Nic nic, PacketPool pool, FrameSource source, WireConfig config, Clock clock,
                         ThreadFactory threads) {
        this.nic = nic;
        this.pool = pool;
        this.source = source;
        this.config = config;
        this.clock = clock;
        this.threads = threads;
        this.stage = new StageContext("wire", clock);
        this.random = new SplittableRandom(config.seed());
        this.meanGap = config.meanGapNanos();
        int room = pool.bufferSize() - pool.headroom();
        for (int i = 0; i < source.templates(); i++) {
            FrameTemplate t = source.template(i);
            if (t.length() > room) {
                throw new IllegalArgumentException("template does not fit a packet buffer: " + t + ", room=" + room);
            }
        }
    }

    // ---- stepping by hand ---------------------------------------------------------------------

    /** Starts the schedule: the first packet is due at {@code startNanos}. Once. */
    public void begin(long startNanos) {
        if (begun) {
            throw new IllegalStateException("wire already begun");
        }
        begun = true;
        generating = true;
        this.startNanos = startNanos;
        this.nextDue = 0;
    }

    /**
     * Places every packet due by {@code now} (at most maxBurst), then raises due interrupts.
     *
     * @return the number of packets generated by this call
     */
    public int pump(long now) {
        if (!begun) {
            throw new IllegalStateException("begin the wire first");
        }
        int k = 0;
        if (generating) {
            double firstDue = nextDue;
            int max = config.maxBurst();
            while (k < max && startNanos + (long) nextDue <= now) {
                if (!more()) {
                    generating = false;
                    break;
                }
                emit(now);
                nextDue += config.arrivals().gapNanos(meanGap, random);
                k++;
            }
            if (generating && !more()) {
                generating = false;
            }
            if (k > 0) {
                bursts++;
                lastBurstNanos = now;
                lastLag = now - (startNanos + (long) firstDue);
                maxLag = Math.max(maxLag, lastLag);
                if (k == max && generating && startNanos + (long) nextDue <= now) {
                    fullBursts++;
                }
            }
        }
        if (k > 0 || now >= nic.nextDeadline()) {
            nic.service(now);
        }
        return k;
    }

    private boolean more() {
        return (config.packets() == 0 || generated < config.packets())
                && (config.durationNanos() == 0 || nextDue < config.durationNanos());
    }

    private void emit(long now) {
        long n = generated++;
        stage.count(Counter.OFFERED);
        FrameTemplate t = source.template(source.select(n));
        if (!nic.hasRoom(t.flowHash())) {
            stage.counters().drop(DropReason.RX_RING_FULL); // no descriptor: dropped before any DMA
            return;
        }
        PacketBuffer p = pool.acquire();
        if (p == null) {
            stage.counters().drop(DropReason.POOL_EXHAUSTED);
            return;
        }
        byte[] bytes = t.bytes();
        p.append(bytes, 0, bytes.length); // the copy stands for the NIC's DMA into a posted buffer
        p.arrivalNanos(now);
        p.flowHash(t.flowHash());
        p.tag = t.tag();
        p.linkType(t.linkType());
        if (nic.receive(p, stage)) {
            placed++;
        }
    }

    /** @return true while packets remain to be generated */
    public boolean generating() {
        return generating;
    }

    /** @return when the next packet is due, or Long.MAX_VALUE once all are generated; pumping thread only */
    public long nextDueNanos() {
        return generating ? startNanos + (long) nextDue : Long.MAX_VALUE;
    }

    // ---- the device thread ----------------------------------------------------------------------

    /** Runs the wire on a device thread against the clock. Once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("wire started twice");
        }
        Thread t = threads.newThread(this::run);
        t.setName("wire");
        thread = t;
        t.start();
    }

    /** Gaps longer than this are waited out with {@link Thread#yield()} so other device threads can run. */
    static final long YIELD_THRESHOLD_NANOS = 2_000;

    private void run() {
        try {
            begin(clock.nanoTime());
            long park = config.parkThresholdNanos();
            for (;;) {
                if (stopping) {
                    generating = false; // no more packets; the coalescing timers still run out below
                }
                long now = clock.nanoTime();
                pump(now);
                long next = Math.min(nextDueNanos(), nic.nextDeadline());
                if (next == Long.MAX_VALUE) {
                    break; // all generated, no interrupt pending
                }
                long gap = next - now;
                if (gap > park) {
                    LockSupport.parkNanos(gap - park / 2);
                } else if (gap > YIELD_THRESHOLD_NANOS) {
                    // The device CPU is shared with other device threads (a crypto engine standing for a
                    // card): give them the CPU while waiting, instead of spinning them out of it.
                    Thread.yield();
                } else if (gap > 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            ended = true;
        }
    }

    /**
     * Stops generating at the next burst. Packets already placed stay on the rings, and their
     * coalescing timers still run out, so their interrupts are raised before the thread ends. Any thread.
     */
    public void stop() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** @return true if the device thread ended within {@code timeout} (or never started) */
    public boolean join(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        return t == null || t.join(timeout);
    }

    /** @return true once the device thread has ended */
    public boolean ended() {
        return ended;
    }

    public synchronized List<Thread> threads() {
        return thread == null ? List.of() : List.of(thread);
    }

    public Throwable failure() {
        return failure;
    }

    /** Stops, joins (10 s) and gives back the stage-context slot. */
    @Override
    public void close() {
        stop();
        boolean ended;
        try {
            ended = join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (ended) {
            stage.close(); // a thread still running keeps its slot: leaked, never shared
        }
    }

    // ---- results --------------------------------------------------------------------------------

    /** @return the wire's stage context (OFFERED, RX_RING_FULL, POOL_EXHAUSTED); exact after join */
    public StageContext stage() {
        return stage;
    }

    public WireConfig config() {
        return config;
    }

    /** @return what the wire did; after join (or, stepping by hand, on the pumping thread) */
    public WireReport report() {
        long elapsed = bursts == 0 ? 0 : lastBurstNanos - startNanos + (long) meanGap;
        double achieved = elapsed == 0 ? 0 : generated * 1e9 / elapsed;
        return new WireReport(config.seed(), config.arrivals(), config.ratePps(), achieved, generated, placed,
                stage.counters().get(DropReason.RX_RING_FULL), stage.counters().get(DropReason.POOL_EXHAUSTED),
                elapsed, bursts, fullBursts, maxLag, lastLag, maxLag > config.lagToleranceNanos());
    }

    @Override
    public String toString() {
        return "SyntheticWire{" + config + '}';
    }
}
