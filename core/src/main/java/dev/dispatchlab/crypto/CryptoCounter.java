package dev.dispatchlab.crypto;

/**
 * The named vocabulary of what a crypto driver counts, one counter per state change of a request or
 * of the emulated device. Completions are counted separately, by {@link CryptoStatus}; latency goes
 * into a histogram. Stable ids are the ordinals; {@link #label()} is what tables and JSON print.
 *
 * <p>Identities a report may check once traffic has stopped:
 * <pre>
 *   SUBMITTED = sum over statuses of completed(status)            (nothing in flight)
 *   DRAINED   = completions that went through the completion ring (offload)
 *   INTERRUPTS + COALESCED_COMPLETIONS = completions signalled     (offload)
 * </pre>
 */
public enum CryptoCounter {

    // ---- submission -------------------------------------------------------------------------
    /** Requests handed to the driver, refused ones included. */
    SUBMITTED("submitted"),
    /** Submit and submitBatch calls: doorbells rung. SUBMITTED / SUBMIT_CALLS is the mean submit batch. */
    SUBMIT_CALLS("submit calls"),
    /** Doorbells that found an engine thread parked and unparked it (a wakeup paid by the submitter). */
    ENGINE_WAKEUPS("engine wakeups"),

    // ---- the emulated engine ----------------------------------------------------------------
    /** Requests an engine claimed and processed (or failed, or found closed). */
    ENGINE_REQUESTS("engine requests"),
    /** Payload bytes of the requests the engines processed. */
    ENGINE_BYTES("engine bytes"),
    /** Submission-ring entries whose request had already been completed (timed out, cancelled) when an engine took them. */
    STALE_DESCRIPTORS("stale descriptors"),
    /** An engine came back to a request it had taken, but the request had timed out or been cancelled meanwhile: result discarded. */
    LATE_COMPLETIONS_DISCARDED("late completions discarded"),
    /** An engine found the completion ring at its limit and waited for the host to drain it. */
    COMPLETION_RING_FULL("completion ring full"),

    // ---- completion interrupt and drain -------------------------------------------------------
    /** Completion interrupts fired: the line raised, or (no line connected) the handler run by a device thread. */
    INTERRUPTS("completion interrupts"),
    /** Completions that rode on an interrupt fired for an earlier completion (coalescing at work). */
    COALESCED_COMPLETIONS("coalesced completions"),
    /** Drain calls that delivered at least one completion. DRAINED / DRAIN_RUNS is the mean completion batch. */
    DRAIN_RUNS("drain runs"),
    /** Drain calls that got the drain and found nothing to deliver (an interrupt whose completions an earlier drain took). */
    EMPTY_DRAINS("empty drains"),
    /** Completions taken off the completion ring and delivered to their targets. */
    DRAINED("completions drained"),
    /** Drain calls that stopped at their budget with completions left. */
    DRAIN_BUDGET_EXHAUSTED("drain budget exhausted"),
    /** Batches handed to targets: one {@code completeBatch} per target per drained chunk. */
    TARGET_BATCHES("target batches"),
    /** A continuation (or target) threw; the rest of the batch was still delivered. */
    CONTINUATION_FAILURES("continuation failures"),

    // ---- failures handled by the framework ------------------------------------------------------
    /** Requests the watchdog completed because the engine had not started them by their deadline. */
    WATCHDOG_EXPIRED("watchdog expired"),
    /** Queued requests completed with SESSION_CLOSED when their session was torn down. */
    SESSION_CANCELLED("session cancelled"),
    /** Queued requests completed with ENGINE_FAILURE when the driver was shut down. */
    SHUTDOWN_CANCELLED("shutdown cancelled"),

    // ---- the auto driver's routing --------------------------------------------------------------
    /** Auto: requests below the engine threshold, run inline by the software driver. */
    ROUTED_INLINE("routed inline"),
    /** Auto: requests queued to the engine. */
    ROUTED_ENGINE("routed to engine"),
    /** Auto: large requests run inline because the engine queue was deep or full. */
    FALLBACK_INLINE("fallback inline");

    private static final CryptoCounter[] VALUES = values();

    private final String label;

    CryptoCounter(String label) {
        this.label = label;
    }

    /** @return the stable name used in tables and JSON */
    public String label() {
        return label;
    }

    public static int count() {
        return VALUES.length;
    }

    public static CryptoCounter of(int id) {
        return VALUES[id];
    }
}
