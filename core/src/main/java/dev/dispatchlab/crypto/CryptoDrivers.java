package dev.dispatchlab.crypto;

/** The interchangeable crypto drivers (see {@link CryptoDriver}). */
public enum CryptoDrivers {
    /** Synchronous, inline in the submitter's thread: no threads, no handoffs. */
    SOFTWARE,
    /** An emulated accelerator: submission ring, engine threads (device threads), completion ring, coalesced completion interrupt. */
    OFFLOAD,
    /** Chooses per request: small packets inline, large ones (or when the engine is idle) to the engine. */
    AUTO
}
