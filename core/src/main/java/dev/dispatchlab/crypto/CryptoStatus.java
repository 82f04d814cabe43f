package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.DropReason;

/**
 * How a crypto request ended (OCF's {@code crp_etype}). Each failure maps onto the datapath's drop
 * reason, so that a continuation drops a failed packet with {@code ctx.drop(packet, status.dropReason())}
 * and the run's accounting stays whole. {@link #label()} is the stable name used in tables and JSON.
 */
public enum CryptoStatus {
    /** Not completed yet. */
    PENDING("pending", null),
    /** Done: opened (verified, decrypted) or sealed. */
    OK("ok", null),
    /** The ICV or AEAD tag did not verify; no plaintext was released. */
    INTEGRITY_FAILURE("integrity failure", DropReason.INTEGRITY),
    /** The driver's submission ring was full; refused at once, never queued. */
    QUEUE_FULL("queue full", DropReason.CRYPTO_QUEUE_FULL),
    /** Not started by the engine within the driver's timeout (a stalled engine); completed by the watchdog. */
    TIMEOUT("timeout", DropReason.CRYPTO_TIMEOUT),
    /** The session was closed while the request was in flight (or before it was submitted). */
    SESSION_CLOSED("session closed", DropReason.SESSION_CLOSED),
    /** The engine failed the request, or the driver was shut down with the request queued. */
    ENGINE_FAILURE("engine failure", DropReason.ENGINE_FAILURE),
    /** The request's regions do not fit the algorithm (payload not whole blocks, regions outside the buffer). */
    INVALID_REQUEST("invalid request", DropReason.ESP_BAD_LENGTH);

    private static final CryptoStatus[] VALUES = values();

    private final String label;
    private final DropReason dropReason;

    CryptoStatus(String label, DropReason dropReason) {
        this.label = label;
        this.dropReason = dropReason;
    }

    /** @return the stable name used in tables and JSON, e.g. {@code "queue full"} */
    public String label() {
        return label;
    }

    /** @return the drop reason a failed request's packet is dropped with; null for OK and PENDING */
    public DropReason dropReason() {
        return dropReason;
    }

    /** @return the number of statuses, the length of per-status counter arrays */
    public static int count() {
        return VALUES.length;
    }

    /** @return the status with ordinal {@code id}; no allocation */
    public static CryptoStatus of(int id) {
        return VALUES[id];
    }
}
