package dev.dispatchlab.sim;

import java.util.ArrayDeque;

/**
 * One simulated CPU. It does one step at a time and, between steps, chooses what runs next in three
 * bands, highest first:
 * <ol>
 * <li><b>hard interrupts</b>, in arrival order, on the interrupted context: no thread switch, the
 *     handler's cost plus the profile's {@code hard_interrupt} entry and exit;</li>
 * <li><b>fast soft interrupts</b> pending on this CPU, also on the borrowed context, paying
 *     {@code softint_dispatch} once per run;</li>
 * <li><b>threads</b>: the highest-priority runnable thread; a higher-priority thread that becomes
 *     runnable preempts the current one at its next step boundary (an involuntary switch), threads
 *     of equal priority take turns by quantum; a thread that has nothing to do sleeps (a voluntary
 *     switch). A thread switched in pays {@code context_switch}, plus, when a different thread ran
 *     last on this CPU, the locality cost ({@code switch_refill + window_spill_fill +
 *     tlb_misses_per_switch * tlb_refill}).</li>
 * </ol>
 * Costs a context runs up outside a step (a wakeup it performs) are {@linkplain #charge charged} and
 * paid before the CPU's next choice. Steps are not interrupted: an interrupt that arrives during a
 * step runs when the step ends, so a step (one packet's stage) is the granularity of preemption.
 *
 * <p>Threading: confined to its simulation's thread.
 */
public final class SimCpu {

    /** A hard interrupt handler: does its effects now and returns its cost beyond entry and exit (ps). */
    @FunctionalInterface
    public interface Irq {
        long handle(SimCpu cpu);
    }

    /** A fast soft interrupt: one step per call ({@link #work}); false when it has nothing left. */
    public interface FastSoftint {
        boolean step(SimCpu cpu, boolean first);
    }

    private final Simulation sim;
    private final Costs costs;
    private final String name;
    private final long quantum;
    private final ArrayDeque<Irq> irqs = new ArrayDeque<>();
    private final ArrayDeque<FastSoftint> softints = new ArrayDeque<>();
    private boolean softintEntered;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<SimThread>[] runq = new ArrayDeque[64];
    private int runnable;
    private SimThread current;
    private SimThread last;
    private boolean busy;
    private boolean kickPending;
    private boolean spinning;
    private long spinSince;
    private boolean quantumTimer;
    private long debt;
    private long busyPs;
    private long interruptPs;
    private long interrupts;
    private long softintRuns;
    private final Simulation.Event afterStep = this::stepDone;
    private Runnable pendingDone;

    /**
     * @param quantum picoseconds a thread runs before an equal-priority runnable thread gets the CPU
     */
    public SimCpu(Simulation sim, Costs costs, String name, long quantum) {
        this.sim = sim;
        this.costs = costs;
        this.name = name;
        this.quantum = quantum;
    }

    public String name() {
        return name;
    }

    public Costs costs() {
        return costs;
    }

    public Simulation sim() {
        return sim;
    }

    /**
     * Runs a step of {@code cost} picoseconds for whatever holds the CPU; {@code done} runs when it
     * ends. Exactly one call per step taken.
     */
    public void work(long cost, Runnable done) {
        if (busy) {
            throw new IllegalStateException(name + ": a step is already running");
        }
        busy = true;
        busyPs += cost;
        if (current != null && bandIsThread) {
            current.cpuPs += cost;
        } else {
            interruptPs += cost;
        }
        pendingDone = done;
        sim.after(cost, Simulation.Order.CPU, afterStep);
    }

    private boolean bandIsThread;

    private void stepDone() {
        busy = false;
        Runnable d = pendingDone;
        pendingDone = null;
        if (d != null) {
            d.run();
        }
        dispatch();
    }

    /** Adds {@code cost} picoseconds to pay before the CPU's next choice (a wakeup the context performed). */
    public void charge(long cost) {
        debt += cost;
        if (!busy && !kickPending) {
            kick();
        }
    }

    /** Raises a hard interrupt on this CPU. */
    public void interrupt(Irq irq) {
        irqs.add(irq);
        kick();
    }

    /** Marks a fast soft interrupt pending here; no-op if it already is. */
    public void scheduleSoftint(FastSoftint s) {
        if (!softints.contains(s)) {
            softints.add(s);
        }
        kick();
    }

    /** @return true if {@code s} is pending */
    public boolean softintPending(FastSoftint s) {
        return softints.contains(s);
    }

    /** Makes the CPU reconsider what runs (new work for a spinning or idle CPU). */
    public void kick() {
        if (busy || kickPending) {
            return;
        }
        endSpin();
        kickPending = true;
        sim.after(0, Simulation.Order.CPU, () -> {
            kickPending = false;
            if (!busy) {
                dispatch();
            }
        });
    }

    private void endSpin() {
        if (spinning) {
            long t = sim.now() - spinSince;
            busyPs += t;
            if (current != null) {
                current.cpuPs += t;
            }
            spinning = false;
        }
    }

    /** Brings spin time up to now into the CPU and thread counts (before reading them). */
    public void settle() {
        if (spinning) {
            endSpin();
            spinning = true;
            spinSince = sim.now();
        }
    }

    /**
     * Puts a thread that was woken on this CPU's run queue. A woken thread of higher or equal priority
     * preempts the current one at its next step boundary (wakeup preemption: Linux's scheduler lets a
     * thread that slept run ahead of one of equal weight that has been running, and BSD's boosts a
     * sleeper's priority on wakeup), counted as an involuntary switch of the preempted thread.
     */
    void enqueue(SimThread t) {
        t.state = SimThread.State.RUNNABLE;
        t.cpu = this;
        queueOf(t.priority).addLast(t);
        runnable++;
        if (current != null && t.priority == current.priority) {
            wakeupPreempt = true;
        }
        if (current == null || t.priority >= current.priority) {
            kick();
        }
    }

    /** A thread of the current one's priority was woken: it preempts at the next step boundary. */
    private boolean wakeupPreempt;

    private void armQuantum() {
        if (quantumTimer) {
            return;
        }
        quantumTimer = true;
        long at = Math.max(sim.now(), current.sliceStart + quantum);
        sim.at(at, Simulation.Order.TIMER, () -> {
            quantumTimer = false;
            kick();
        });
    }

    private ArrayDeque<SimThread> queueOf(int priority) {
        ArrayDeque<SimThread> q = runq[priority];
        if (q == null) {
            q = new ArrayDeque<>();
            runq[priority] = q;
        }
        return q;
    }

    private SimThread peekBest() {
        if (runnable == 0) {
            return null;
        }
        for (int p = runq.length - 1; p >= 0; p--) {
            ArrayDeque<SimThread> q = runq[p];
            if (q != null && !q.isEmpty()) {
                return q.peekFirst();
            }
        }
        return null;
    }

    private void dispatch() {
        for (;;) {
            if (debt > 0) {
                long d = debt;
                debt = 0;
                bandIsThread = false;
                work(d, null);
                return;
            }
            Irq irq = irqs.poll();
            if (irq != null) {
                interrupts++;
                bandIsThread = false;
                long cost = irq.handle(this);
                work(costs.hardInterrupt + cost, null);
                return;
            }
            FastSoftint s = softints.peekFirst();
            if (s != null) {
                bandIsThread = false;
                boolean first = !softintEntered;
                if (first) {
                    softintRuns++;
                }
                softintEntered = true;
                if (s.step(this, first)) {
                    return;
                }
                softints.pollFirst();
                softintEntered = false;
                continue;
            }
            bandIsThread = true;
            SimThread best = peekBest();
            if (current != null && best != null && (best.priority > current.priority
                    || (best.priority == current.priority
                    && (wakeupPreempt || sim.now() - current.sliceStart >= quantum)))) {
                SimThread out = current;
                out.involuntary++;
                current = null;
                out.state = SimThread.State.RUNNABLE;
                queueOf(out.priority).addLast(out);
                runnable++;
            }
            if (current == null) {
                best = peekBest();
                if (best == null) {
                    return; // idle
                }
                queueOf(best.priority).pollFirst();
                runnable--;
                wakeupPreempt = false;
                current = best;
                best.state = SimThread.State.RUNNING;
                best.sliceStart = sim.now();
                long cost = costs.contextSwitch + (last != best ? costs.switchLocality : 0);
                last = best;
                work(cost, null);
                return;
            }
            SimThread.Outcome o = current.step(this);
            switch (o) {
                case WORKED -> {
                    return;
                }
                case SLEEP -> {
                    current.voluntary++;
                    current.state = SimThread.State.SLEEPING;
                    current = null;
                }
                case SPIN -> {
                    spinning = true;
                    spinSince = sim.now();
                    SimThread b = peekBest();
                    if (b != null && b.priority == current.priority) {
                        armQuantum();
                    }
                    return;
                }
            }
        }
    }

    /** @return picoseconds this CPU has been busy (steps, spinning) */
    public long busyPs() {
        return busyPs;
    }

    /** @return picoseconds spent in interrupt and softint bands and charged costs */
    public long interruptPs() {
        return interruptPs;
    }

    public long interrupts() {
        return interrupts;
    }

    public long softintRuns() {
        return softintRuns;
    }

    public SimThread current() {
        return current;
    }
}
