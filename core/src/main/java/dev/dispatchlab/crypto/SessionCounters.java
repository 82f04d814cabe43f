package dev.dispatchlab.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A session's own counts: requests submitted and completed by status. Striped adders, because any
 * context may submit on a session and any context may complete its requests, and a session (one per
 * SA) is too small a thing to carry a row per context.
 *
 * <p>Threading: any thread.
 */
final class SessionCounters {

    private static final int NO_OWNER = -1;
    /** Index of the owner's first cell in {@code ownerInline}: the cells sit on a cache line of their own. */
    private static final int PAD = 8;
    private static final VarHandle OWNER;
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(SessionCounters.class, "owner", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LongAdder submitted = new LongAdder();
    private final LongAdder[] completed = new LongAdder[CryptoStatus.count()];
    /** Requests submitted and completed in one call (the software path): one add instead of two. */
    private final LongAdder[] completedInline = new LongAdder[CryptoStatus.count()];
    /** The context slot that owns {@code ownerInline}, or {@code NO_OWNER}. */
    @SuppressWarnings("unused") // accessed through OWNER
    private int owner = NO_OWNER;
    /** The owner's inline completions by status, at {@code PAD + ordinal}: written by the owner alone (opaque). */
    private final long[] ownerInline = new long[CryptoStatus.count() + 2 * PAD];

    SessionCounters() {
        for (int i = 0; i < completed.length; i++) {
            completed[i] = new LongAdder();
            completedInline[i] = new LongAdder();
        }
    }

    /**
     * A request submitted and completed within the same call by context {@code slot}: counts as both.
     * A session is usually served inline by one context, so the first context to count becomes the
     * owner and adds to cells of its own with a plain store; any other adds to the striped adders.
     * That keeps a locked read-modify-write off the software driver's per-request path. Single writer
     * per cell: a slot belongs to one live context at a time ({@code StageContext}).
     */
    void submittedAndCompleted(CryptoStatus s, int slot) {
        int o = (int) OWNER.getOpaque(this);
        if (o == slot || (o == NO_OWNER && OWNER.compareAndSet(this, NO_OWNER, slot))) {
            int i = PAD + s.ordinal();
            CELLS.setOpaque(ownerInline, i, (long) CELLS.getOpaque(ownerInline, i) + 1);
        } else {
            completedInline[s.ordinal()].increment();
        }
    }

    /** @return requests with status ordinal {@code ordinal} submitted and completed in one call; any thread */
    private long inline(int ordinal) {
        return completedInline[ordinal].sum() + (long) CELLS.getOpaque(ownerInline, PAD + ordinal);
    }

    void submitted() {
        submitted.increment();
    }

    void completed(CryptoStatus s) {
        completed[s.ordinal()].increment();
    }

    long completedCount(CryptoStatus s) {
        return completed[s.ordinal()].sum() + inline(s.ordinal());
    }

    /** @return a snapshot named {@code owner}; allocates */
    CryptoStatsSnapshot snapshot(String owner, Map<String, Object> settings) {
        long sub = submitted.sum();
        long done = 0;
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (CryptoStatus st : CryptoStatus.values()) {
            if (st != CryptoStatus.PENDING) {
                long inline = inline(st.ordinal());
                long v = completed[st.ordinal()].sum() + inline;
                sub += inline;
                byStatus.put(st.label(), v);
                done += v;
            }
        }
        return new CryptoStatsSnapshot(owner, sub, Math.max(0, sub - done), byStatus, Map.of(), 0, 0, 0, null, settings,
                List.of());
    }
}
