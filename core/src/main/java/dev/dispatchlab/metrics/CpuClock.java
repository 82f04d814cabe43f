package dev.dispatchlab.metrics;

/**
 * Where a thread's CPU time is read from. {@link #SCHEDSTAT} is preferred: it is the scheduler's
 * own {@code sum_exec_runtime} in nanoseconds, the same number {@code clock_gettime} of the
 * thread's CPU clock and {@code ThreadMXBean.getThreadCpuTime} return, readable for any thread of
 * the process (carriers and threads nobody registered included) and for a thread that reads itself
 * on exit. {@code stat}'s utime+stime is the fallback for kernels without schedstat: it is sampled
 * at the tick, in units of {@code USER_HZ} (10 ms), far too coarse for CPU per packet.
 */
public enum CpuClock {
    /** {@code /proc/self/task/TID/schedstat} field 1: nanoseconds, exact at each switch. */
    SCHEDSTAT,
    /** {@code /proc/self/task/TID/stat} fields 14+15 (utime+stime) times 10 ms. */
    STAT_TICKS
}
