package dev.dispatchlab.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the operating system did between two snapshots: per thread, and added up by role. The host
 * total is the figure reported as context switches (DESIGN.md: switches/packet = host switches /
 * delivered packets); device threads are reported beside it.
 *
 * <p>Immutable.
 */
public final class SwitchDelta {

    /** How a thread lived through the interval. */
    public enum Fate {
        /** Alive at both snapshots. */
        LIVE,
        /** Started after the first snapshot: all its counts fall in the interval. */
        STARTED,
        /** Registered, ended before the second snapshot: counted up to its last reading. */
        EXITED,
        /** Not registered, ended before the second snapshot: what it did after the first snapshot is unknown (0 here). */
        LOST
    }

    /**
     * One thread's share of the interval; {@code waitNanos}, its time runnable on a run queue, is -1
     * where the kernel keeps none (no schedstat) or the thread's interval is unknown.
     */
    public record ThreadDelta(int tid, String name, ThreadRole role, long voluntary, long involuntary, long cpuNanos,
                              long waitNanos, Fate fate) {
        public long switches() {
            return voluntary + involuntary;
        }
    }

    /** The sums for one role. {@code lostThreads} counts threads whose interval figures are unknown. */
    public record RoleTotals(ThreadRole role, int threads, long voluntary, long involuntary, long cpuNanos,
                             int lostThreads) {
        public long switches() {
            return voluntary + involuntary;
        }
    }

    private final long elapsedNanos;
    private final CpuClock cpuClock;
    private final List<ThreadDelta> threads;
    private final Map<ThreadRole, RoleTotals> totals;

    private SwitchDelta(long elapsedNanos, CpuClock cpuClock, List<ThreadDelta> threads) {
        this.elapsedNanos = elapsedNanos;
        this.cpuClock = cpuClock;
        this.threads = List.copyOf(threads);
        Map<ThreadRole, RoleTotals> m = new EnumMap<>(ThreadRole.class);
        for (ThreadRole role : ThreadRole.values()) {
            int n = 0;
            int lost = 0;
            long v = 0;
            long iv = 0;
            long cpu = 0;
            for (ThreadDelta d : threads) {
                if (d.role() == role) {
                    n++;
                    v += d.voluntary();
                    iv += d.involuntary();
                    cpu += d.cpuNanos();
                    if (d.fate() == Fate.LOST) {
                        lost++;
                    }
                }
            }
            m.put(role, new RoleTotals(role, n, v, iv, cpu, lost));
        }
        this.totals = m;
    }

    /**
     * @return {@code after - before}, thread by thread (matched by tid and start time)
     */
    public static SwitchDelta between(SwitchSnapshot before, SwitchSnapshot after) {
        List<ThreadDelta> out = new ArrayList<>();
        Map<SwitchSnapshot.Key, SwitchSnapshot.Row> a = before.byKey();
        Map<SwitchSnapshot.Key, SwitchSnapshot.Row> b = after.byKey();
        for (Map.Entry<SwitchSnapshot.Key, SwitchSnapshot.Row> e : b.entrySet()) {
            SwitchSnapshot.Row now = e.getValue();
            SwitchSnapshot.Row then = a.get(e.getKey());
            if (then != null && !then.live() && !now.live()) {
                continue; // ended before the interval
            }
            Fate fate = then == null ? Fate.STARTED : now.live() ? Fate.LIVE : Fate.EXITED;
            ThreadSample s = now.sample();
            long v = s.voluntary() - (then == null ? 0 : then.sample().voluntary());
            long iv = s.involuntary() - (then == null ? 0 : then.sample().involuntary());
            long cpu = s.cpuNanos() - (then == null ? 0 : then.sample().cpuNanos());
            long thenWait = then == null ? 0 : then.sample().waitNanos();
            long wait = s.waitNanos() < 0 || thenWait < 0 ? -1 : s.waitNanos() - thenWait;
            out.add(new ThreadDelta(s.tid(), now.name(), now.role(), v, iv, cpu, wait, fate));
        }
        for (Map.Entry<SwitchSnapshot.Key, SwitchSnapshot.Row> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                SwitchSnapshot.Row then = e.getValue();
                out.add(new ThreadDelta(then.sample().tid(), then.name(), then.role(), 0, 0, 0, -1, Fate.LOST));
            }
        }
        out.sort(Comparator.comparing(ThreadDelta::role).thenComparing(ThreadDelta::name).thenComparingInt(ThreadDelta::tid));
        return new SwitchDelta(after.takenAtNanos() - before.takenAtNanos(), after.cpuClock(), out);
    }

    public long elapsedNanos() {
        return elapsedNanos;
    }

    public CpuClock cpuClock() {
        return cpuClock;
    }

    /** @return every thread, sorted by role, name, tid */
    public List<ThreadDelta> threads() {
        return threads;
    }

    public List<ThreadDelta> threads(ThreadRole role) {
        return threads.stream().filter(d -> d.role() == role).toList();
    }

    /** @return the thread with this tid, or null */
    public ThreadDelta thread(int tid) {
        for (ThreadDelta d : threads) {
            if (d.tid() == tid) {
                return d;
            }
        }
        return null;
    }

    public RoleTotals totals(ThreadRole role) {
        return totals.get(role);
    }

    /** @return threads whose figures for the interval are unknown (unregistered threads that ended) */
    public List<ThreadDelta> lost() {
        return threads.stream().filter(d -> d.fate() == Fate.LOST).toList();
    }

    @Override
    public String toString() {
        return "SwitchDelta{elapsedNanos=" + elapsedNanos + ", host=" + totals(ThreadRole.HOST) + ", device="
                + totals(ThreadRole.DEVICE) + ", other=" + totals(ThreadRole.OTHER) + '}';
    }
}
