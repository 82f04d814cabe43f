package dev.dispatchlab.metrics;

/**
 * The named vocabulary of events the runtime counts, one counter per state change that matters to
 * the accounting or to the cost of a dispatch design. Drops are counted separately, by
 * {@link DropReason}. Stable ids are the ordinals; labels are what tables and JSON print.
 *
 * <p>Accounting identity checked at the end of every run (see {@code Accounting}):
 * {@code OFFERED = DELIVERED + IKE_PASSED + FRAGMENT_ABSORBED + sum(drops)}, with nothing in flight.
 */
public enum Counter {

    // ---- packet outcomes (the accounting identity) ---------------------------------------------
    /** A packet (frame or datagram) entered the path from a source. */
    OFFERED("offered"),
    /** The user thread received the packet's inner payload. */
    DELIVERED("delivered"),
    /** An IKE packet (UDP 500, or 4500 with the non-ESP marker) passed up to the IKE consumer. */
    IKE_PASSED("ike passed"),
    /** A fragment absorbed into a datagram being reassembled (one fragment of k continues as the datagram). */
    FRAGMENT_ABSORBED("fragment absorbed"),

    // ---- path events ---------------------------------------------------------------------------
    /** A datagram was completed by reassembly. */
    REASSEMBLED("reassembled"),
    /** An ESP packet passed its integrity check and was decrypted. */
    ESP_DECRYPTED("esp decrypted"),
    /** An ESP packet was encapsulated (outbound). */
    ESP_ENCRYPTED("esp encrypted"),
    /** Bytes of inner payload delivered to the user. */
    DELIVERED_BYTES("delivered bytes"),
    /** A delivered packet whose contents were not what the source sent (the run fails if this is not zero). */
    CONTENT_MISMATCH("content mismatch"),

    // ---- dispatch costs ------------------------------------------------------------------------
    /** A packet (or a request for it) moved from one execution context to another. */
    HANDOFF("handoffs"),
    /** A sleeping context was made runnable (an unpark that found a parked thread). */
    WAKEUP("wakeups"),
    /** A hard interrupt handler ran. */
    INTERRUPT("interrupts"),
    /** A softint was scheduled while not already pending. */
    SOFTINT_SCHEDULED("softints scheduled"),
    /** A softint schedule found it already pending (coalesced into the pending run). */
    SOFTINT_COALESCED("softints coalesced"),
    /** A softint handler run. */
    SOFTINT_RUN("softint runs"),
    /** A continuation was enqueued onto another context. */
    CONTINUATION_DEFERRED("continuations deferred"),
    /** A continuation ran at once because its context was already running. */
    CONTINUATION_IMMEDIATE("continuations immediate"),
    /** A poll (puller or busy-poll pass) found the ring empty. */
    EMPTY_POLL("empty polls"),
    /** A puller pass ended because its budget was used up while work remained. */
    BUDGET_EXHAUSTED("budget exhausted"),
    /** A queue between contexts was full and the handoff was refused (the packet is dropped with a reason). */
    QUEUE_FULL("queue full"),
    /**
     * After re-enabling its interrupt, a poller's re-check found work that arrived in between: the
     * lost-interrupt race of NAPI-style polling, caught by the re-check (the poller masks again and polls).
     */
    REARM_RACE("rearm races"),
    /** A device raised a hard interrupt line that was masked; the raise was ignored (edge-triggered). */
    INTERRUPT_MASKED("interrupts masked"),

    // ---- path events, appended to keep the stable ids above ------------------------------------
    /**
     * A packet whose IPv4 header or UDP checksum did not verify was passed on, because the path was
     * told not to verify checksums (captured traffic: transmit offload leaves partial checksums in
     * captures taken on the sender). Counted once per packet; the packet's outcome is counted as usual.
     */
    CHECKSUM_NOT_VERIFIED("checksum not verified");

    private static final Counter[] VALUES = values();

    private final String label;

    Counter(String label) {
        this.label = label;
    }

    /** @return the stable name used in tables and JSON */
    public String label() {
        return label;
    }

    public static int count() {
        return VALUES.length;
    }

    public static Counter of(int id) {
        return VALUES[id];
    }
}
