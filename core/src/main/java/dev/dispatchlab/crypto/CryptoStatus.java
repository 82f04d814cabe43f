package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.DropReason;

/** How a crypto request ended. Each failure maps onto the datapath's drop reason. */
public enum CryptoStatus {
    /** Not completed yet. */
    PENDING(null),
    /** Done: opened (verified, decrypted) or sealed. */
    OK(null),
    /** The ICV or AEAD tag did not verify; no plaintext was released. */
    INTEGRITY_FAILURE(DropReason.INTEGRITY),
    /** The driver's submission ring was full; refused at once, never queued. */
    QUEUE_FULL(DropReason.CRYPTO_QUEUE_FULL),
    /** Not completed within the driver's timeout (a stalled engine). */
    TIMEOUT(DropReason.CRYPTO_TIMEOUT),
    /** The session was closed while the request was in flight. */
    SESSION_CLOSED(DropReason.SESSION_CLOSED),
    /** The engine failed the request. */
    ENGINE_FAILURE(DropReason.ENGINE_FAILURE),
    /** The request's regions do not fit the algorithm (payload not whole blocks, regions outside the buffer). */
    INVALID_REQUEST(DropReason.ESP_BAD_LENGTH);

    private final DropReason dropReason;

    CryptoStatus(DropReason dropReason) {
        this.dropReason = dropReason;
    }

    /** @return the drop reason a failed request's packet is dropped with; null for OK and PENDING */
    public DropReason dropReason() {
        return dropReason;
    }
}
