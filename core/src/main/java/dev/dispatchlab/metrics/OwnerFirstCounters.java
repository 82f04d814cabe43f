package dev.dispatchlab.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A few counters that any context may add to, but that one context usually does: the first context
 * to add (by its stage-context slot) becomes the owner and adds to cells of its own with plain
 * (opaque) stores; every other context adds to striped {@link LongAdder}s. That keeps a locked
 * read-modify-write off a per-packet path whose counts are owned by one context, as an SA's are
 * when the NIC steers its flow to one queue, or a crypto session's when one context serves it inline.
 *
 * <pre>
 *   add(slot, i, v):  owner == slot, or no owner and this CAS makes slot the owner
 *                       ─► cells[PAD + i] = cells[PAD + i] + v    (opaque; single writer)
 *                     otherwise ─► shared[i].add(v)                (striped, locked)
 *   sum(i) = shared[i].sum() + cells[PAD + i]
 * </pre>
 *
 * <p>Threading: {@link #add} from any context with its own slot (a slot belongs to one live context
 * at a time and is handed on with a happens-before edge, see {@code StageContext}, so each owner cell
 * has a single writer); {@link #sum} from any thread, a snapshot.
 *
 * <p>Costs: the owner's cells sit on a cache line of their own (padded on both sides); the shared
 * adders allocate their stripes once, when contention first appears.
 */
public final class OwnerFirstCounters {

    private static final int NO_OWNER = -1;
    /** Longs on either side of the owner's cells: a 64-byte line. */
    private static final int PAD = 8;
    private static final VarHandle OWNER;
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(OwnerFirstCounters.class, "owner", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through OWNER
    private int owner = NO_OWNER;
    private final long[] cells;
    private final LongAdder[] shared;

    /** @param n the number of counters */
    public OwnerFirstCounters(int n) {
        cells = new long[n + 2 * PAD];
        shared = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            shared[i] = new LongAdder();
        }
    }

    /** Adds {@code v} to counter {@code i} for the context of {@code slot}. */
    public void add(int slot, int i, long v) {
        if (owns(slot)) {
            addOwned(i, v);
        } else {
            shared[i].add(v);
        }
    }

    /** Adds {@code v} to counter {@code i} and {@code w} to counter {@code j}, with one owner check. */
    public void add(int slot, int i, long v, int j, long w) {
        if (owns(slot)) {
            addOwned(i, v);
            addOwned(j, w);
        } else {
            shared[i].add(v);
            shared[j].add(w);
        }
    }

    /** @return counter {@code i}; any thread, a snapshot */
    public long sum(int i) {
        return shared[i].sum() + (long) CELLS.getOpaque(cells, PAD + i);
    }

    private boolean owns(int slot) {
        int o = (int) OWNER.getOpaque(this);
        return o == slot || (o == NO_OWNER && OWNER.compareAndSet(this, NO_OWNER, slot));
    }

    private void addOwned(int i, long v) {
        CELLS.setOpaque(cells, PAD + i, (long) CELLS.getOpaque(cells, PAD + i) + v);
    }
}
