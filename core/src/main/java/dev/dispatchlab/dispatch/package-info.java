/**
 * Kernel-style dispatch primitives: the pieces every dispatch model is built from. Each decides
 * which thread runs a piece of work and how work moves between threads; none knows about packets.
 *
 * <h2>Overview</h2>
 * Work is a {@link dev.dispatchlab.dispatch.Work} ({@code (StageContext ctx, int budget) -> done})
 * or an {@link dev.dispatchlab.dispatch.ItemHandler} over a typed item. Who runs it:
 * <pre>
 *   primitive                         thread                          NetBSD / elsewhere
 *   HardInterrupt                     the raising (device) thread     hardware interrupt handler
 *   Softints / Softint / SoftintQueue one per level per CPU           softint(9), pktqueue(9)
 *   WorkQueue                         one per CPU, may block          workqueue(9) WQ_PERCPU
 *   ExecutionContext + Continuation   one per context                 kcont; Netty's event loop
 *   InterruptThread                   one per interrupt source        Solaris / FreeBSD ithreads
 *   Puller (NAPI, BUSY_POLL)          one per ring                    Linux NAPI; busy polling
 *   VirtualWorkers / VirtualInbox     virtual threads on carriers     (Java 21+) virtual threads
 *   CompletionTargets                 (routes crypto completions onto the above)
 * </pre>
 * Every thread-owning primitive has its own {@link dev.dispatchlab.packet.StageContext} (its
 * counters, clock and slot), takes its threads from an injected {@link java.util.concurrent.ThreadFactory}
 * (the runtime's registers roles and pins CPUs) and its waiting from an
 * {@link dev.dispatchlab.dispatch.IdleStrategy}, and follows one {@link dev.dispatchlab.dispatch.Lifecycle}.
 *
 * <h2>Handoffs and wakeups: the doorbell protocol</h2>
 * Every cross-thread handoff is "publish, then ring": the sender offers the item on a bounded
 * queue (JCTools, allocation-free), then rings the receiver's {@link dev.dispatchlab.dispatch.Doorbell}.
 * The receiver consumes the ring (an atomic swap that synchronizes with the last ringer) before it
 * looks for work, and sleeps only through a CAS from IDLE to PARKED that fails if a ring came in
 * between. So a ring is never lost and the receiver never re-checks after parking; a ring on an
 * awake receiver is a swap (or one load, if a ring is already pending) and never a syscall. Only
 * the ring that finds the receiver parked unparks it, and the receiver counts that {@code WAKEUP}.
 * <pre>
 *   sender:   queue.offer(item) ──► bell.ring() ── was PARKED? ──► unpark (WAKEUP, counted by the woken)
 *   receiver: bell.consume() ──► poll queues until empty ──► idle.await(bell) ──┐
 *                 ▲                                                           │
 *                 └───────────────────────────────────────────────────────────┘
 * </pre>
 * Consumers poll with {@code poll()}, never {@code relaxedPoll()}: a sender whose ring coalesced into
 * a pending one may not have made its element visible yet when the receiver looks, and
 * {@code poll()} waits for an element whose slot was claimed, where {@code relaxedPoll()} would
 * report the queue empty and let the receiver sleep on it.
 *
 * <p>The one cross-context mechanism is the {@link dev.dispatchlab.dispatch.Continuation}: on the
 * target's own thread it calls the handler directly ({@code CONTINUATION_IMMEDIATE}, no switch);
 * from elsewhere it queues and rings ({@code CONTINUATION_DEFERRED}, {@code HANDOFF}); a full queue
 * refuses ({@code QUEUE_FULL}) and the caller, who still owns the item, drops it with a reason.
 *
 * <h2>Levels</h2>
 * {@link dev.dispatchlab.dispatch.SoftintLevel}: clock, bio, net, serial, each a thread of its own
 * per CPU. The JVM cannot give them kernel priorities; a level only separates threads.
 *
 * <h2>What handlers may and may not do</h2>
 * <pre>
 *   runs in                  may block?          may                                   must not
 *   HardInterrupt            no                  mask its device, take work, schedule  sleep, wait for a lock held long
 *   Softint, SoftintQueue    briefly             schedule softints and continuations   hold up its level for long
 *   Continuation             briefly             schedule continuations (nesting ≤ 8)  hold up its context
 *   WorkQueue                yes                 sleep, take locks, do I/O             assume it runs before later items
 *   InterruptThread          briefly             take sleeping locks                   leave its source masked
 *   Puller poll              no (source masked)  run every stage to completion         take more than its budget
 *   VirtualWorkers body      yes (parks)         block on j.u.c locks, crypto, rings   spin on a carrier
 * </pre>
 * A handler returns the number of items it did; returning its whole budget means "more remains"
 * and it is run again after others had a turn ({@code BUDGET_EXHAUSTED}).
 *
 * <h2>Per-CPU operation</h2>
 * Softints, continuation contexts and work-queue workers exist per CPU and are fed by their CPU's
 * thread factory, which pins them: work scheduled on a CPU stays there, so its data stays in that
 * CPU's cache. Moving work to another CPU is always an explicit handoff (and is counted as one).
 * Counters are per context and single-writer: each count goes into the block of the context that
 * made the state change (the caller of a schedule, the woken thread for a wakeup).
 *
 * <h2>Interrupts and masking</h2>
 * <pre>
 *   device thread:   place packets ── service(): fence; ring enabled and due? ──► line.raise()
 *                                                                                 │
 *        HardInterrupt: handler runs here ◄───────────────────────────────────────┤
 *        InterruptThread / Puller / VirtualWorker top half: mask ring, ring bell ◄┘
 *   consumer:  drain under budget ── ring empty ──► enable; fence; re-check ── work? ─► mask, REARM_RACE, drain
 *                                                                          └ none ─► sleep
 * </pre>
 * Device and consumer each store, fence, then load the other's variable, so a packet that races the
 * re-enable is seen by one of them: never a lost interrupt, at worst a spurious one.
 *
 * <h2>Costs (measured)</h2>
 * Measured with {@code dev.dispatchlab.bench.DispatchCosts} (bench module) on the 2-vCPU KVM guest
 * of the reference notes (Zen 4, Linux 6.18, JDK 25); medians of 5 runs on a quiet machine (with
 * other builds running, the cross-thread figures moved by a factor of 3 either way):
 * <pre>
 *   doorbell ring, ring already pending          &lt; 1 ns       one load
 *   doorbell ring + consume, receiver awake      11 ns        two uncontended swaps
 *   softint schedule, already pending            0.7 ns       (SOFTINT_COALESCED)
 *   continuation, immediate                      1.8 ns       (reference notes: 1.37 ns in C)
 *   round trip between two parked threads        25 us        2 context switches per round trip
 *   round trip, spin-then-park or spin           0.45 us      0 switches (both threads had a CPU)
 *   softint schedule -> run -> ring back         47 us        2 switches per round trip
 * </pre>
 * So a handoff to a sleeping thread costs four orders of magnitude more than a direct call, and
 * almost all of it is the wakeup: the figure the 2007 argument is about.
 *
 * <h2>Lifecycle</h2>
 * {@code start()} once; {@code stop()} asks threads to finish what is queued and end (stop
 * producers first); {@code join(timeout)}; then {@code threads()} are all dead and counters are
 * exact; {@code close()} returns stage-context slots. Items that raced past a stopped consumer are
 * handed to a discard handler ({@code discardRemaining}, {@code RxRing.discard}) after join, so a
 * run can account for every packet.
 *
 * <h2>Building the models</h2>
 * <pre>
 *   push:     ring ─ HardInterrupt or InterruptThread (ether_input) ─► SoftintQueue "ipintrq" (softnet/cpu)
 *             ─► crypto submit ─► CompletionTargets.softint(...) ─► softnet/cpu ─► socket
 *   ithread:  ring ─ InterruptThread (rx, ip, esp submit) ─► crypto ─► completion on the crypto
 *             interrupt thread (INLINE target on the driver's completion InterruptThread)
 *   puller:   ring ─ Puller (NAPI): every stage to completion; crypto inline (software driver) or
 *             CompletionTargets.continuation(...) back onto a context on the same CPU
 *   kcont:    ring ─ HardInterrupt/InterruptThread ─► Continuation on the CPU's ExecutionContext;
 *             crypto completes with CompletionTargets.continuation(cpu context)
 *   vthread:  ring ─ VirtualWorker.awaitWork ─► VirtualInbox ─► workers; crypto with
 *             VirtualWorker.completionTarget() + awaitCompletion; the workers end their passes
 *             (and signal the socket) on one SharedBudget
 *   busypoll: ring ─ Puller (BUSY_POLL): the interrupt stays masked, the thread never sleeps
 * </pre>
 *
 * <h2>Not implemented</h2>
 * Fast softints (running a softint on the interrupted thread's stack until it blocks) cannot be
 * expressed on the JVM: every softint run here is a full thread switch when its thread slept, the
 * "generic implementation" of kern_softint.c. Softint levels carry no priority. Work queues have no
 * {@code workqueue_wait}. Virtual-thread carriers are the JDK scheduler's and are not created by
 * the injected factory.
 */
package dev.dispatchlab.dispatch;
