package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

/**
 * Where a crypto request's continuation runs. A driver that completes a request calls
 * {@link #complete(CryptoRequest, StageContext)} in its completing context (the submitter for the
 * software driver, the completion interrupt for the offload driver); the target either runs the
 * continuation there ({@link #INLINE}), queues it onto another dispatch context and schedules that
 * context (the dispatch runtime provides those targets), or wakes a thread waiting for the result.
 *
 * <p>Threading: {@code complete} may be called from any thread; a target that queues must accept
 * concurrent calls or document that it needs one completing thread.
 */
public interface CompletionTarget {

    /**
     * Delivers a completed request (its status is set) to its continuation.
     *
     * @param completer the context that completed the request, used when the continuation runs inline
     */
    void complete(CryptoRequest request, StageContext completer);

    /** @return a short name for reports, e.g. {@code "inline"}, {@code "softnet/0"} */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Run the continuation at once in the completing context (the "interrupt" context). */
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
