package dev.dispatchlab.sim;

import dev.dispatchlab.metrics.DropReason;

/**
 * A crypto offload card, as the runtime's offload driver emulates one: a pool of {@code capacity}
 * descriptors ({@code crypto queue full} when none is free: as the driver's, a descriptor comes back
 * when its completion is drained, so completions the host has not taken yet keep the card full), one
 * engine that starts a request no earlier than the end of its previous one, spends
 * {@code bytes / rate} on it and finishes no earlier than submit time plus the request latency (the
 * PCI round trip, overlapped), a completion ring, and a completion interrupt coalesced over a count of
 * completions or a delay.
 *
 * <p>With {@code emulated} (this machine: the engine is a thread on the device CPU that parks after a
 * few microseconds idle), a submission to a parked engine costs the submitter a wakeup sent to another
 * CPU, {@code cross_cpu_waker} of its time as the engine pays for each it sends (a {@code wakeup} where
 * the profile has no such figure), and the engine starts {@linkplain #wakeLatency an interrupt and a
 * switch} later (the wire it preempts gets its CPU back a sleep and a switch after the engine parks:
 * {@link #released}), and each request also
 * takes the engine's own CPU: {@code engine_per_request} plus the profile's cipher time for the packet,
 * since it runs the real cipher. That CPU is shared: {@code share} is the part of its speed alone the engine gets while
 * busy (1 on a CPU of its own; see {@link SimSpec#engineShare()}). Below 1 the wire runs flat out
 * beside it and the two {@linkplain #takesTurns take turns} of the CPU, as two busy threads do: the
 * engine works in its turns only (half the CPU, a tick each, unless its share needs more) at
 * {@code share} over its part of the CPU, so completions come in bursts, and an engine woken again
 * after parking waits until the wire has had as long as the engine's last turn. A real card's doorbell
 * is a register write, part of {@code stage_esp}.
 *
 * <p>An emulated engine's completion interrupt runs its handler in the engine's thread (the
 * runtime's hard interrupt), and each host thread that handler wakes from sleep is a wakeup the engine
 * sends to another CPU: {@code cross_cpu_waker} of the engine's own time, spent before its next
 * request and while it holds its CPU. The card trials that give {@code engine_per_request} connect
 * the interrupt to nothing, so this is not in that figure.
 *
 * <p>Every submission charges the submitting context half of {@code card_host_per_request} (the
 * driver's side of the request); the model charges the other half to the context taking the
 * completion. A submission the full ring refuses charges it {@code card_refusal} instead: in the
 * runtime the refused request completes at once with its failure, in the submitter, which drops the
 * packet, and calibrate's refusing trial times a refused frame at several times its stages.
 */
public final class SimEngine {

    private final Machine m;
    private final int capacity;
    private final long latencyPs;
    private final double psPerByte;
    private final int coalesceCount;
    private final long coalescePs;
    private final boolean emulated;
    private final boolean sliced; // takes turns of the device CPU with a flat-out wire
    private final long engineTurn;
    private final long wireTurn;
    private final long cycle; // an engine's turn and the wire's
    private final double speed;
    private final IntQueue completions;
    private SimCpu.Irq handler;
    private long freeAt;
    private int inEngine;
    private int unsignalled;
    private long generation;
    private long busyPs;
    /** Requests taken, doorbells that woke a parked engine, completion interrupts raised: the runtime driver's events. */
    private long requests;
    private long engineWakeups;
    private long interruptsRaised;
    /** Emulated engine: when it last got its CPU (woke), the latest finish of its requests, its coalescing deadline. */
    private long holdFrom = Long.MIN_VALUE;
    private long lastFinish = Long.MIN_VALUE / 2;
    private long coalesceDue = Long.MIN_VALUE / 2;

    /**
     * @param bytesPerSecond engine speed cap, 0 for none
     * @param share          emulated engine: the part of its speed alone it gets while busy, in (0, 1];
     *                       below 1 (a wire running flat out beside it) the engine and the wire take turns
     * @param turnPs         emulated engine beside a flat-out wire: each one's turn of the device CPU is
     *                       about this long (the scheduler's tick), the engine's stretched when its
     *                       share needs more than half the CPU
     */
    public SimEngine(Machine m, int capacity, long latencyNs, long bytesPerSecond, int coalesceCount,
                     long coalesceNs, boolean emulated, double share, long turnPs) {
        if (!(share > 0) || share > 1) {
            throw new IllegalArgumentException("engine share must be in (0, 1]: " + share);
        }
        if (turnPs <= 0) {
            throw new IllegalArgumentException("turn must be positive: " + turnPs);
        }
        // Below 1 the wire runs flat out beside the engine: the two take turns of the CPU, the engine
        // (busy) half of it unless its share needs more, at the speed that gives its share overall.
        this.sliced = emulated && share < 1;
        double f = Math.max(share, 0.5);
        this.engineTurn = sliced ? Math.round(2 * turnPs * f) : 0;
        this.wireTurn = sliced ? 2 * turnPs - engineTurn : 0;
        this.cycle = engineTurn + wireTurn;
        this.speed = sliced ? share / f : share;
        this.m = m;
        this.capacity = capacity;
        this.latencyPs = latencyNs * Simulation.PS_PER_NS;
        this.psPerByte = bytesPerSecond <= 0 ? 0 : 1e12 / bytesPerSecond;
        this.coalesceCount = Math.max(1, coalesceCount);
        this.coalescePs = coalesceNs * Simulation.PS_PER_NS;
        this.emulated = emulated;
        this.completions = new IntQueue(Math.max(capacity, 2) * 2);
    }

    public void connect(SimCpu.Irq irq) {
        this.handler = irq;
    }

    /**
     * Submits packet {@code p}'s cipher work from a context on {@code submitter} (null: a device).
     *
     * @return false if no descriptor was free (the packet is dropped; the submitter pays the refusal)
     */
    public boolean submit(int p, SimCpu submitter) {
        if (inEngine + completions.size() >= capacity) { // a descriptor is free again once its completion is drained
            if (submitter != null) {
                submitter.charge(m.costs.cardRefusal);
            }
            m.drop(p, DropReason.CRYPTO_QUEUE_FULL);
            return false;
        }
        m.handoff();
        if (submitter != null) {
            submitter.charge(m.costs.cardHalf);
        }
        long now = m.sim.now();
        long start = Math.max(now, freeAt);
        requests++;
        if (emulated && inEngine == 0 && now >= holdUntil()) {
            engineWakeups++;
            if (submitter != null) {
                // the doorbell unparks a thread on the device CPU: the runtime's driver counts these (engine
                // wakeups), and near saturation they are what its submitting thread's CPU has beyond the path
                submitter.charge(m.costs.crossCpuWaker > 0 ? m.costs.crossCpuWaker : m.costs.wakeup);
            }
            start = Math.max(start, now + wakeLatency());
            if (sliced && holdFrom != Long.MIN_VALUE) {
                // an engine that parked and is woken again goes first only once the wire has had as long
                // as the engine's last turn (or the rest of its own): parking sheds no share
                long parked = holdUntil();
                long pos = Math.floorMod(parked - holdFrom, cycle);
                long earliest = pos < engineTurn ? parked + pos : parked + cycle - pos;
                start = Math.max(start, earliest);
            }
            holdFrom = start;
        }
        inEngine++;
        // the emulated engine does the real cipher work on its device CPU after the emulated transfer time,
        // at the share of that CPU it gets: spread evenly, or, taking turns with the wire, in its turns only
        long service = Math.round(psPerByte * m.bytes(p))
                + (emulated ? Math.round((m.costs.enginePerRequest + m.costs.crypto(m.bytes(p))) / speed) : 0);
        long done = sliced ? advance(start, service) : start + service;
        freeAt = done;
        busyPs += service;
        long finish = Math.max(done, now + latencyPs);
        lastFinish = Math.max(lastFinish, finish);
        m.sim.at(finish, Simulation.Order.DEVICE, () -> complete(p));
        return true;
    }

    private void complete(int p) {
        inEngine--;
        completions.offer(p);
        unsignalled++;
        if (unsignalled >= coalesceCount) {
            fire();
        } else if (unsignalled == 1 && coalescePs > 0) {
            coalesceDue = m.sim.now() + coalescePs;
            long g = generation;
            m.sim.after(coalescePs, Simulation.Order.DEVICE, () -> {
                if (g == generation && unsignalled > 0) {
                    fire();
                }
            });
        } else if (coalescePs == 0 && unsignalled > 0) {
            fire();
        }
    }

    private void fire() {
        unsignalled = 0;
        coalesceDue = m.sim.now(); // it holds its CPU until it raised the interrupt, then polls and parks
        generation++;
        interruptsRaised++;
        if (handler != null) {
            int woke = m.raise(handler);
            if (emulated && woke > 0 && m.costs.crossCpuWaker > 0) {
                // the engine thread sent those wakeups to the host CPU: its own time, before its next request
                long send = woke * m.costs.crossCpuWaker;
                long from = Math.max(m.sim.now(), freeAt);
                freeAt = sliced ? advance(from, send) : from + send;
                lastFinish = Math.max(lastFinish, freeAt); // it holds its CPU meanwhile
                busyPs += send;
            }
        }
    }

    /** @return the next completed packet, or -1 (a drain counts a handoff per completion) */
    public int poll() {
        int p = completions.poll();
        if (p >= 0) {
            m.handoff();
        }
        return p;
    }

    public boolean hasCompletions() {
        return !completions.isEmpty();
    }

    public int inFlight() {
        return inEngine + completions.size();
    }

    /**
     * How long a parked emulated engine takes to run once a submission rings its doorbell: the wakeup
     * reaches its CPU, busy with the wire, as an interrupt ({@code hard_interrupt}), and the engine is
     * switched in there ({@code context_switch} and its refill), as a host thread woken from a device
     * is. A scheduler trace of ithread near saturation showed 5 us from the doorbell's wakeup to the
     * engine running, where {@code cross_cpu_wakeup} (the wakeup of an idle CPU) is 2.8.
     */
    public long wakeLatency() {
        return m.costs.hardInterrupt + m.costs.contextSwitch + m.costs.switchLocality;
    }

    /**
     * When the wire has the device CPU again after the engine parks: the engine's way to sleep
     * ({@code sleep}) and the wire's switch back in. The same trace showed 6 us from the engine's
     * parking to the NIC thread's wakeup by the frames the wire then wrote.
     */
    public long released() {
        return holdUntil() + m.costs.sleep + m.costs.contextSwitch + m.costs.switchLocality;
    }

    /**
     * When an emulated engine parks if nothing more comes: it holds its CPU while it works, while it
     * waits out a request's latency and a coalescing delay (the driver spins for waits this short),
     * and for its idle polls after that ({@code engine_idle_spin}).
     */
    public long holdUntil() {
        return Math.max(lastFinish, coalesceDue) + m.costs.engineIdleSpin;
    }

    /** @return when an emulated engine last woke and took its CPU */
    public long heldSince() {
        return holdFrom;
    }

    /**
     * @return whether an emulated engine holds its device CPU at {@code t}: woken and not yet parked
     *         and switched out, and, when it takes turns with the wire, in one of its turns
     */
    public boolean holdsCpu(long t) {
        return emulated && t >= holdFrom && t < released() && (!sliced || inTurn(t));
    }

    /** Taking turns: whether {@code t} falls in one of the engine's turns since it last woke. */
    private boolean inTurn(long t) {
        return Math.floorMod(t - holdFrom, cycle) < engineTurn;
    }

    /** Taking turns: the end of the engine's turn that holds {@code t}. */
    public long turnEnd(long t) {
        return t - Math.floorMod(t - holdFrom, cycle) + engineTurn;
    }

    /** Taking turns: when {@code work} ps of the engine's CPU, begun at {@code t}, is done, in its turns only. */
    private long advance(long t, long work) {
        for (;;) {
            long pos = Math.floorMod(t - holdFrom, cycle);
            if (pos < engineTurn) {
                long run = Math.min(work, engineTurn - pos);
                t += run;
                work -= run;
                if (work == 0) {
                    return t;
                }
            } else {
                t += cycle - pos;
            }
        }
    }

    /** @return whether the engine and the wire take turns of the device CPU (the wire flat out beside it) */
    public boolean takesTurns() {
        return sliced;
    }

    /**
     * The card's counts so far, as the runtime's driver keeps its events.
     *
     * @param busyPs               the engine's busy time (ps)
     * @param requests             requests it has taken (refused submissions not counted)
     * @param engineWakeups        submissions that found an emulated engine parked and woke it ({@code
     *                             engine wakeups}; 0 for a card that is not emulated: a register write wakes
     *                             nothing)
     * @param completionInterrupts completion interrupts raised, after coalescing
     */
    public record Counts(long busyPs, long requests, long engineWakeups, long completionInterrupts) {

        /** No card: all zero. */
        public static final Counts NONE = new Counts(0, 0, 0, 0);

        /** @return these counts less {@code earlier}'s: what happened between the two */
        public Counts since(Counts earlier) {
            return new Counts(busyPs - earlier.busyPs, requests - earlier.requests,
                    engineWakeups - earlier.engineWakeups, completionInterrupts - earlier.completionInterrupts);
        }
    }

    /** @return the card's counts so far */
    public Counts counts() {
        return new Counts(busyPs, requests, engineWakeups, interruptsRaised);
    }

    /** @return requests the engine has taken ({@link Counts#requests}) */
    public long requests() {
        return requests;
    }

    /** @return doorbells that woke a parked emulated engine ({@link Counts#engineWakeups}) */
    public long engineWakeups() {
        return engineWakeups;
    }

    /** @return completion interrupts raised ({@link Counts#completionInterrupts}) */
    public long completionInterrupts() {
        return interruptsRaised;
    }

    public long busyPs() {
        return busyPs;
    }
}
