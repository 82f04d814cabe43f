package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

/**
 * Where a crypto request's continuation runs: the "context it runs in" half of a continuation.
 *
 * <p>A driver that completes requests calls this in its completing context: the submitter for the
 * software driver, the completion interrupt's handler ({@code drainCompletions}) for the offload
 * driver. The target then does one of three things:
 * <ul>
 *   <li>runs the continuation at once in the completing context: {@link #INLINE} (OCF's
 *       {@code CRYPTO_F_CBIMM});</li>
 *   <li>queues it onto another dispatch context and schedules that context once per batch: a
 *       softint, a per-CPU continuation queue, a work queue ({@link QueuedCompletionTarget} is the
 *       skeleton; the dispatch runtime provides the concrete ones);</li>
 *   <li>wakes a thread parked in a wait for the result: {@link WaiterTarget}.</li>
 * </ul>
 *
 * <h2>Batches</h2>
 * The offload driver delivers completions in batches, one {@link #completeBatch} call per target per
 * drained chunk, so that a target that schedules a context schedules it once per batch, not once per
 * request (one {@code softint_schedule} for a whole interrupt's worth of completions).
 *
 * <h2>Threading</h2>
 * {@code complete} and {@code completeBatch} may be called from any thread, including several at once
 * (two engine threads each running the handler, the watchdog); a target that queues must use a
 * multi-producer queue. Neither may block: they run in an interrupt context. When a target is called
 * the request is already {@link CryptoRequest#isDone() done} and its status set; the target owns the
 * request from then on and must make its continuation run exactly once.
 */
public interface CompletionTarget {

    /**
     * Delivers one completed request to its continuation.
     *
     * @param completer the context that completed the request; the continuation runs with it when it
     *                  runs inline, and it must not be kept after the call
     */
    void complete(CryptoRequest request, StageContext completer);

    /**
     * Delivers {@code batch[from, from+count)}, all completed and all for this target. The array is
     * the driver's and is reused after the call returns: copy the references out, never keep the array.
     * The default delivers one by one; if a continuation throws, the rest of the batch is still
     * delivered and the first exception is rethrown at the end.
     */
    default void completeBatch(CryptoRequest[] batch, int from, int count, StageContext completer) {
        RuntimeException first = null;
        for (int i = from, end = from + count; i < end; i++) {
            try {
                complete(batch[i], completer);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Called by a submitter right after it submitted {@code request} with this target. Targets whose
     * continuation is "the code after the wait" (a thread written in blocking style: a virtual
     * worker, {@link WaiterTarget}) park the submitter here until the request completes and then run
     * its callback in the submitter with {@code submitter}; every other target returns at once and
     * runs the continuation where {@link #complete} puts it. Submitter's thread only.
     */
    default void afterSubmit(CryptoRequest request, StageContext submitter) {
    }

    /** @return a short name for reports, e.g. {@code "inline"}, {@code "softnet/0"} */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Runs the continuation at once in the completing context (the "interrupt" context); OCF {@code CRYPTO_F_CBIMM}. */
    CompletionTarget INLINE = new CompletionTarget() {
        @Override
        public void complete(CryptoRequest r, StageContext completer) {
            r.callback().cryptoDone(r, completer);
        }

        @Override
        public String name() {
            return "inline";
        }
    };
}
