package dev.dispatchlab.metrics;

/**
 * One thread's counts as the kernel keeps them, read at one moment.
 *
 * @param tid         kernel thread id (the name under {@code /proc/self/task/})
 * @param startTicks  start time in clock ticks after boot ({@code stat} field 22): with the tid,
 *                    it tells a thread from a later one that reuses its tid
 * @param comm        the kernel's name for the thread (15 characters at most; HotSpot sets it from
 *                    the Java name when the thread starts)
 * @param state       the scheduler state letter ({@code R} running, {@code S} sleeping, ...)
 * @param voluntary   {@code voluntary_ctxt_switches}: the thread gave up the CPU (blocked, slept, yielded)
 * @param involuntary {@code nonvoluntary_ctxt_switches}: the scheduler took the CPU away (preempted)
 * @param cpuNanos    CPU time used, user plus system, in nanoseconds (see {@link CpuClock} for its source)
 * @param waitNanos   time spent runnable on a run queue, waiting for a CPU ({@code schedstat} field 2,
 *                    the scheduler's {@code run_delay}), in nanoseconds; -1 where the kernel has no schedstat
 */
public record ThreadSample(int tid, long startTicks, String comm, char state, long voluntary, long involuntary,
                           long cpuNanos, long waitNanos) {

    /** @return the total context switches, voluntary plus involuntary */
    public long switches() {
        return voluntary + involuntary;
    }
}
