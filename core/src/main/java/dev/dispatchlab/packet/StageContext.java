package dev.dispatchlab.packet;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.CounterBlock;
import dev.dispatchlab.metrics.DropReason;
import org.jctools.queues.MpmcArrayQueue;

/**
 * What a stage needs from whoever runs it: the execution context's counters, its clock, and a small
 * integer {@link #slot()} that indexes per-context caches (the per-context JCA cipher objects of a
 * crypto session, for one). Stage code receives a context and never asks which dispatch model or
 * thread it runs on; the model creates one context per execution context (an interrupt thread, a
 * softint thread, a puller, a virtual worker) and passes it in.
 *
 * <p>Threading: a context is confined to one thread at a time (its counters are single-writer). A
 * model may move a context to another thread only with a happens-before edge between the two (a
 * queue handoff), as happens when a virtual thread moves between carriers.
 *
 * <p>Slots are taken from a fixed range {@code [0, MAX_SLOTS)} and given back on {@link #close()},
 * so per-slot caches stay bounded however many runs a process makes.
 */
public final class StageContext implements AutoCloseable {

    /** Upper bound on contexts alive at once; per-slot caches are arrays of this length. */
    public static final int MAX_SLOTS = 1024;

    private static final MpmcArrayQueue<Integer> FREE_SLOTS = new MpmcArrayQueue<>(MAX_SLOTS);

    static {
        for (int i = 0; i < MAX_SLOTS; i++) {
            FREE_SLOTS.offer(i);
        }
    }

    private final String name;
    private final int slot;
    private final CounterBlock counters;
    private final Clock clock;
    private boolean closed;
    private boolean batchWakeups;
    private final Wakeable[] pendingWakes = new Wakeable[8];
    private int pendingCount;

    /** Opens a context with a fresh counter block. */
    public StageContext(String name, Clock clock) {
        this(name, clock, new CounterBlock(name));
    }

    public StageContext(String name, Clock clock, CounterBlock counters) {
        Integer s = FREE_SLOTS.poll();
        if (s == null) {
            throw new IllegalStateException("more than " + MAX_SLOTS + " stage contexts open at once");
        }
        this.name = name;
        this.slot = s;
        this.clock = clock;
        this.counters = counters;
    }

    /** @return contexts open now, in the whole process: a run that gives back all of its own leaves this as it found it */
    public static int openCount() {
        return MAX_SLOTS - FREE_SLOTS.size();
    }

    public String name() {
        return name;
    }

    /** @return this context's index into per-context caches, in {@code [0, MAX_SLOTS)} */
    public int slot() {
        return slot;
    }

    public CounterBlock counters() {
        return counters;
    }

    public Clock clock() {
        return clock;
    }

    /** @return the clock's current time */
    public long now() {
        return clock.nanoTime();
    }

    /** Counts {@code reason} and releases {@code p}: the one way a stage drops a packet. */
    public void drop(PacketBuffer p, DropReason reason) {
        counters.drop(reason);
        p.release();
    }

    public void count(Counter c) {
        counters.inc(c);
    }

    public void count(Counter c, long n) {
        counters.add(c, n);
    }

    /**
     * Makes {@link #wakeAtEndOfPass} defer wakeups until {@link #endOfPass()}: for contexts that stand
     * for a kernel's interrupt or soft-interrupt context, whose wakeups of a user thread take effect
     * only when the handler's batch ends (a kernel does not switch away from a softint run to the
     * thread it just woke). Set by the context's owner before it runs.
     */
    public void batchWakeups(boolean on) {
        this.batchWakeups = on;
    }

    /**
     * Wakes {@code w} now, or, for a context that batches wakeups, once at the end of its current pass
     * (repeated requests for one target coalesce). Owner thread only; no allocation.
     */
    public void wakeAtEndOfPass(Wakeable w) {
        if (!batchWakeups) {
            w.wake();
            return;
        }
        for (int i = 0; i < pendingCount; i++) {
            if (pendingWakes[i] == w) {
                return;
            }
        }
        if (pendingCount == pendingWakes.length) {
            w.wake();
            return;
        }
        pendingWakes[pendingCount++] = w;
    }

    /** Performs the wakeups deferred during this pass. Owner thread only; call at the end of every pass. */
    public void endOfPass() {
        for (int i = 0; i < pendingCount; i++) {
            Wakeable w = pendingWakes[i];
            pendingWakes[i] = null;
            w.wake();
        }
        pendingCount = 0;
    }

    /** Gives the slot back. The context must not be used afterwards. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            FREE_SLOTS.offer(slot);
        }
    }

    @Override
    public String toString() {
        return "StageContext{" + name + ", slot=" + slot + '}';
    }
}
