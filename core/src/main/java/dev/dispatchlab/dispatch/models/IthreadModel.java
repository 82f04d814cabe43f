package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.dispatch.InterruptThread;
import dev.dispatchlab.packet.StageContext;

/**
 * {@code ithread}: interrupts as threads (Solaris, FreeBSD), with no separate softints.
 *
 * <pre>
 *  NIC ring r ──raise──► nic-ithread/r: link demux, ip_input, esp_input, submit to the crypto driver
 *  crypto engine ──raise──► crypto-ithread: drain completions and run each continuation there:
 *                           esp completion, inner ip_input, udp_input, socket ──► user
 * </pre>
 * Host threads: one interrupt thread per ring, one crypto interrupt thread (asynchronous drivers),
 * the user. Handoffs per packet: ring → ithread, submit → engine, completion → crypto ithread,
 * socket → user; at low load about four switches per packet. With the software driver the NIC's
 * interrupt thread runs every stage to completion (a puller without the masking).
 */
final class IthreadModel extends ModelRuntime {

    IthreadModel(ModelEnvironment env) {
        super(env);
    }

    @Override
    protected void wire() {
        if (env.socketSource()) {
            readSockets(r -> (ctx, p) -> path.input(ctx, p), "nic-ithread/", true);
        } else {
            for (int r = 0; r < env.nic().rings(); r++) {
                RxRing ring = env.nic().ring(r);
                InterruptThread t = part(new InterruptThread("nic-ithread/" + r,
                        (ctx, budget) -> {
                            int n = pollRing(ring, ctx, budget);
                            ctx.endOfPass();
                            return n;
                        }, env.budget(), ring,
                        env.hostThreads().apply(env.cpuOfRing(r)), env.clock(), env.idle()));
                ring.connect(t.line());
                context(t.stage());
            }
        }
        if (env.driver().hasCompletionInterrupt()) {
            cryptoInterruptThread();
        }
        // continuations run INLINE: in the crypto interrupt thread that completes them
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
