package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.dispatch.Puller;
import dev.dispatchlab.packet.StageContext;

/**
 * {@code puller}: the counter-proposal of the 2007 thread, and Linux NAPI. The NIC interrupt only
 * wakes the puller; it masks the interrupt, drains its ring under a budget running every stage of
 * each packet to completion, and re-enables the interrupt when the ring is empty.
 *
 * <pre>
 *  NIC ring r ──raise (masked while polling)──► puller/r: link, ip, esp (crypto inline), inner ip,
 *                                                         udp, socket ──► user
 * </pre>
 * Host threads: one puller per ring and the user. At low load: one wakeup of the puller and one of
 * the user per packet (two switches); under load the puller never sleeps and the interrupt stays
 * masked (no interrupts, no wakeups). With an asynchronous crypto driver, ring 0's puller also
 * drains crypto completions (the engine's interrupt wakes it) and runs their continuations.
 */
final class PullerModel extends ModelRuntime {

    private final Puller.Mode mode;

    PullerModel(ModelEnvironment env, Puller.Mode mode) {
        super(env);
        this.mode = mode;
    }

    @Override
    protected void wire() {
        boolean async = env.driver().hasCompletionInterrupt();
        if (env.socketSource()) {
            // The puller blocks in the kernel's receive, where a crypto completion cannot wake it; an
            // asynchronous driver's completions then get an interrupt thread of their own.
            readSockets(r -> (ctx, p) -> path.input(ctx, p), mode == Puller.Mode.BUSY_POLL ? "busypoll/" : "puller/",
                    mode != Puller.Mode.BUSY_POLL);
            if (async) {
                cryptoInterruptThread();
            }
            return;
        }
        for (int r = 0; r < env.nic().rings(); r++) {
            RxRing ring = env.nic().ring(r);
            boolean drainsCrypto = async && r == 0;
            String name = (mode == Puller.Mode.BUSY_POLL ? "busypoll/" : "puller/") + r;
            Puller p = part(new Puller(name, ring, (ctx, budget) -> {
                int n = drainsCrypto ? env.driver().drainCompletions(ctx, budget) : 0;
                n = Math.max(n, pollRing(ring, ctx, budget));
                ctx.endOfPass();
                return n;
            }, env.budget(), mode, env.hostThreads().apply(env.cpuOfRing(r)), env.clock(), env.idle()));
            ring.connect(p.line());
            if (drainsCrypto) {
                env.driver().connectInterrupt(p.line());
            }
            context(p.stage());
        }
        // continuations run INLINE: in the puller (software driver) or in ring 0's puller (drained)
    }

    @Override
    public int queued() {
        return 0;
    }

    @Override
    public int discardLeftovers(StageContext ctx) {
        return 0;
    }
}
