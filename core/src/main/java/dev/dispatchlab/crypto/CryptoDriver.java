package dev.dispatchlab.crypto;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.packet.StageContext;

/**
 * A crypto driver: what does the work of requests and completes them (OCF's drivers behind
 * {@code crypto_dispatch}). The choices are the {@link CryptoDrivers} enum; the package note draws them.
 *
 * <h2>Contract, for every driver</h2>
 * <ul>
 *   <li><b>Sessions.</b> One {@link CryptoSession} per SA, made with {@link #newSession} (or
 *       {@code new CryptoSession(params, driver)}), holding the algorithms and keys. The session
 *       owns the per-context transforms: each context that does cipher work for the session (a
 *       submitter for {@code software}, an engine thread for {@code offload}) uses its own, found by
 *       its {@link StageContext#slot() slot}.</li>
 *   <li><b>Requests.</b> A {@link CryptoRequest} carries the operation, the packet buffer with offsets
 *       (AAD, IV, payload, ICV; never a copy) and a continuation: a {@link CryptoCallback} and the
 *       {@link CompletionTarget} that decides the context it runs in ({@link CompletionTarget#INLINE},
 *       a dispatch context the runtime provides, or {@link WaiterTarget} for a waiting thread).</li>
 *   <li><b>Exactly once.</b> {@link #submit} never blocks. Every submitted request completes exactly
 *       once: its status is set, it is marked {@link CryptoRequest#isDone() done}, and its target is
 *       called once, which runs the continuation once. Completion may happen before {@code submit}
 *       returns (always, for {@code software}).</li>
 *   <li><b>Statuses.</b> {@link CryptoStatus#OK}; {@code INTEGRITY_FAILURE} (bad ICV or tag, no
 *       plaintext released); {@code QUEUE_FULL} (the submission ring was full: refused at once, in
 *       the submitter, counted); {@code TIMEOUT} (the engine had not started it by the deadline;
 *       completed by the watchdog, and a late engine result is discarded, never delivered twice);
 *       {@code SESSION_CLOSED} (torn down with the request in flight, or submitted after);
 *       {@code ENGINE_FAILURE} (the engine failed it, or the driver shut down with it queued).
 *       Each maps to a drop reason: {@link CryptoStatus#dropReason()}.</li>
 *   <li><b>Results.</b> The bytes a request leaves in the packet equal the software driver's for the
 *       same input.</li>
 *   <li><b>Batching.</b> {@link #submitBatch} rings one doorbell for many requests (OCF
 *       {@code CRYPTO_F_BATCH}); asynchronous drivers deliver completions in batches, one
 *       {@link CompletionTarget#completeBatch} per target per drained chunk.</li>
 *   <li><b>Completion interrupt.</b> An asynchronous driver ({@link #hasCompletionInterrupt()})
 *       signals completions on an {@link InterruptLine} the runtime connects with
 *       {@link #connectInterrupt}; the handler body is {@link #drainCompletions}, which the runtime
 *       calls from the context it chooses (hard interrupt, interrupt thread, puller, softint).
 *       Without a line, a device thread of the driver runs the handler itself.</li>
 *   <li><b>Allocation.</b> Nothing is allocated per request on the submit and complete paths; requests
 *       are the submitter's, reused; rings are preallocated.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * {@code submit} and {@code submitBatch} may be called from any number of threads, each with its own
 * context. {@code drainCompletions} may be called from any thread; concurrent calls are safe (one
 * drains, the others return 0). A continuation must never wait for another crypto request: it may
 * run in the only thread that could complete it.
 */
public interface CryptoDriver extends AutoCloseable {

    /** @return the driver's name for reports, e.g. {@code "software"} */
    String name();

    /** Opens a session for one SA on this driver (OCF {@code crypto_newsession}). */
    default CryptoSession newSession(SessionParams params) {
        return new CryptoSession(params, this);
    }

    /**
     * Submits one request (OCF {@code crypto_dispatch}). Never blocks; the continuation may run before
     * this returns.
     *
     * @param submitter the submitting context: its slot picks the transform for inline work, and
     *                  refusals and inline completions run in it
     */
    void submit(CryptoRequest r, StageContext submitter);

    /**
     * Submits {@code batch[0, count)} with one doorbell (OCF {@code CRYPTO_F_BATCH}, a VPP crypto frame).
     * Each request completes as with {@link #submit}; refused ones complete in the submitter during the call.
     * The requests may belong to different sessions of this driver.
     */
    default void submitBatch(CryptoRequest[] batch, int count, StageContext submitter) {
        for (int i = 0; i < count; i++) {
            submit(batch[i], submitter);
        }
    }

    /** Called when a session bound to this driver is created. */
    default void sessionOpened(CryptoSession s) {
    }

    /** Called once when a session bound to this driver is closed; in-flight requests must complete as closed. */
    default void sessionClosed(CryptoSession s) {
    }

    /** @return true if completions arrive asynchronously through {@link #drainCompletions} */
    default boolean hasCompletionInterrupt() {
        return false;
    }

    /**
     * Connects the completion interrupt: from now on the driver raises {@code line} (coalesced) when
     * completions wait, and the runtime runs {@link #drainCompletions} in response. {@code null}
     * disconnects it: a device thread of the driver then runs the handler itself. Ignored by drivers
     * that complete synchronously.
     */
    default void connectInterrupt(InterruptLine line) {
    }

    /**
     * The completion interrupt's handler body (OCF: the driver's interrupt handler calling
     * {@code crypto_done} per request): takes up to {@code budget} completions off the completion ring
     * and hands them to their targets, in batches, in the calling context.
     *
     * @param ctx    the handler's context: INLINE continuations run with it, and its counters count the handoffs
     * @param budget the most completions to deliver
     * @return completions delivered; {@code budget} means more may wait, so call again (NAPI style):
     *         the driver does not raise the line again for completions it has already signalled
     */
    default int drainCompletions(StageContext ctx, int budget) {
        return 0;
    }

    /** @return true if completions wait on the completion ring (a racy hint for a handler deciding to sleep) */
    default boolean completionsPending() {
        return false;
    }

    /** @return counts, batch sizes, queue high water and latency so far; allocates (reporting only) */
    CryptoStatsSnapshot stats();

    /**
     * Stops the driver's threads and completes everything still in it, delivering the remaining
     * completions in {@code ctx}: queued requests complete with {@link CryptoStatus#ENGINE_FAILURE}.
     * Requests submitted afterwards are refused with {@code ENGINE_FAILURE}. The runtime calls this
     * from a context whose counters it reads, so that those completions' drops are accounted.
     */
    default void shutdown(StageContext ctx) {
    }

    /** {@link #shutdown} in a throwaway context (tests and tools). Idempotent. */
    @Override
    void close();
}
