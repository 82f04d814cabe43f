package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

/**
 * A crypto driver: something that does the work of requests and completes them (OCF's
 * {@code cryptodev} drivers). The choice of drivers is the {@link CryptoDrivers} enum.
 *
 * <h2>Contract, for every driver</h2>
 * <ul>
 *   <li>{@link #submit} never blocks. Every submitted request completes exactly once: its status is
 *       set and its {@link CompletionTarget} is called, which runs the continuation exactly once.</li>
 *   <li>A request the driver refuses (full submission ring) completes at once, in the submitter,
 *       with {@link CryptoStatus#QUEUE_FULL}.</li>
 *   <li>A request whose session is closed completes with {@link CryptoStatus#SESSION_CLOSED}.</li>
 *   <li>The result of a request equals the software driver's for the same input.</li>
 * </ul>
 *
 * <p>Threading: {@code submit} and {@code submitBatch} may be called from any number of threads.
 */
public interface CryptoDriver extends AutoCloseable {

    /** @return the driver's name for reports, e.g. {@code "software"} */
    String name();

    /**
     * Submits one request.
     *
     * @param submitter the submitting context; the software driver runs the transform for its slot and
     *                  completes in it
     */
    void submit(CryptoRequest r, StageContext submitter);

    /**
     * Submits {@code count} requests with one doorbell (OCF {@code CRYPTO_F_BATCH}, a VPP frame).
     * Each request is completed as with {@link #submit}.
     */
    default void submitBatch(CryptoRequest[] batch, int count, StageContext submitter) {
        for (int i = 0; i < count; i++) {
            submit(batch[i], submitter);
        }
    }

    /** Called when a session bound to this driver is created. */
    default void sessionOpened(CryptoSession s) {
    }

    /** Called when a session bound to this driver is closed; in-flight requests must complete as closed. */
    default void sessionClosed(CryptoSession s) {
    }

    /** Stops the driver's threads; requests still queued complete with {@link CryptoStatus#ENGINE_FAILURE}. */
    @Override
    default void close() {
    }
}
