/**
 * The crypto framework: sessions, asynchronous requests with continuations, and interchangeable
 * drivers, one of which emulates an offload card with rings, engine threads and a coalesced
 * completion interrupt. It is the part of the receive path where the dispatch designs differ most:
 * an inline cipher costs no context switch, an offload engine costs a handoff out and an interrupt
 * back, and where the continuation then runs is exactly what the 2007 argument was about.
 *
 * <h2>Overview</h2>
 * <pre>
 *  CryptoSession (one per SA: params, keys, per-context Transforms)
 *        |
 *  CryptoRequest.describe(session, op, packet, aad, iv, payload, len, icv, seqHigh)   no copies
 *               .then(callback, target)                                             the continuation
 *        |
 *  session.submit(r, ctx) / driver.submitBatch(rs, n, ctx)     never blocks, completes exactly once
 *        |
 *        +-- software : transform(ctx.slot()).process(r) in the submitter, then target.complete
 *        +-- offload  : the emulated card below
 *        +-- auto     : payload &lt; engineMinBytes or engine queue deep -&gt; software, else offload
 * </pre>
 *
 * <h2>The offload driver</h2>
 * <pre>
 *   host: submitter contexts                 device: the emulated card                host: interrupt context
 *   (softnet, puller, vthread)               (DEVICE threads from the injected factory)
 *
 *   submit / submitBatch
 *     |  take a descriptor, stamp QUEUED
 *     v
 *   [ submission ring ]  MPMC, submissionRingSize; full -&gt; QUEUE_FULL at once, counted
 *     |  doorbell: unpark a parked engine (one per batch)
 *     v
 *   engine 0 .. engines-1:  wait PCI latency / bytes-per-second,
 *                           CAS QUEUED-&gt;RUNNING, real JCA work with the engine's own transform slot
 *     |
 *     v
 *   [ completion ring ]  MPSC, engines stall at completionRingSize until the host drains
 *     |  coalescing: after coalesceCount completions or coalesceNanos after the first
 *     v
 *   InterruptLine.raise()  ------------------------------------------------&gt;  runtime's handler:
 *   (no line connected: the engine thread runs the handler itself)         drainCompletions(ctx, budget)
 *                                                                                 |  per target, one
 *                                                                                 v  completeBatch
 *                                                     INLINE (runs here) | QueuedCompletionTarget
 *                                                     (softint, kcont, workqueue) | WaiterTarget (unpark)
 *
 *   watchdog thread: every watchdogPeriodNanos, CAS QUEUED-&gt;DONE for requests past their deadline
 *                    (TIMEOUT), post them to the completion ring, ask an engine to fire.
 *   session.close(): CAS its QUEUED requests to DONE (SESSION_CLOSED), post, ask an engine to fire.
 * </pre>
 * Legend: one descriptor per request in the card; a descriptor's stamp is
 * {@code (incarnation, FREE|QUEUED|RUNNING|DONE)} and whoever wins the CAS out of QUEUED owns the
 * completion, so a late engine result after a timeout is discarded, never delivered twice.
 *
 * <h2>How a dispatch runtime uses it</h2>
 * <pre>{@code
 * CryptoDriver driver = CryptoDrivers.OFFLOAD.create(CryptoDriverConfig.defaults()
 *         .withClock(clock).withThreadFactory(deviceThreadFactory)      // DEVICE-role threads
 *         .withOffload(OffloadConfig.defaults().withEngines(2).withCoalescing(8, 10_000)));
 * driver.connectInterrupt(cryptoIrq);          // raise() schedules the model's crypto interrupt context
 * // ... which runs the handler NAPI style:
 * while (driver.drainCompletions(irqCtx, 64) == 64) { }
 *
 * // continuation in a softint / kcont queue / work queue:
 * final class SoftnetTarget extends QueuedCompletionTarget {
 *     SoftnetTarget() { super("softnet/0", 1024); }
 *     protected void schedule() { softnet.schedule(); }   // once per delivered batch
 * }                                                        // softnet handler: target.runCompletions(ctx, budget)
 * request.describe(session, CryptoOp.OPEN, packet, ...).then(espInputCallback, softnetTarget);
 * session.submit(request, softnetCtx);
 *
 * // continuation = the rest of a virtual thread's code:
 * CryptoStatus st = WaiterTarget.submitAndWait(request, vthreadCtx);
 *
 * driver.shutdown(runtimeCtx);                 // completes what is left, in a context the accounting reads
 * String json = driver.stats().toJson();
 * }</pre>
 *
 * <h2>Mapping to NetBSD / OCF</h2>
 * <table>
 *   <caption>OCF names and their counterparts here</caption>
 *   <tr><th>OCF</th><th>here</th></tr>
 *   <tr><td>{@code crypto_newsession(&sid, cri, hard)}, {@code crypto_freesession(sid)}</td>
 *       <td>{@link dev.dispatchlab.crypto.CryptoDriver#newSession}, {@link dev.dispatchlab.crypto.CryptoSession#close()};
 *           the session is bound to one driver when made, as OCF picks a driver per session</td></tr>
 *   <tr><td>{@code struct cryptop}: {@code crp_sid}, {@code crp_buf}, {@code crp_desc},
 *           {@code crp_callback}, {@code crp_opaque}, {@code crp_etype}</td>
 *       <td>{@link dev.dispatchlab.crypto.CryptoRequest}: session, packet and region offsets, callback,
 *           {@code opaque()}, {@code status()}; preallocated and reused, never {@code crypto_getreq}'d</td></tr>
 *   <tr><td>{@code crypto_dispatch(crp)}</td><td>{@link dev.dispatchlab.crypto.CryptoSession#submit}</td></tr>
 *   <tr><td>{@code CRYPTO_F_BATCH} (queue for the {@code cryptointr} softint, hand to the driver with
 *           {@code CRYPTO_HINT_MORE} so it defers its doorbell)</td>
 *       <td>{@link dev.dispatchlab.crypto.CryptoDriver#submitBatch}: the caller batches, one doorbell</td></tr>
 *   <tr><td>driver {@code process} returning {@code ERESTART}: driver marked blocked, request requeued,
 *           {@code crypto_unblock} later</td>
 *       <td>refused at once with {@code QUEUE_FULL} and counted; the packet is dropped with a reason</td></tr>
 *   <tr><td>{@code crypto_done(crp)} from the card's interrupt handler</td>
 *       <td>{@link dev.dispatchlab.crypto.CryptoDriver#drainCompletions}, the handler body, per request</td></tr>
 *   <tr><td>{@code CRYPTO_F_CBIMM}: callback run directly in the interrupt context</td>
 *       <td>{@link dev.dispatchlab.crypto.CompletionTarget#INLINE}</td></tr>
 *   <tr><td>default: queued on {@code crp_ret_q}, run by the {@code cryptoret} kernel thread
 *           ({@code cv_signal} when the queue was empty: a context switch per batch)</td>
 *       <td>a {@link dev.dispatchlab.crypto.QueuedCompletionTarget} served by a thread, or a softint</td></tr>
 *   <tr><td>{@code CRYPTO_F_USER} with {@code CRYPTO_F_DONE}: the {@code /dev/crypto} waiter does not sleep if done</td>
 *       <td>{@link dev.dispatchlab.crypto.WaiterTarget}</td></tr>
 * </table>
 *
 * <h2>What it costs</h2>
 * <ul>
 *   <li>software: the transform plus bookkeeping (single-writer counters in the submitter's ledger
 *       row, one striped session add; for one request in {@code inlineLatencySampling} two clock reads
 *       and a histogram record); {@code SoftwareDriverBench} in the bench module measures it against
 *       the bare JCA call.</li>
 *   <li>offload: per request a descriptor from an MPMC free list, an MPMC ring offer and poll, an
 *       MPSC completion offer and poll, three CAS on the descriptor stamp; per doorbell at most one
 *       unpark (a futex wake when the engine sleeps); per interrupt one raise and one drain with
 *       one {@code completeBatch} per target. {@code OffloadDriverBench} reports throughput and
 *       mean completion batch against queue depth.</li>
 *   <li>Engine threads are device threads: their CPU and switches are reported apart from the host's.
 *       On a 2-core machine an engine spinning out a short emulated latency still takes a core.</li>
 * </ul>
 *
 * <h2>Counting</h2>
 * {@link dev.dispatchlab.crypto.CryptoCounter} is the vocabulary, completions are counted by
 * {@link dev.dispatchlab.crypto.CryptoStatus}, submit-to-completion time goes into an HdrHistogram;
 * {@link dev.dispatchlab.crypto.CryptoDriver#stats()} and {@link dev.dispatchlab.crypto.CryptoSession#stats()}
 * return a {@link dev.dispatchlab.crypto.CryptoStatsSnapshot} (print it, or {@code toJson()}). The
 * offload driver also counts on the calling contexts' {@code CounterBlock}s: a
 * {@code HANDOFF} for each request queued to the card and each completion drained, a {@code WAKEUP}
 * for each engine a doorbell unparks, and {@code QUEUE_FULL} for each refusal.
 *
 * <h2>Not implemented</h2>
 * <ul>
 *   <li>Blocking and requeueing on a full driver ({@code ERESTART}, {@code crypto_unblock}): we refuse.</li>
 *   <li>Driver selection per algorithm and capability ({@code crypto_register}, {@code cc_alg}); a session's
 *       driver is chosen by the caller. Migrating sessions between drivers.</li>
 *   <li>Asymmetric operations ({@code crypto_kdispatch}), compression, chained descriptors (one request
 *       is one ESP packet's cipher and ICV work).</li>
 *   <li>Per-CPU submission rings with steering (QAT has many rings; here all engines share one) and
 *       interrupt affinity. Real DMA: the engine works on the host's buffer in place, so a request it
 *       has started can no longer time out.</li>
 *   <li>Latency is not corrected for coordinated omission.</li>
 * </ul>
 */
package dev.dispatchlab.crypto;
