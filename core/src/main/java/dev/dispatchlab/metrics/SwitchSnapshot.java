package dev.dispatchlab.metrics;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every thread's counts at one moment, as {@link ThreadSwitches#snapshot()} read them: the live
 * threads of {@code /proc/self/task}, and the registered threads that have ended with the last
 * counts the registry kept for them. Subtract two with {@link SwitchDelta#between}.
 *
 * <p>Immutable.
 */
public final class SwitchSnapshot {

    /**
     * One thread in a snapshot.
     *
     * @param live false when the thread had ended and the counts are the registry's last reading
     */
    public record Row(ThreadSample sample, ThreadRole role, String name, boolean live) {
    }

    /** A thread's identity: its tid and its start time (tids are reused). */
    record Key(int tid, long startTicks) {
    }

    private final long takenAtNanos;
    private final CpuClock cpuClock;
    private final Map<Key, Row> rows;

    SwitchSnapshot(long takenAtNanos, CpuClock cpuClock, Map<Key, Row> rows) {
        this.takenAtNanos = takenAtNanos;
        this.cpuClock = cpuClock;
        this.rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    /** @return when the snapshot was taken, on the clock given to {@link ThreadSwitches} */
    public long takenAtNanos() {
        return takenAtNanos;
    }

    public CpuClock cpuClock() {
        return cpuClock;
    }

    public Collection<Row> rows() {
        return rows.values();
    }

    /** @return the row of the live or remembered thread {@code tid}, or null */
    public Row row(int tid) {
        for (Row r : rows.values()) {
            if (r.sample().tid() == tid) {
                return r;
            }
        }
        return null;
    }

    Map<Key, Row> byKey() {
        return rows;
    }
}
