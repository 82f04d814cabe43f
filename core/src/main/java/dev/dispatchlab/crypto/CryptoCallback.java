package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

/**
 * The continuation of a crypto request: what runs when it completes (OCF's {@code crp_callback},
 * a kcont). It runs exactly once per submission, in the context the request's
 * {@link CompletionTarget} chose, and receives that context's {@link StageContext}. It owns the
 * request and its packet from then on.
 */
@FunctionalInterface
public interface CryptoCallback {
    void cryptoDone(CryptoRequest request, StageContext ctx);
}
