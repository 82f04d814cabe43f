package dev.dispatchlab.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;

/**
 * Event and drop counters owned by one execution context.
 *
 * <p>Threading: single writer. Exactly one thread (the context that owns the block) increments;
 * any thread may read at any time. Increments are an opaque read-modify-write of the owner's own
 * slot (no lock prefix, no contention); readers use opaque loads, so a status line sees a recent,
 * untorn value and the end-of-run totals, read after the owning thread has stopped (a
 * happens-before edge through {@link Thread#join()} or the run's stop handshake), are exact. Sharing
 * a block between two writing threads loses counts: give each context its own and {@link #addTo sum}.
 */
public final class CounterBlock {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String owner;
    private final long[] events = new long[Counter.count()];
    private final long[] drops = new long[DropReason.count()];

    public CounterBlock(String owner) {
        this.owner = owner;
    }

    /** @return the name of the context that writes this block */
    public String owner() {
        return owner;
    }

    /** Adds one to {@code c}. Owner thread only. */
    public void inc(Counter c) {
        int i = c.ordinal();
        LONGS.setOpaque(events, i, (long) LONGS.getOpaque(events, i) + 1);
    }

    /** Adds {@code n} to {@code c}. Owner thread only. */
    public void add(Counter c, long n) {
        int i = c.ordinal();
        LONGS.setOpaque(events, i, (long) LONGS.getOpaque(events, i) + n);
    }

    /** Counts one drop for {@code r}. Owner thread only. Use {@code StageContext.drop}, which also frees the buffer. */
    public void drop(DropReason r) {
        int i = r.ordinal();
        LONGS.setOpaque(drops, i, (long) LONGS.getOpaque(drops, i) + 1);
    }

    /** Counts {@code n} drops for {@code r}. Owner thread only. */
    public void drop(DropReason r, long n) {
        int i = r.ordinal();
        LONGS.setOpaque(drops, i, (long) LONGS.getOpaque(drops, i) + n);
    }

    /** @return the current value of {@code c}; any thread */
    public long get(Counter c) {
        return (long) LONGS.getOpaque(events, c.ordinal());
    }

    /** @return the drops counted for {@code r}; any thread */
    public long get(DropReason r) {
        return (long) LONGS.getOpaque(drops, r.ordinal());
    }

    /** @return the sum of all drops; any thread */
    public long totalDrops() {
        long sum = 0;
        for (int i = 0; i < drops.length; i++) {
            sum += (long) LONGS.getOpaque(drops, i);
        }
        return sum;
    }

    /** Adds this block's values into {@code totals}, which must not be shared with a live writer. */
    public void addTo(CounterBlock totals) {
        for (int i = 0; i < events.length; i++) {
            totals.events[i] += (long) LONGS.getOpaque(events, i);
        }
        for (int i = 0; i < drops.length; i++) {
            totals.drops[i] += (long) LONGS.getOpaque(drops, i);
        }
    }

    /** Sets every counter to zero. Only while the owner is not writing (between runs). */
    public void clear() {
        for (int i = 0; i < events.length; i++) {
            LONGS.setOpaque(events, i, 0L);
        }
        for (int i = 0; i < drops.length; i++) {
            LONGS.setOpaque(drops, i, 0L);
        }
    }

    /** @return the non-zero drops, in enum order; allocates (reporting only) */
    public Map<DropReason, Long> dropsByReason() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            long v = get(r);
            if (v != 0) {
                m.put(r, v);
            }
        }
        return m;
    }

    /** @return the non-zero events, in enum order; allocates (reporting only) */
    public Map<Counter, Long> events() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            long v = get(c);
            if (v != 0) {
                m.put(c, v);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "CounterBlock{owner=" + owner + ", events=" + events() + ", drops=" + dropsByReason() + '}';
    }
}
