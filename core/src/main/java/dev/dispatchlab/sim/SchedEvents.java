package dev.dispatchlab.sim;

/**
 * What the simulated scheduler did, event by event, for a caller that wants to see it (a trace in
 * the kernel's own format: {@link SchedTraceWriter}). The two events are the kernel's
 * {@code sched_wakeup} and {@code sched_switch}, so that a simulated run and a real one can be read
 * by one tool ({@code metrics.SchedTraceSummary}).
 *
 * <p>Threading: called on the simulation's thread, in simulated-time order.
 */
public interface SchedEvents {

    /**
     * Thread {@code wakee} became runnable at {@code ps} on its CPU ({@link SimThread#cpu()}).
     *
     * @param fromDevice true when a device woke it from a CPU of its own
     * @param waker      otherwise the host thread whose context woke it (the one the CPU held, also when an
     *                   interrupt band did it), or null when the CPU was idle
     */
    void wakeup(long ps, boolean fromDevice, SimThread waker, SimThread wakee);

    /**
     * CPU {@code cpu} switched from {@code prev} to {@code next} at {@code ps}; either is null for the
     * idle loop.
     *
     * @param cpu       0 for the host CPU, 1 for the device CPU (its emulated devices' threads)
     * @param prevSlept true when {@code prev} went to sleep, false when it was preempted (or was idle)
     */
    void switched(long ps, int cpu, SimThread prev, boolean prevSlept, SimThread next);
}
