package dev.dispatchlab.sim;

import dev.dispatchlab.device.ArrivalProcess;

/**
 * The wire: frames at the offered rate, constant or Poisson spacing, until the end of the interval.
 *
 * <p>An emulated wire (a thread on the device CPU) writes no faster than its own time per frame:
 * {@code wire_frame} for a frame placed, {@code wire_refusal} for one the full ring refuses. At the
 * maximum rate it writes at that speed whatever is due, so a full ring makes it offer faster, as the
 * runtime's wire does (its refusals are a fraction of a placement).
 *
 * <p>Beside an emulated card (this machine: the runtime's wire and engine are threads on the one
 * device CPU), the wire cannot write while the engine holds that CPU ({@link SimEngine#holdsCpu}):
 * the engine's wakeup preempts the wire, which spins between frames. Frames due meanwhile are
 * written when the wire has the CPU again ({@link SimEngine#released}: the engine parked and the wire
 * switched back in), as fast as the wire writes ({@link SimSpec#wireFrameNs}: the runtime's wire
 * catches up on the frames it owes as fast as it can), which makes the arrivals come in bursts. At the
 * maximum rate every frame is owed, so the wire simply goes on at its speed: what it could have
 * written while the engine held the CPU is never offered, as the runtime's achieved rate shows (a
 * wire taking turns with a busy engine offers about half its speed).
 * <ul>
 * <li>At a set rate a busy engine holds the CPU for at most {@link #SLICE_PS} before the wire gets as
 *     long to run, as two runnable threads share a CPU; the engine's own progress over such a stretch
 *     is not held back here (at a set rate an engine busy that long is overloaded).</li>
 * <li>At the maximum rate the wire never waits or yields, and it is a thread of the device CPU beside
 *     the engine's ({@link SimEngine#onDeviceCpu}), scheduled there as two threads of one priority are:
 *     a frame a step, each {@code wire_frame} or {@code wire_refusal} of its CPU, written only while it
 *     holds the CPU. So frames come in bursts of the wire's runs, and completions in bursts of the
 *     engine's (the runs here: the engine parks and is woken again a few thousand times a second in
 *     ithread's and kcont's overload, and the simulation's device CPU does the same).</li>
 * </ul>
 *
 * <p>Threading: confined to the simulation's thread.
 */
final class SimWire {
    /** Linux's base scheduling slice before its scaling for the CPU count (EEVDF's {@code sched_base_slice}, 0.7 ms). */
    static final long SLICE_PS = 700_000_000L;
    private final Machine m;
    private final SimNic nic;
    private final SimEngine engine;
    private final double spacingPs;
    /** The wire's own time per frame (ps): it writes no faster, catching up or not; 0 for a real wire. */
    private final long framePs;
    /** Its time per frame the full ring refuses (ps). */
    private final long refusalPs;
    /** An emulated wire at the maximum rate: every frame is due at once, and it writes as fast as it can. */
    private final boolean flatOut;
    /** The soonest the wire can write its next frame: its own time after the last one. */
    private long earliest;
    private final SimSpec spec;
    private final long end;
    private final boolean poisson;
    private long index;
    private double next;
    /** Until when the wire runs whatever the engine does: its slice after the engine had one. */
    private long runsUntil = -1;

    /**
     * @param engine the card, or null (software crypto): only an emulated engine holds the wire back
     * @param end    no frame at or after this time (ps)
     */
    SimWire(Machine m, SimNic nic, SimEngine engine, double pps, SimSpec spec, long end) {
        this.m = m;
        this.nic = nic;
        this.engine = engine;
        this.spacingPs = 1e12 / pps;
        this.framePs = Math.round(spec.wireFrameNs() * Simulation.PS_PER_NS);
        this.refusalPs = Math.round(spec.wireRefusalNs() * Simulation.PS_PER_NS);
        this.flatOut = spec.ratePps() >= SimSpec.MAX_RATE && framePs > 0;
        this.spec = spec;
        this.end = end;
        this.poisson = spec.arrivals() == ArrivalProcess.POISSON;
    }

    void start() {
        if (engine != null && engine.onDeviceCpu()) {
            if (!flatOut) {
                throw new IllegalStateException("an engine on the device CPU runs beside a flat-out wire only");
            }
            // the runtime's wire thread flat out: a frame a step, placed or refused, each its own CPU time
            SimThread t = new SimThread("wire", 0, false) {
                @Override
                protected Outcome step(SimCpu cpu) {
                    if (m.sim.now() >= end) {
                        return Outcome.SLEEP;
                    }
                    int p = m.newPacket(spec.sizes().sizeAt((int) (index++ % spec.sizes().period())));
                    cpu.work(nic.arrive(p) ? framePs : refusalPs, null);
                    return Outcome.WORKED;
                }
            };
            m.deviceThread(t);
            m.deviceCpu().enqueue(t); // runnable from the start: it never sleeps before the end
            return;
        }
        next = poisson ? -Math.log(1 - m.sim.random().nextDouble()) * spacingPs : 0;
        schedule();
    }

    private void schedule() {
        long t = Math.max(Math.round(next), Math.max(earliest, m.sim.now()));
        if (t >= end) {
            return;
        }
        m.sim.at(t, Simulation.Order.DEVICE, this::arrive);
    }

    private void arrive() {
        long now = m.sim.now();
        if (engine != null && now >= runsUntil && engine.holdsCpu(now)) {
            // the engine's slice began when it woke, or when the wire's last slice ended
            long sliceEnd = Math.max(engine.heldSince(), runsUntil) + SLICE_PS;
            if (now < sliceEnd) {
                m.sim.at(Math.min(engine.released(), sliceEnd), Simulation.Order.DEVICE, this::arrive);
                return;
            }
            runsUntil = sliceEnd + SLICE_PS; // the engine has had its slice: the wire gets one
        }
        int p = m.newPacket(spec.sizes().sizeAt((int) (index++ % spec.sizes().period())));
        earliest = now + (nic.arrive(p) ? framePs : refusalPs);
        if (flatOut) {
            next = earliest; // nothing is owed: it goes on at its own speed from here
        } else {
            next += poisson ? -Math.log(1 - m.sim.random().nextDouble()) * spacingPs : spacingPs;
        }
        schedule();
    }
}
