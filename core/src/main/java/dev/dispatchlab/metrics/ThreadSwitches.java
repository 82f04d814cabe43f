package dev.dispatchlab.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the operating system's context-switch and CPU counts for every thread of this process,
 * at the start and the end of a measured interval (DESIGN.md, "How things are measured").
 *
 * <pre>
 *   ThreadSwitches reader = new ThreadSwitches(registry, Clock.SYSTEM);
 *   SwitchSnapshot start = reader.snapshot();
 *   ... run ...
 *   SwitchDelta d = SwitchDelta.between(start, reader.snapshot());
 *   d.totals(ThreadRole.HOST).switches()     // host voluntary + involuntary
 * </pre>
 *
 * <h2>Sources and why</h2>
 * Switch counts: {@code voluntary_ctxt_switches} and {@code nonvoluntary_ctxt_switches} of
 * {@code /proc/self/task/TID/status} (the kernel's {@code nvcsw} and {@code nivcsw}; nothing else
 * counts them). CPU time: {@link CpuClock#SCHEDSTAT} where the kernel has it, else {@code stat}'s
 * utime+stime; see {@link CpuClock} for why not {@code ThreadMXBean}: it gives the same
 * nanoseconds, but only for live Java platform threads, where schedstat covers every thread the
 * kernel knows, including carriers and threads reading themselves on exit.
 *
 * <h2>Cost</h2>
 * Three small {@code /proc} reads per thread (about 10 µs each); a JVM has 20 to 40 threads. The
 * reading thread's own switches land in its own row, which is OTHER unless it was registered.
 *
 * <p>Threading: any thread; snapshots from several threads may interleave.
 */
public final class ThreadSwitches {

    private final ThreadRegistry registry;
    private final Clock clock;

    public ThreadSwitches(ThreadRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @return the counts of every live thread and every registered thread that has ended */
    public SwitchSnapshot snapshot() {
        long at = clock.nanoTime();
        Map<SwitchSnapshot.Key, SwitchSnapshot.Row> rows = new LinkedHashMap<>();
        for (int tid : ProcTasks.tids()) {
            ThreadSample s = ProcTasks.read(tid);
            if (s == null) {
                continue; // ended while listing; a registered one is added below from the registry
            }
            registry.remember(s);
            rows.put(new SwitchSnapshot.Key(tid, s.startTicks()),
                    new SwitchSnapshot.Row(s, registry.roleOf(s), registry.nameOf(s), true));
        }
        registry.forEachRemembered((reg, last, exited) -> {
            SwitchSnapshot.Key k = new SwitchSnapshot.Key(reg.tid(), reg.startTicks());
            if (!rows.containsKey(k) && last != null) {
                rows.put(k, new SwitchSnapshot.Row(last, reg.role(), reg.name(), false));
            }
        });
        return new SwitchSnapshot(at, ProcTasks.CLOCK, rows);
    }

    /** @return one thread's counts now, or null when it has ended */
    public static ThreadSample sample(int tid) {
        return ProcTasks.read(tid);
    }

    /** @return where CPU time comes from on this kernel */
    public static CpuClock cpuClock() {
        return ProcTasks.CLOCK;
    }
}
