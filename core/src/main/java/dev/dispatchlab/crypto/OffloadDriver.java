package dev.dispatchlab.crypto;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An emulated crypto accelerator, standing for a Broadcom 5822 or an Intel QAT: a bounded submission
 * ring, engine threads (device threads) that do the real cipher work, a completion ring, and a
 * coalesced completion interrupt. The package note draws it.
 *
 * <h2>Descriptors</h2>
 * The driver owns a fixed table of descriptors ({@link Slot}s), enough for a full submission ring,
 * a full completion ring and one in each engine's hand. A descriptor's state word, its stamp, is
 * {@code (incarnation << 2) | phase} with phases {@code FREE -> QUEUED -> RUNNING -> DONE -> FREE},
 * and the incarnation grows each time the descriptor is freed. Whoever moves a descriptor out of
 * {@code QUEUED} by compare-and-set owns its completion: an engine (to RUNNING), the watchdog (to
 * DONE with TIMEOUT), a session teardown (DONE with SESSION_CLOSED) or shutdown (DONE with
 * ENGINE_FAILURE). Everyone else's compare-and-set fails, which is what makes completion exactly
 * once: a late engine finds the stamp moved on and discards its work. A descriptor enters the
 * completion ring only from its one owner and is freed only by the drain, so a submission-ring
 * entry may be stale (its request already completed) and is then skipped.
 *
 * <p>Requests the engine has started (RUNNING) are never timed out: the engine is writing the
 * packet, and handing it to a continuation at that moment would give two owners one buffer. The
 * emulated latency is therefore spent before the claim, where a timeout can still win cleanly.
 *
 * <h2>Emulated time</h2>
 * An engine starts a request no earlier than the end of its previous one, spends
 * {@code bytes / engineBytesPerSecond} on it, and finishes no earlier than submit time plus
 * {@code requestLatencyNanos} (the PCI round trip, overlapped with other requests as on a real
 * pipelined card). Then it does the real JCA work with its own transform. Waits below 25 us busy-spin,
 * below 100 us they {@link Thread#yield()} (a timed park overshoots by ~50 us on Linux), longer ones park.
 *
 * <h2>Completion interrupt</h2>
 * After posting a completion an engine counts it as unsignalled; the interrupt fires once
 * {@code coalesceCount} are unsignalled or {@code coalesceNanos} after the first. Firing means
 * {@link InterruptLine#raise()} on the connected line, or, with none connected, running
 * {@link #drainCompletions} in the engine thread itself. Interrupts are always raised by engine
 * threads; the watchdog and session teardown ask an engine to raise one ({@code kick}).
 *
 * <h2>Threading</h2>
 * Submitters: any number of threads. Engines: the device threads made by the injected factory, each
 * with its own {@link StageContext} (hence its own transform slot and ledger row). Drain: any
 * thread, one at a time (a try-lock; a loser returns 0 and the winner re-checks the ring before it
 * leaves, so no completion is stranded).
 */
public final class OffloadDriver implements CryptoDriver {

    private static final int FREE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;
    private static final int DONE = 3;

    /** Completions taken off the ring per delivery pass: bounds the drain's scratch arrays. */
    static final int DRAIN_CHUNK = 64;
    /** Below this an engine waits by yielding: a timed park would overshoot by the timer slack. */
    private static final long SHORT_WAIT_NANOS = 100_000;
    /**
     * Below this an engine busy-spins: a yield on a loaded machine can hand the CPU away for a whole
     * scheduler slice (milliseconds), a thousand times the wait.
     */
    private static final long SPIN_WAIT_NANOS = 25_000;
    /** How often a stalled engine looks at its fault flag and at pending interrupts. */
    private static final long FAULT_POLL_NANOS = 1_000_000;

    /** A descriptor: one request's place in the emulated card. */
    static final class Slot {
        private static final VarHandle STAMP;

        static {
            try {
                STAMP = MethodHandles.lookup().findVarHandle(Slot.class, "stamp", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int index;
        /** {@code (incarnation << 2) | phase}; see the class note. */
        volatile long stamp;
        // Written by the submitter before the stamp goes QUEUED, read by others after reading that stamp.
        CryptoRequest request;
        long submitAt;
        long deadline;
        int bytes;

        Slot(int index) {
            this.index = index;
        }

        boolean cas(long expect, long update) {
            return STAMP.compareAndSet(this, expect, update);
        }

        void release(long value) {
            STAMP.setRelease(this, value);
        }
    }

    static int phase(long stamp) {
        return (int) (stamp & 3);
    }

    static long withPhase(long stamp, int phase) {
        return (stamp & ~3L) | phase;
    }

    static long nextIncarnation(long stamp) {
        return ((stamp >>> 2) + 1) << 2; // FREE, one incarnation on
    }

    private final String name;
    private final OffloadConfig oc;
    private final Clock clock;
    private final ThreadFactory threadFactory;
    private final boolean timed;
    private final DriverLedger ledger;
    private final Slot[] slots;
    private final MpmcArrayQueue<Slot> free;
    private final MpmcArrayQueue<Slot> submissions;
    private final MpscArrayQueue<Slot> completions;
    private final Engine[] engines;
    private final Thread watchdog;
    private final EngineFaults faults;

    private volatile InterruptLine line;
    private final AtomicInteger unsignalled = new AtomicInteger();
    private volatile long firstUnsignalledAt;
    private final AtomicBoolean interruptWanted = new AtomicBoolean();

    private final AtomicBoolean draining = new AtomicBoolean();
    private final CryptoRequest[] drainBatch = new CryptoRequest[DRAIN_CHUNK]; // guarded by draining
    private final CryptoRequest[] drainGroup = new CryptoRequest[DRAIN_CHUNK]; // guarded by draining

    private volatile boolean running = true;
    private volatile boolean closed;
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private volatile Throwable deviceFailure;

    /** Builds the driver and starts its engine (and watchdog) threads through the config's thread factory. */
    public OffloadDriver(CryptoDriverConfig config) {
        this("offload", config);
    }

    OffloadDriver(String name, CryptoDriverConfig config) {
        this.name = name;
        this.oc = config.offload();
        this.clock = config.clock();
        this.threadFactory = config.threadFactory();
        this.timed = config.recordLatency();
        this.ledger = new DriverLedger(name, clock, timed);
        int count = oc.submissionRingSize() + oc.completionRingSize() + oc.engines();
        this.slots = new Slot[count];
        this.free = new MpmcArrayQueue<>(count);
        for (int i = 0; i < count; i++) {
            slots[i] = new Slot(i);
            free.offer(slots[i]);
        }
        this.submissions = new MpmcArrayQueue<>(oc.submissionRingSize());
        // Room for every descriptor, so that posting a completion can never fail; the configured
        // completion ring size is enforced as a threshold on the engines only (see post).
        this.completions = new MpscArrayQueue<>(count);
        this.faults = new EngineFaults(this::wakeAll);
        this.engines = new Engine[oc.engines()];
        for (int i = 0; i < engines.length; i++) {
            engines[i] = new Engine(i, name + "-engine-" + i);
        }
        for (Engine e : engines) {
            e.thread = newThread(e, e.threadName);
        }
        this.watchdog = oc.watchdogPeriodNanos() > 0 ? newThread(this::watchdogLoop, name + "-watchdog") : null;
        for (Engine e : engines) {
            e.thread.start();
        }
        if (watchdog != null) {
            watchdog.start();
        }
    }

    /** Makes a device thread through the injected factory (the runtime's registers it as a DEVICE thread). */
    private Thread newThread(Runnable body, String threadName) {
        Thread t = threadFactory.newThread(body);
        if (t == null) {
            throw new IllegalStateException("the thread factory refused to make " + threadName);
        }
        t.setName(threadName);
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    // ---- submission ----------------------------------------------------------------------------

    @Override
    public void submit(CryptoRequest r, StageContext submitter) {
        DriverLedger.Row row = ledger.row(submitter);
        DriverLedger.inc(row, CryptoCounter.SUBMIT_CALLS);
        if (enqueue(r, submitter, row)) {
            doorbell(1, submitter, row);
        } else {
            refuse(r, submitter, row);
        }
    }

    @Override
    public void submitBatch(CryptoRequest[] batch, int count, StageContext submitter) {
        DriverLedger.Row row = ledger.row(submitter);
        DriverLedger.inc(row, CryptoCounter.SUBMIT_CALLS);
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            if (enqueue(batch[i], submitter, row)) {
                accepted++;
            } else {
                refuse(batch[i], submitter, row);
            }
        }
        if (accepted > 0) {
            doorbell(accepted, submitter, row);
        }
    }

    /**
     * Puts {@code r} on the submission ring without ringing the doorbell. On refusal (ring full, no
     * descriptor, driver closed) nothing about {@code r} has changed and nothing was counted.
     *
     * @return true if the driver now owns the request (it will complete it exactly once)
     */
    boolean enqueue(CryptoRequest r, StageContext ctx, DriverLedger.Row row) {
        if (closed) {
            return false;
        }
        long now = clock.nanoTime();
        r.beginSubmit(now); // throws for a request already in flight, before anything is taken
        CryptoSession session = r.session(); // read now: once queued, r may complete and be re-described
        Slot s = free.poll();
        if (s == null) {
            r.abortSubmit();
            return false;
        }
        s.request = r;
        s.submitAt = now;
        s.deadline = oc.timeoutNanos() == 0 ? Long.MAX_VALUE : now + oc.timeoutNanos();
        s.bytes = r.payloadLength();
        long queued = withPhase(s.stamp, QUEUED);
        s.stamp = queued; // volatile: ordered before the closed re-check below (see shutdown)
        if (!submissions.offer(s)) {
            if (s.cas(queued, nextIncarnation(queued))) {
                s.request = null;
                free.offer(s);
                r.abortSubmit();
                return false;
            }
            // The watchdog, a session teardown or shutdown claimed it in the window: it completes through the ring.
        }
        DriverLedger.submitted(row, session);
        ledger.highWater(submissions.size());
        ctx.count(Counter.HANDOFF);
        if (closed && s.cas(queued, withPhase(queued, DONE))) {
            // shutdown began while we queued and may have swept before our descriptor was visible: finish it here
            r.status(CryptoStatus.ENGINE_FAILURE);
            DriverLedger.inc(row, CryptoCounter.SHUTDOWN_CANCELLED);
            deliverDirect(r, ctx, row);
        }
        return true;
    }

    /** Completes a request the driver would not take: QUEUE_FULL, or ENGINE_FAILURE after shutdown. In the submitter. */
    void refuse(CryptoRequest r, StageContext ctx, DriverLedger.Row row) {
        r.beginSubmit(clock.nanoTime());
        DriverLedger.submitted(row, r.session());
        if (closed) {
            r.status(CryptoStatus.ENGINE_FAILURE);
        } else {
            r.status(CryptoStatus.QUEUE_FULL);
            ctx.count(Counter.QUEUE_FULL);
        }
        DriverLedger.completed(row, r, r.submitNanos(), false);
        r.markDone();
        r.target().complete(r, ctx);
    }

    private void deliverDirect(CryptoRequest r, StageContext ctx, DriverLedger.Row row) {
        DriverLedger.completed(row, r, clock.nanoTime(), timed);
        r.markDone();
        r.target().complete(r, ctx);
    }

    /**
     * Tells the engines that {@code requests} descriptors wait: an engine spinning idle will take one
     * by itself; beyond those, parked engines are unparked, up to {@code requests}. Busy engines are
     * left alone, so a second engine is woken while the first is working.
     */
    void doorbell(int requests, StageContext ctx, DriverLedger.Row row) {
        int toWake = Math.min(requests, engines.length);
        for (int i = 0; i < engines.length && toWake > 0; i++) {
            Engine e = engines[i];
            int st = e.state.get();
            if (st == Engine.SPINNING) {
                toWake--; // it polls the ring again before it parks
            } else if (st == Engine.PARKED && e.state.compareAndSet(Engine.PARKED, Engine.BUSY)) {
                LockSupport.unpark(e.thread);
                DriverLedger.inc(row, CryptoCounter.ENGINE_WAKEUPS);
                ctx.count(Counter.WAKEUP);
                toWake--;
            }
        }
    }

    DriverLedger.Row ledgerRow(StageContext ctx) {
        return ledger.row(ctx);
    }

    /** @return true once {@link #shutdown} has begun: submissions are refused from then on */
    public boolean isShutDown() {
        return closed;
    }

    /** @return descriptors waiting on the submission ring (a racy hint; stale entries included) */
    public int queueDepth() {
        return submissions.size();
    }

    OffloadConfig config() {
        return oc;
    }

    /** @return the fault-injection hooks (tests and demonstration runs) */
    public EngineFaults faults() {
        return faults;
    }

    // ---- completion ------------------------------------------------------------------------------

    @Override
    public boolean hasCompletionInterrupt() {
        return true;
    }

    @Override
    public void connectInterrupt(InterruptLine line) {
        this.line = line;
        if (unsignalled.get() > 0) {
            kick(); // completions waiting under the old arrangement: signal them under the new one
        }
    }

    @Override
    public boolean completionsPending() {
        return !completions.isEmpty();
    }

    /**
     * The completion interrupt handler. Calling context: whatever the runtime chose for its handler
     * (or an engine thread when no line is connected). Never blocks; safe to call concurrently (one
     * caller drains, the others return 0).
     */
    @Override
    public int drainCompletions(StageContext ctx, int budget) {
        int total = 0;
        boolean ran = false;
        while (total < budget && draining.compareAndSet(false, true)) {
            ran = true;
            try {
                total += drainLocked(ctx, budget - total);
            } finally {
                draining.set(false);
            }
            // re-check after unlocking: a completion posted while another caller was turned away is ours to take
            if (completions.isEmpty()) {
                break;
            }
        }
        if (ran) {
            DriverLedger.Row row = ledger.row(ctx);
            if (total == 0) {
                DriverLedger.inc(row, CryptoCounter.EMPTY_DRAINS);
            } else {
                DriverLedger.inc(row, CryptoCounter.DRAIN_RUNS);
                if (total >= budget && !completions.isEmpty()) {
                    DriverLedger.inc(row, CryptoCounter.DRAIN_BUDGET_EXHAUSTED);
                }
            }
        }
        return total;
    }

    private int drainLocked(StageContext ctx, int budget) {
        DriverLedger.Row row = ledger.row(ctx);
        RuntimeException failure = null;
        int delivered = 0;
        while (delivered < budget) {
            int limit = Math.min(DRAIN_CHUNK, budget - delivered);
            long now = timed ? clock.nanoTime() : 0;
            int k = 0;
            Slot s;
            while (k < limit && (s = completions.poll()) != null) {
                CryptoRequest r = s.request;
                s.request = null;
                s.release(nextIncarnation(s.stamp));
                free.offer(s); // the descriptor is free before the continuation runs: a resubmit can reuse it
                DriverLedger.completed(row, r, now, timed);
                drainBatch[k++] = r;
            }
            if (k == 0) {
                break;
            }
            DriverLedger.add(row, CryptoCounter.DRAINED, k);
            ctx.count(Counter.HANDOFF, k);
            failure = deliver(k, ctx, row, failure);
            delivered += k;
        }
        if (failure != null) {
            throw failure;
        }
        return delivered;
    }

    /**
     * Hands {@code drainBatch[0, k)} to their targets, one {@code completeBatch} per distinct target,
     * preserving order within a target. Keeps delivering past a throwing target.
     */
    private RuntimeException deliver(int k, StageContext ctx, DriverLedger.Row row, RuntimeException failure) {
        int remaining = k;
        while (remaining > 0) {
            CompletionTarget t = drainBatch[0].target();
            int m = 0;
            int rest = 0;
            for (int i = 0; i < remaining; i++) {
                CryptoRequest r = drainBatch[i];
                if (r.target() == t) {
                    drainGroup[m++] = r;
                } else {
                    drainBatch[rest++] = r;
                }
            }
            for (int i = rest; i < remaining; i++) {
                drainBatch[i] = null;
            }
            remaining = rest;
            for (int i = 0; i < m; i++) {
                drainGroup[i].markDone();
            }
            DriverLedger.inc(row, CryptoCounter.TARGET_BATCHES);
            try {
                t.completeBatch(drainGroup, 0, m, ctx);
            } catch (RuntimeException e) {
                DriverLedger.inc(row, CryptoCounter.CONTINUATION_FAILURES);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            for (int i = 0; i < m; i++) {
                drainGroup[i] = null;
            }
        }
        return failure;
    }

    /** Counts {@code n} posted completions; @return true when they make the coalesced interrupt due. */
    private boolean noteCompletions(int n) {
        int u = unsignalled.addAndGet(n);
        if (u == n) {
            // first of a new coalescing window; benign race: a concurrent fire may make this window one completion short
            firstUnsignalledAt = clock.nanoTime();
        }
        return u >= oc.coalesceCount() || oc.coalesceNanos() == 0;
    }

    /** @return true if unsignalled completions have waited the coalescing time */
    private boolean timerDue() {
        return unsignalled.get() > 0 && clock.nanoTime() - firstUnsignalledAt >= oc.coalesceNanos();
    }

    /** Fires the completion interrupt for every unsignalled completion. Engine threads only. */
    private void fire(StageContext ctx) {
        int n = unsignalled.getAndSet(0);
        if (n == 0) {
            return;
        }
        DriverLedger.Row row = ledger.row(ctx);
        DriverLedger.inc(row, CryptoCounter.INTERRUPTS);
        DriverLedger.add(row, CryptoCounter.COALESCED_COMPLETIONS, n - 1);
        InterruptLine l = line;
        if (l != null) {
            l.raise();
        } else {
            selfDrain(ctx);
        }
    }

    /** No line connected: the engine runs the handler itself, the "device thread as interrupt context" default. */
    private void selfDrain(StageContext ctx) {
        int budget = oc.completionRingSize();
        while (drainCompletions(ctx, budget) == budget) {
            // keep going: budget-limited only so that one call stays bounded
        }
    }

    /** Asks an engine to fire the interrupt now: from contexts that must not raise it themselves. Any thread. */
    private void kick() {
        interruptWanted.set(true);
        wakeAll();
    }

    private void wakeAll() {
        for (Engine e : engines) {
            if (e.thread != null) {
                LockSupport.unpark(e.thread);
            }
        }
    }

    // ---- watchdog, session teardown, shutdown -------------------------------------------------------

    /**
     * Completes with TIMEOUT (or SESSION_CLOSED, if the session has meanwhile closed) every request
     * whose deadline has passed without an engine starting it, and asks an engine to signal them.
     * Called by the watchdog thread every {@code watchdogPeriodNanos}; tests with a manual clock call
     * it themselves. Any thread.
     *
     * @param ctx the caller's context, for counting only
     * @return the requests expired
     */
    public int expireOverdue(StageContext ctx) {
        long now = clock.nanoTime();
        int n = 0;
        for (Slot s : slots) {
            long st = s.stamp;
            if (phase(st) != QUEUED || s.deadline > now) {
                continue;
            }
            if (!s.cas(st, withPhase(st, DONE))) {
                continue; // an engine claimed it, or it was recycled since we read the stamp
            }
            CryptoRequest r = s.request;
            r.status(r.session().isClosed() ? CryptoStatus.SESSION_CLOSED : CryptoStatus.TIMEOUT);
            postUnbounded(s);
            n++;
        }
        if (n > 0) {
            ledger.add(ctx, CryptoCounter.WATCHDOG_EXPIRED, n);
            noteCompletions(n);
            kick(); // timeouts are signalled at once, not coalesced
        } else if (timerDue()) {
            kick(); // an engine that owes a coalesced interrupt is stuck (stalled, or all parked)
        }
        return n;
    }

    private void watchdogLoop() {
        try (StageContext ctx = new StageContext(name + "-watchdog", clock)) {
            while (running) {
                LockSupport.parkNanos(this, oc.watchdogPeriodNanos());
                if (running) {
                    expireOverdue(ctx);
                }
            }
        } catch (Throwable t) {
            deviceFailure = t;
            throw t;
        }
    }

    /** Completes this session's queued requests with SESSION_CLOSED and asks an engine to signal them. Any thread. */
    @Override
    public void sessionClosed(CryptoSession session) {
        int n = 0;
        for (Slot s : slots) {
            long st = s.stamp;
            if (phase(st) != QUEUED) {
                continue;
            }
            CryptoRequest r = s.request; // racy read, validated by the compare-and-set below
            if (r == null || r.session() != session || !s.cas(st, withPhase(st, DONE))) {
                continue;
            }
            r.status(CryptoStatus.SESSION_CLOSED);
            postUnbounded(s);
            n++;
        }
        if (n > 0) {
            ledger.countShared(CryptoCounter.SESSION_CANCELLED, n);
            noteCompletions(n);
            kick();
        }
    }

    /** Posts a descriptor its poster owns, ignoring the configured limit (the ring has room for every descriptor). */
    private void postUnbounded(Slot s) {
        boolean posted = completions.offer(s);
        assert posted : "completion ring smaller than the descriptor table: " + completions.capacity() + " < " + slots.length;
    }

    /**
     * Stops the engines and the watchdog, completes every queued request with ENGINE_FAILURE and
     * delivers everything still on the completion ring in {@code ctx}. Requests submitted from now on
     * are refused with ENGINE_FAILURE. Idempotent; must not be called from a continuation running in
     * an engine thread while other engines are busy with it (it joins them).
     */
    @Override
    public void shutdown(StageContext ctx) {
        if (!shutdownStarted.compareAndSet(false, true)) {
            return;
        }
        closed = true; // volatile: a submitter that still sees false has its descriptor visible to the sweep below
        running = false;
        wakeAll();
        if (watchdog != null) {
            LockSupport.unpark(watchdog);
        }
        for (Engine e : engines) {
            joinUninterruptibly(e.thread);
        }
        joinUninterruptibly(watchdog);
        int n = 0;
        for (Slot s : slots) {
            long st = s.stamp;
            if (phase(st) == QUEUED && s.cas(st, withPhase(st, DONE))) {
                s.request.status(CryptoStatus.ENGINE_FAILURE);
                postUnbounded(s);
                n++;
            }
        }
        if (n > 0) {
            ledger.add(ctx, CryptoCounter.SHUTDOWN_CANCELLED, n);
        }
        unsignalled.set(0);
        while (drainCompletions(ctx, Integer.MAX_VALUE) > 0 || !completions.isEmpty() || draining.get()) {
            Thread.yield(); // a runtime handler may still be draining; wait for it to finish
        }
    }

    private static void joinUninterruptibly(Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try (StageContext ctx = new StageContext(name + "-close", clock)) {
            shutdown(ctx);
        }
    }

    /** @return the exception that killed an engine or the watchdog, or null (a bug if ever non-null) */
    public Throwable deviceFailure() {
        return deviceFailure;
    }

    // ---- statistics -------------------------------------------------------------------------------

    @Override
    public CryptoStatsSnapshot stats() {
        Map<String, Object> settings = new LinkedHashMap<>(oc.describe());
        settings.put("interrupt", line == null ? "handler in engine thread" : "line connected");
        settings.put("queueDepthNow", submissions.size());
        settings.put("recordLatency", timed);
        return ledger.snapshot(settings, List.of());
    }

    @Override
    public String toString() {
        return "OffloadDriver{" + name + ", engines=" + engines.length + ", ring=" + oc.submissionRingSize() + '}';
    }

    // ---- the engine ------------------------------------------------------------------------------------

    /** One crypto core: a device thread that takes descriptors, waits out emulated time, does the work, posts. */
    private final class Engine implements Runnable {
        final int id;
        final String threadName;
        static final int BUSY = 0;
        static final int SPINNING = 1;
        static final int PARKED = 2;
        /** BUSY, SPINNING (idle, polling) or PARKED; a doorbell moves PARKED to BUSY when it unparks. */
        final AtomicInteger state = new AtomicInteger(BUSY);
        Thread thread;
        StageContext ctx; // engine thread only
        long freeAt;      // engine thread only: when the core finishes its current work, in emulated time

        Engine(int id, String threadName) {
            this.id = id;
            this.threadName = threadName;
        }

        @Override
        public void run() {
            ctx = new StageContext(threadName, clock);
            try {
                while (running) {
                    serviceInterrupt();
                    Slot s = submissions.poll();
                    if (s == null) {
                        idle();
                    } else {
                        serve(s);
                    }
                }
            } catch (Throwable t) {
                deviceFailure = t;
                throw t;
            } finally {
                ctx.close();
            }
        }

        /** Fires the interrupt if someone asked for it or the coalescing timer is due. */
        private void serviceInterrupt() {
            if ((interruptWanted.get() && interruptWanted.getAndSet(false)) || timerDue()) {
                fire(ctx);
            }
        }

        private void serve(Slot s) {
            long stamp = s.stamp; // read at take-over: a later change of it means someone else completed the request
            if (phase(stamp) != QUEUED) {
                ledger.count(ctx, CryptoCounter.STALE_DESCRIPTORS);
                return;
            }
            if (faults.stalled()) {
                holdStalled();
                if (!running) {
                    return; // shutting down: leave it QUEUED for shutdown's sweep
                }
            }
            emulate(s.submitAt, s.bytes); // racy reads if the descriptor was recycled: they only shape timing
            if (!s.cas(stamp, withPhase(stamp, RUNNING))) {
                ledger.count(ctx, CryptoCounter.LATE_COMPLETIONS_DISCARDED);
                return;
            }
            CryptoRequest r = s.request;
            CryptoSession session = r.session();
            if (session.isClosed()) {
                r.status(CryptoStatus.SESSION_CLOSED);
            } else if (faults.takeFailure()) {
                r.status(CryptoStatus.ENGINE_FAILURE);
            } else {
                session.transform(ctx.slot()).process(r);
            }
            DriverLedger.Row row = ledger.row(ctx);
            DriverLedger.inc(row, CryptoCounter.ENGINE_REQUESTS);
            DriverLedger.add(row, CryptoCounter.ENGINE_BYTES, r.payloadLength());
            s.release(withPhase(stamp, DONE));
            post(s);
            if (noteCompletions(1)) {
                fire(ctx);
            }
        }

        /** The stall fault: hold the descriptor, unstarted, until resumed; keep raising interrupts meanwhile. */
        private void holdStalled() {
            faults.enterHold();
            try {
                while (faults.stalled() && running) {
                    serviceInterrupt();
                    LockSupport.parkNanos(this, FAULT_POLL_NANOS);
                }
            } finally {
                faults.leaveHold();
            }
        }

        /** Waits out the emulated PCI round trip and engine speed for a request of {@code bytes}. */
        private void emulate(long submitAt, int bytes) {
            long latency = oc.requestLatencyNanos();
            long bps = oc.engineBytesPerSecond();
            if (latency == 0 && bps == 0) {
                return;
            }
            long now = clock.nanoTime();
            long work = bps == 0 ? 0 : bytes * 1_000_000_000L / bps;
            long start = Math.max(now, freeAt);
            freeAt = start + work;
            waitUntil(Math.max(freeAt, submitAt + latency));
        }

        private void waitUntil(long due) {
            long left;
            while (running && (left = due - clock.nanoTime()) > 0) {
                // the card signals completions (watchdog timeouts above all) while a core is busy: a
                // starved engine must not hold back the interrupt for requests it will never start
                serviceInterrupt();
                if (left > SHORT_WAIT_NANOS) {
                    LockSupport.parkNanos(this, left - SHORT_WAIT_NANOS / 2);
                } else if (left > SPIN_WAIT_NANOS) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        /** Posts a completion, waiting (as a card does) while the host leaves the completion ring at its limit. */
        private void post(Slot s) {
            while (!completions.offerIfBelowThreshold(s, oc.completionRingSize())) {
                if (!running) {
                    postUnbounded(s); // shutting down: the drain in shutdown takes it
                    return;
                }
                ledger.count(ctx, CryptoCounter.COMPLETION_RING_FULL);
                if (line == null) {
                    selfDrain(ctx); // returns at once if another engine is draining ...
                } else {
                    fire(ctx);
                }
                Thread.yield();     // ... so let that engine (or the runtime's handler) run rather than spin

            }
        }

        /** Nothing to do: spin briefly, then park until a doorbell, a kick, or the coalescing timer. */
        private void idle() {
            state.set(SPINNING);
            for (int i = oc.engineIdleSpins(); i > 0; i--) {
                if (!submissions.isEmpty() || !running || interruptWanted.get()) {
                    state.set(BUSY);
                    return;
                }
                Thread.onSpinWait();
            }
            long parkFor = 0; // 0: until unparked
            if (unsignalled.get() > 0) {
                long left = firstUnsignalledAt + oc.coalesceNanos() - clock.nanoTime();
                if (left <= SHORT_WAIT_NANOS) {
                    state.set(BUSY);
                    if (left <= 0) {
                        fire(ctx);
                    } else if (left > SPIN_WAIT_NANOS) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                    return;
                }
                parkFor = left - SHORT_WAIT_NANOS / 2;
            }
            state.set(PARKED);
            // re-check after publishing PARKED: a doorbell either sees PARKED, or we see its descriptor
            if (submissions.isEmpty() && running && !interruptWanted.get()) {
                if (parkFor == 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, parkFor);
                }
            }
            state.set(BUSY);
        }
    }
}
