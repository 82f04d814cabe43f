package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.dispatch.Lifecycle;
import dev.dispatchlab.dispatch.SharedBudget;
import dev.dispatchlab.dispatch.VirtualInbox;
import dev.dispatchlab.dispatch.VirtualWorker;
import dev.dispatchlab.dispatch.VirtualWorkers;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

/**
 * {@code vthread}: stage code written in blocking style on virtual threads, "threads' programming
 * model at continuations' cost". A crypto wait parks the virtual thread, not its carrier.
 *
 * <pre>
 *  NIC ring r ──raise──► rx worker vt/r (virtual): poll, link demux ─┬─ software crypto: ip, esp,
 *                                                                     │  inner ip, udp, socket (to completion)
 *                                                                     └─ async crypto: inbox ──► worker vt/k:
 *                                          ip, esp_input, submit, <b>wait</b> (parks), esp completion, udp, socket
 *  crypto engine ──raise──► (no handler thread) the completion rings the waiting worker
 *  carriers: the JDK's ForkJoinPool threads, one per host CPU ──► user
 * </pre>
 * Host threads the operating system sees: the carriers and the user. Handoffs between virtual
 * threads are unmount/mount pairs on a carrier, not OS switches; the OS sees a switch only when a
 * carrier runs out of virtual threads and parks. With an asynchronous driver the engine's completion
 * interrupt is drained by whichever worker is waiting (its line rings the ring-0 rx worker, which
 * drains and so wakes the waiters).
 */
final class VthreadModel extends ModelRuntime {

    private final VirtualWorkers workers;
    private final VirtualInbox<PacketBuffer> inbox;
    private final boolean async;
    private final boolean sockets;
    /** Workers below this index are ring workers (NIC: poll a ring; sockets: worker 0 drains crypto). */
    private final int front;
    /** The processing workers' pass budget, shared: together they end a pass once per budget of packets. */
    private final SharedBudget passes;

    VthreadModel(ModelEnvironment env) {
        super(env);
        this.async = env.driver().hasCompletionInterrupt();
        this.sockets = env.socketSource();
        int rings = env.rings();
        this.front = sockets ? (async ? 1 : 0) : rings;
        boolean inboxNeeded = async || sockets;
        int processing = inboxNeeded ? env.virtualWorkers() * rings : 0;
        this.workers = part(new VirtualWorkers("vt", front + processing, Lifecycle.virtualThreads(), env.clock(),
                env.idle(), this::body));
        this.inbox = inboxNeeded ? new VirtualInbox<>(env.queueCapacity(), workers) : null;
        this.passes = new SharedBudget(env.budget());
    }

    @Override
    protected void wire() {
        for (int i = 0; i < workers.count(); i++) {
            VirtualWorker w = workers.worker(i);
            route(w.stage(), w.completionTarget());
        }
        if (sockets) {
            // a platform thread blocks in recvmmsg (a virtual thread in a native call would hold its
            // carrier) and hands each datagram to the virtual workers
            readSockets(r -> (ctx, p) -> {
                if (path.linkInput(ctx, p) && !inbox.submit(p, ctx)) {
                    ctx.drop(p, DropReason.BACKLOG_FULL);
                }
            }, "sock-intr/", true);
        } else {
            for (int r = 0; r < env.nic().rings(); r++) {
                RxRing ring = env.nic().ring(r);
                ring.connect(workers.worker(r).line(ring));
            }
        }
        if (async) {
            // The engine's completion interrupt rings worker 0, whose draining delivers each
            // completion to the worker waiting for it.
            env.driver().connectInterrupt(workers.worker(0).line());
        }
        for (StageContext s : workers.stages()) {
            context(s);
        }
    }

    private void body(VirtualWorker self) {
        env.pinToHostCpu().accept(self.index() % env.hostCpus());
        StageContext ctx = self.stage();
        if (self.index() < front) {
            if (sockets) {
                drainCrypto(self, ctx);
            } else {
                ringWorker(self, ctx, env.nic().ring(self.index()));
            }
        } else {
            // A worker's pass ends when it is about to wait for a packet, or when the workers together
            // have taken a budget of them (SharedBudget): only then do its batched wakeups (the user's
            // socket) go out. Ending it after every packet woke the user once per packet at
            // saturation, and each wakeup preempted the carrier: 0.9 host switches per packet. A
            // budget per worker delayed the user's wakeup by budget x workers packets in overload,
            // more than the socket holds (SharedBudget says why). A worker that parks for its crypto
            // completion mid-pass always comes back to end it, so a wakeup is delayed, never lost.
            for (;;) {
                PacketBuffer p = inbox.poll();
                if (p == null) {
                    ctx.endOfPass();
                    p = inbox.take(self);
                    if (p == null) {
                        break;
                    }
                }
                path.ipInput(ctx, p); // esp_input waits here for the crypto completion (see CompletionTarget.afterSubmit)
                if (passes.take()) {
                    ctx.endOfPass();
                }
            }
            ctx.endOfPass();
        }
    }

    /** Polls a NIC ring in blocking style; with an asynchronous driver, worker 0 also drains completions. */
    private void ringWorker(VirtualWorker self, StageContext ctx, RxRing ring) {
        boolean drains = async && self.index() == 0;
        int sinceYield = 0;
        while (true) {
            if (++sinceYield > env.budget()) {
                // Virtual threads are not preempted: after a budget of packets, let the workers this one
                // fed (and the carrier's other virtual threads) run.
                sinceYield = 0;
                ctx.endOfPass();
                Thread.yield();
            }
            if (drains) {
                while (env.driver().drainCompletions(ctx, env.budget()) == env.budget()) {
                    // more completions wait
                }
            }
            PacketBuffer p = ring.poll();
            if (p == null) {
                sinceYield = 0;
                ctx.endOfPass();
                if (drains && env.driver().completionsPending()) {
                    continue;
                }
                if (!self.awaitWork(ring)) {
                    break;
                }
                continue;
            }
            if (!async) {
                path.input(ctx, p); // to completion, crypto inline
            } else if (path.linkInput(ctx, p) && !inbox.submit(p, ctx)) {
                ctx.drop(p, DropReason.BACKLOG_FULL);
            }
        }
        if (drains) {
            while (env.driver().drainCompletions(ctx, env.budget()) > 0) {
                // hand the last completions to their waiters
            }
        }
        ctx.endOfPass();
    }

    /** Socket source with an asynchronous driver: worker 0 only drains completions to their waiters. */
    private void drainCrypto(VirtualWorker self, StageContext ctx) {
        while (self.running()) {
            int n = env.driver().drainCompletions(ctx, env.budget());
            if (n == 0 && !env.driver().completionsPending()) {
                self.await();
            } else if (n == env.budget()) {
                Thread.yield();
            }
        }
        while (env.driver().drainCompletions(ctx, env.budget()) > 0) {
            // hand the last completions to their waiters
        }
    }

    @Override
    public int queued() {
        return inbox == null ? 0 : inbox.queued();
    }

    @Override
    public int discardLeftovers(StageContext ctx) {
        return inbox == null ? 0 : inbox.discardRemaining((p, c) -> ctx.drop(p, DropReason.SHUTDOWN), ctx);
    }
}
