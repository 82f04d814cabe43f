package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.dispatch.CompletionTargets;
import dev.dispatchlab.dispatch.InterruptThread;
import dev.dispatchlab.dispatch.SoftintLevel;
import dev.dispatchlab.dispatch.SoftintQueue;
import dev.dispatchlab.dispatch.Softints;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code push}: the threaded receive path of the 2007 message, "pushed up the stack's throat".
 *
 * <pre>
 *  NIC ring r ──raise──► nic-ithread/r: link demux, enqueue on ipintrq ──► softnet/c: ip_input, esp_input,
 *                                                                          submit to the crypto driver
 *  crypto engine ──raise──► crypto-ithread: drain completions, queue each on its CPU's softnet ──►
 *  softnet/c: esp completion, inner ip_input, udp_input, socket ──► user
 * </pre>
 * Host threads: one interrupt thread per ring, one softnet thread per host CPU, one crypto
 * interrupt thread (when the driver completes asynchronously), and the user. Handoffs per packet:
 * ring → ithread, ipintrq → softnet, crypto submit → engine, completion → crypto ithread, completion
 * queue → softnet, socket → user: about six context switches per packet at low load, as counted in
 * the seed. With the software driver the crypto hops disappear.
 */
final class PushModel extends ModelRuntime {

    private final Softints softints;
    private final List<SoftintQueue<PacketBuffer>> ipintrq = new ArrayList<>();
    private final List<InterruptThread> nicThreads = new ArrayList<>();

    PushModel(ModelEnvironment env) {
        super(env);
        softints = part(new Softints(env.hostCpus(), env.hostThreads(), env.clock(), env.idle()));
    }

    @Override
    protected void wire() {
        for (int c = 0; c < env.hostCpus(); c++) {
            ipintrq.add(softints.queue(SoftintLevel.NET, c, "ipintrq", env.queueCapacity(), env.budget(),
                    (p, ctx) -> path.ipInput(ctx, p)));
            CompletionTarget completions = CompletionTargets.softint(softints, SoftintLevel.NET, c,
                    env.queueCapacity(), env.budget());
            StageContext softnet = softints.context(SoftintLevel.NET, c).stage();
            context(softnet);
            flushEveryFewPasses(softints.context(SoftintLevel.NET, c));
            route(softnet, completions);
            if (c == 0) {
                routeByDefault(completions);
            }
        }
        if (env.socketSource()) {
            readSockets(r -> {
                SoftintQueue<PacketBuffer> q = ipintrq.get(env.cpuOfRing(r));
                return (ctx, p) -> {
                    if (path.linkInput(ctx, p) && !q.enqueue(p, ctx)) {
                        ctx.drop(p, DropReason.BACKLOG_FULL);
                    }
                };
            }, "nic-ithread/", true);
        } else {
            for (int r = 0; r < env.nic().rings(); r++) {
                wireRing(env.nic().ring(r), ipintrq.get(env.cpuOfRing(r)), r);
            }
        }
        if (env.driver().hasCompletionInterrupt()) {
            cryptoInterruptThread();
        }
    }

    private void wireRing(RxRing ring, SoftintQueue<PacketBuffer> q, int r) {
        InterruptThread t = part(new InterruptThread("nic-ithread/" + r, (ctx, budget) -> {
            int n = 0;
            PacketBuffer p;
            while (n < budget && (p = ring.poll()) != null) {
                n++;
                if (path.linkInput(ctx, p) && !q.enqueue(p, ctx)) {
                    ctx.drop(p, DropReason.BACKLOG_FULL);
                }
            }
            ctx.endOfPass();
            return n;
        }, env.budget(), ring, env.hostThreads().apply(env.cpuOfRing(r)), env.clock(), env.idle()));
        ring.connect(t.line());
        nicThreads.add(t);
        context(t.stage());
    }

    @Override
    public int queued() {
        int n = 0;
        for (SoftintQueue<PacketBuffer> q : ipintrq) {
            n += q.queued();
        }
        return n;
    }

    @Override
    public int discardLeftovers(StageContext ctx) {
        int n = 0;
        for (SoftintQueue<PacketBuffer> q : ipintrq) {
            n += q.discardRemaining((p, c) -> ctx.drop(p, DropReason.SHUTDOWN));
        }
        return n;
    }
}
