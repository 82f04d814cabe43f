package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.OwnerFirstCounters;
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

    private final LongAdder submitted = new LongAdder();
    private final LongAdder[] completed = new LongAdder[CryptoStatus.count()];
    /**
     * Requests submitted and completed in one call (the software path), by status: one add instead of
     * two, and, as a session is usually served inline by one context, without a locked instruction.
     */
    private final OwnerFirstCounters completedInline = new OwnerFirstCounters(CryptoStatus.count());

    SessionCounters() {
        for (int i = 0; i < completed.length; i++) {
            completed[i] = new LongAdder();
        }
    }

    /** A request submitted and completed within the same call by context {@code slot}: counts as both. */
    void submittedAndCompleted(CryptoStatus s, int slot) {
        completedInline.add(slot, s.ordinal(), 1);
    }

    /** @return requests with status ordinal {@code ordinal} submitted and completed in one call; any thread */
    private long inline(int ordinal) {
        return completedInline.sum(ordinal);
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
