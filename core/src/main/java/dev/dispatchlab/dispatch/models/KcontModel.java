package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.dispatch.CompletionTargets;
import dev.dispatchlab.dispatch.Continuation;
import dev.dispatchlab.dispatch.ExecutionContext;
import dev.dispatchlab.dispatch.HardInterrupt;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code kcont}: continuations (Jonathan Stone's kcont; the NetBSD kernel-continuations project).
 * Hard interrupt handlers do the minimum and schedule a continuation onto the CPU's continuation
 * context; asynchronous crypto carries a continuation back to the submitting CPU, where it runs
 * without a thread switch if the context is already running.
 *
 * <pre>
 *  NIC ring r ──raise──► hard interrupt (runs where it was raised: the device's thread):
 *                        mask the ring, schedule the ring's rx continuation on kcont/c
 *  kcont/c: rx continuation: poll the ring under a budget: link, ip, esp_input, submit
 *  crypto engine ──raise──► hard interrupt: drain completions, schedule each continuation on the
 *                           submitting CPU's kcont/c
 *  kcont/c: esp completion, inner ip, udp, socket ──► user
 * </pre>
 * Host threads: one continuation context per host CPU and the user. The interrupt top halves run
 * in the device threads that raise them (as a CPU takes an interrupt on whatever it was running);
 * their cost (a mask, a queue offer, a ring) is charged there and reported with the device. At low
 * load: a wakeup of kcont per burst and of the user per packet; under load the context never sleeps,
 * because completions and new rx work keep arriving on its queue.
 */
final class KcontModel extends ModelRuntime {

    private final List<ExecutionContext> cpus = new ArrayList<>();
    private final List<Continuation<RxRing>> rx = new ArrayList<>();
    private final List<Continuation<PacketBuffer>> packets = new ArrayList<>();

    KcontModel(ModelEnvironment env) {
        super(env);
        for (int c = 0; c < env.hostCpus(); c++) {
            cpus.add(part(new ExecutionContext("kcont/" + c, env.hostThreads().apply(c), env.clock(), env.idle())));
        }
    }

    @Override
    protected void wire() {
        for (int c = 0; c < cpus.size(); c++) {
            ExecutionContext k = cpus.get(c);
            CompletionTarget back = CompletionTargets.continuation(k, env.queueCapacity(), env.budget());
            context(k.stage());
            flushEveryFewPasses(k);
            route(k.stage(), back);
            if (c == 0) {
                routeByDefault(back);
            }
        }
        if (env.socketSource()) {
            // The thread the kernel wakes from recvmmsg is the interrupt: it schedules each datagram's
            // continuation on its CPU's context (a deferred handoff per packet).
            for (int c = 0; c < cpus.size(); c++) {
                ExecutionContext k = cpus.get(c);
                packets.add(new Continuation<>("sockrx@" + k.name(), k, (p, ctx) -> path.input(ctx, p),
                        env.queueCapacity(), env.budget()));
            }
            readSockets(r -> {
                Continuation<PacketBuffer> k = packets.get(env.cpuOfRing(r));
                return (ctx, p) -> {
                    if (!k.schedule(p, ctx)) {
                        ctx.drop(p, DropReason.BACKLOG_FULL);
                    }
                };
            }, "sock-intr/", true);
        } else {
            for (int r = 0; r < env.nic().rings(); r++) {
                wireRing(env.nic().ring(r), cpus.get(env.cpuOfRing(r)), r);
            }
        }
        if (env.driver().hasCompletionInterrupt()) {
            HardInterrupt cryptoIntr = new HardInterrupt("crypto", (ctx, budget) -> {
                int n = env.driver().drainCompletions(ctx, budget);
                ctx.endOfPass();
                return n;
            }, env.budget(), env.clock());
            env.driver().connectInterrupt(cryptoIntr);
            context(cryptoIntr.stage());
        }
    }

    private void wireRing(RxRing ring, ExecutionContext k, int r) {
        Continuation<RxRing>[] self = newHolder();
        self[0] = new Continuation<>("rx/" + r, k, (rg, ctx) -> {
            int n = pollRing(rg, ctx, env.budget());
            if (n == env.budget()) {
                self[0].schedule(rg, ctx); // more may wait: run again, after what else is queued
                return;
            }
            rg.enable();
            if (rg.hasWork()) {
                rg.mask();
                self[0].schedule(rg, ctx);
            }
        }, 4, 1);
        rx.add(self[0]);
        HardInterrupt nicIntr = new HardInterrupt("nic/" + r, (ctx, budget) -> {
            ring.mask();
            if (!self[0].schedule(ring, ctx)) {
                ring.enable(); // the continuation could not be queued (stopping): leave the ring to the shutdown sweep
            }
            return 0;
        }, env.budget(), env.clock());
        ring.connect(nicIntr);
        context(nicIntr.stage());
    }

    @SuppressWarnings("unchecked")
    private static Continuation<RxRing>[] newHolder() {
        return (Continuation<RxRing>[]) new Continuation<?>[1];
    }

    @Override
    public int queued() {
        int n = 0;
        for (Continuation<PacketBuffer> k : packets) {
            n += k.queued();
        }
        return n; // rx continuations hold rings, not packets; packets wait in the rings
    }

    @Override
    public int discardLeftovers(StageContext ctx) {
        int n = 0;
        for (Continuation<PacketBuffer> k : packets) {
            n += k.discardRemaining((p, c) -> ctx.drop(p, DropReason.SHUTDOWN));
        }
        for (Continuation<RxRing> k : rx) {
            n += k.discardRemaining((rg, c) -> rg.discard(ctx, DropReason.SHUTDOWN));
        }
        return n;
    }
}
