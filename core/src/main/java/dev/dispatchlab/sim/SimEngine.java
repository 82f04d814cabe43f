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
 * {@link #released}), and each request also takes the engine's own CPU: {@code engine_per_request}
 * plus the profile's cipher time for the packet, since it runs the real cipher. A real card's doorbell
 * is a register write, part of {@code stage_esp}.
 *
 * <p>Beside a wire running flat out ({@code onDeviceCpu}: the maximum rate) neither yields, and the
 * engine is a {@linkplain EngineThread thread} of the {@linkplain Machine#deviceCpu device CPU},
 * scheduled there with the wire's thread as the host's threads are on theirs: it holds the CPU while it
 * works, while it spins out a request's latency or a coalescing delay and for its idle polls, then
 * parks; a doorbell's wakeup reaches the busy device CPU as an interrupt, and the engine preempts the
 * wire only when it is owed its share. So how long each has the CPU, and how often the engine parks,
 * come from the two threads' work as they do in the runs.
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
    private final IntQueue completions;
    /** Beside a flat-out wire: the engine as a thread on the device CPU, scheduled there with the wire; else null. */
    private final EngineThread thread;
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
     * @param emulated       the engine is a thread on the device CPU (this machine), not a card
     * @param onDeviceCpu    emulated beside a wire running flat out: the engine is a thread of
     *                       {@code m}'s device CPU, scheduled there with the wire's
     */
    public SimEngine(Machine m, int capacity, long latencyNs, long bytesPerSecond, int coalesceCount,
                     long coalesceNs, boolean emulated, boolean onDeviceCpu) {
        if (onDeviceCpu && !emulated) {
            throw new IllegalArgumentException("only an emulated engine runs on the device CPU");
        }
        this.m = m;
        this.capacity = capacity;
        this.latencyPs = latencyNs * Simulation.PS_PER_NS;
        this.psPerByte = bytesPerSecond <= 0 ? 0 : 1e12 / bytesPerSecond;
        this.coalesceCount = Math.max(1, coalesceCount);
        this.coalescePs = coalesceNs * Simulation.PS_PER_NS;
        this.emulated = emulated;
        this.completions = new IntQueue(Math.max(capacity, 2) * 2);
        this.thread = onDeviceCpu ? new EngineThread(m.deviceCpu(), capacity) : null;
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
        requests++;
        if (thread != null) {
            inEngine++;
            thread.take(p, submitter);
            return true;
        }
        long now = m.sim.now();
        long start = Math.max(now, freeAt);
        if (emulated && inEngine == 0 && now >= holdUntil()) {
            doorbellWakes(submitter);
            start = Math.max(start, now + wakeLatency());
            holdFrom = start;
        }
        inEngine++;
        // the emulated engine does the real cipher work on its device CPU after the emulated transfer time
        long service = Math.round(psPerByte * m.bytes(p))
                + (emulated ? m.costs.enginePerRequest + m.costs.crypto(m.bytes(p)) : 0);
        long done = start + service;
        freeAt = done;
        busyPs += service;
        long finish = Math.max(done, now + latencyPs);
        lastFinish = Math.max(lastFinish, finish);
        m.sim.at(finish, Simulation.Order.DEVICE, () -> complete(p));
        return true;
    }

    /**
     * A doorbell that found the engine parked and wakes it: the runtime's driver counts these (engine
     * wakeups). The submitter pays a wakeup sent to the device CPU ({@code cross_cpu_waker}, or
     * {@code wakeup} where the profile has no such figure); near saturation these are what its
     * submitting thread's CPU has beyond the path.
     */
    private void doorbellWakes(SimCpu submitter) {
        engineWakeups++;
        if (submitter != null) {
            submitter.charge(m.costs.crossCpuWaker > 0 ? m.costs.crossCpuWaker : m.costs.wakeup);
        }
    }

    /**
     * Posts {@code p}'s completion and counts it unsignalled, the first of a coalescing window setting
     * its deadline.
     *
     * @return true when it makes the coalesced interrupt due at once (its count reached, or no delay)
     */
    private boolean post(int p) {
        inEngine--;
        completions.offer(p);
        if (++unsignalled == 1) {
            coalesceDue = m.sim.now() + coalescePs;
        }
        return unsignalled >= coalesceCount || coalescePs == 0;
    }

    private void complete(int p) {
        if (post(p)) {
            fire();
        } else if (unsignalled == 1) {
            long g = generation;
            m.sim.after(coalescePs, Simulation.Order.DEVICE, () -> {
                if (g == generation && unsignalled > 0) {
                    fire();
                }
            });
        }
    }

    private void fire() {
        coalesceDue = m.sim.now(); // it holds its CPU until it raised the interrupt, then polls and parks
        generation++;
        long send = signal();
        if (send > 0) {
            // the engine thread sent those wakeups to the host CPU: its own time, before its next request
            freeAt = Math.max(m.sim.now(), freeAt) + send;
            lastFinish = Math.max(lastFinish, freeAt); // it holds its CPU meanwhile
        }
    }

    /**
     * Raises the completion interrupt for every unsignalled completion.
     *
     * @return what the wakeups its handler sent cost an emulated engine ({@code cross_cpu_waker} each, in
     *         its busy time), 0 for a card
     */
    private long signal() {
        unsignalled = 0;
        interruptsRaised++;
        if (handler == null) {
            return 0;
        }
        int woke = m.raise(handler);
        long send = emulated ? woke * m.costs.crossCpuWaker : 0;
        busyPs += send;
        return send;
    }

    /**
     * The emulated engine beside a flat-out wire, as the runtime's engine thread runs on the device
     * CPU: it takes requests in order, spins out each one's latency (the runtime's engine spins waits
     * this short), runs the cipher, posts the completion and raises the coalesced interrupt itself
     * (only while it runs: a preempted engine holds its interrupt back), polls a while when it finds
     * nothing and then parks until a doorbell. The device CPU's scheduler decides when it runs beside
     * the wire, as Linux's does: a doorbell's wakeup preempts the wire only when the engine is owed
     * its share.
     */
    private final class EngineThread extends SimThread {
        private final SimCpu cpu;
        private final int[] ids;
        private final long[] at;
        private int head;
        private int size;
        /** The head request's due time once taken (latency and rate waited out), or -1. */
        private long due = -1;
        private long rateFree;
        /** Its CPU time when its idle polling began, or -1. */
        private long spinSince = -1;
        private boolean spinning;

        EngineThread(SimCpu cpu, int capacity) {
            super("offload-engine-0", 0, false); // the runtime's driver names its engine so
            this.cpu = cpu;
            this.ids = new int[capacity];
            this.at = new long[capacity];
            m.deviceThread(this);
        }

        void take(int p, SimCpu submitter) {
            ids[(head + size) % ids.length] = p;
            at[(head + size) % ids.length] = m.sim.now();
            size++;
            if (state == State.SLEEPING) {
                doorbellWakes(submitter);
                m.wakeDevice(this);
            } else if (spinning) {
                cpu.kick();
            }
        }

        @Override
        protected boolean polling() {
            return spinning;
        }

        @Override
        protected Outcome step(SimCpu c) {
            spinning = false;
            long now = m.sim.now();
            if (unsignalled > 0 && now >= coalesceDue) {
                long send = signal();
                if (send > 0) {
                    c.work(send, null);
                    return Outcome.WORKED;
                }
            }
            if (size > 0) {
                spinSince = -1;
                int p = ids[head];
                if (due < 0) {
                    long start = Math.max(now, rateFree);
                    rateFree = start + Math.round(psPerByte * m.bytes(p));
                    due = Math.max(rateFree, at[head] + latencyPs);
                }
                if (now < due) {
                    // spins the wait out, holding its CPU; the coalescing timer is looked at meanwhile
                    long until = unsignalled > 0 ? Math.min(due, coalesceDue) : due;
                    c.work(until - now, null);
                    return Outcome.WORKED;
                }
                due = -1;
                head = (head + 1) % ids.length;
                size--;
                long service = m.costs.enginePerRequest + m.costs.crypto(m.bytes(p));
                busyPs += service;
                c.work(service, () -> {
                    if (post(p)) {
                        c.charge(signal());
                    }
                });
                return Outcome.WORKED;
            }
            if (unsignalled > 0) {
                // an interrupt owed within the coalescing delay: it spins until then rather than park
                m.sim.after(coalesceDue - now, Simulation.Order.TIMER, c::kick);
                spinning = true;
                return Outcome.SPIN;
            }
            if (spinSince < 0) {
                spinSince = cpuPs;
            }
            long left = m.costs.engineIdleSpin - (cpuPs - spinSince);
            if (left > 0) {
                m.sim.after(left, Simulation.Order.TIMER, c::kick);
                spinning = true;
                return Outcome.SPIN;
            }
            spinSince = -1;
            return Outcome.SLEEP;
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
     * @return whether an emulated engine that is not a thread of the device CPU holds that CPU at {@code
     *         t}: woken and not yet parked and switched out
     */
    public boolean holdsCpu(long t) {
        return emulated && t >= holdFrom && t < released();
    }

    /** @return whether the engine is a thread on the device CPU, beside a wire that is one too */
    public boolean onDeviceCpu() {
        return thread != null;
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
