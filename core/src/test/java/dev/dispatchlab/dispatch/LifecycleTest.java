package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.device.FrameSource;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.device.SyntheticWire;
import dev.dispatchlab.device.WireConfig;
import dev.dispatchlab.device.WireReport;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every primitive at once, each serving one ring of a NIC fed by the wire: after the run is stopped
 * in order (wire, then consumers), no thread any of them started is alive, none failed, and every
 * packet offered is accounted for.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {

    @Test
    void noThreadIsLeftRunningAfterStopAndEveryPacketIsAccountedFor() throws Exception {
        Clock clock = Clock.SYSTEM;
        PacketPool pool = new PacketPool("lifecycle", 2048, 256, 64);
        Nic nic = new Nic("nic0", 5, 256, Coalescing.of(4, 50));
        AtomicLong released = new AtomicLong();
        ItemHandler<PacketBuffer> sink = (p, ctx) -> {
            p.release();
            released.incrementAndGet();
        };

        // ring 0: hard interrupt in the wire thread → softint queue on softnet/0
        Softints softints = new Softints(1, Lifecycle.plainThreads(), clock, IdleStrategies.SPIN_THEN_PARK);
        SoftintQueue<PacketBuffer> ipintrq = softints.queue(SoftintLevel.NET, 0, "ipintrq", 512, 32, sink);
        HardInterrupt intr = new HardInterrupt("nic0-rx0", (ctx, budget) -> drain(nic.ring(0), budget, p -> {
            if (!ipintrq.enqueue(p, ctx)) {
                ctx.drop(p, DropReason.SOCKET_FULL);
            }
        }), 64, clock);
        nic.ring(0).connect(intr);

        // ring 1: interrupt thread → continuation on kcont/0 → work queue
        WorkQueue<PacketBuffer> wq = new WorkQueue<>("wq", 1, Lifecycle.plainThreads(), clock, IdleStrategies.PARK, 512, 32,
                (p, ctx) -> sink.handle(p, ctx));
        ExecutionContext kcont = new ExecutionContext("kcont/0", Lifecycle.plainThreads(), clock, IdleStrategies.PARK);
        Continuation<PacketBuffer> toWq = new Continuation<>("to-wq", kcont, (p, ctx) -> {
            if (!wq.enqueue(p, ctx)) {
                ctx.drop(p, DropReason.SOCKET_FULL);
            }
        }, 512, 32);
        InterruptThread ithread = new InterruptThread("irq/nic0-rx1", (ctx, budget) -> drain(nic.ring(1), budget, p -> {
            if (!toWq.schedule(p, ctx)) {
                ctx.drop(p, DropReason.SOCKET_FULL);
            }
        }), 32, nic.ring(1), Lifecycle.plainThreads(), clock, IdleStrategies.PARK);
        nic.ring(1).connect(ithread.line());

        // ring 2: NAPI puller; ring 3: busy poller
        Puller puller = new Puller("puller/rx2", nic.ring(2), (ctx, budget) -> drain(nic.ring(2), budget, p -> sink.handle(p, ctx)),
                16, Puller.Mode.NAPI, Lifecycle.plainThreads(), clock, IdleStrategies.PARK);
        nic.ring(2).connect(puller.line());
        Puller busy = new Puller("busypoll/rx3", nic.ring(3), (ctx, budget) -> drain(nic.ring(3), budget, p -> sink.handle(p, ctx)),
                16, Puller.Mode.BUSY_POLL, Lifecycle.plainThreads(), clock, IdleStrategies.SPIN);
        nic.ring(3).connect(busy.line());

        // ring 4: a virtual worker waiting on its ring
        VirtualWorkers vworkers = new VirtualWorkers("vt", 1, Lifecycle.virtualThreads(), clock, IdleStrategies.PARK, self -> {
            RxRing ring = nic.ring(4);
            for (;;) {
                int n = drain(ring, 16, p -> sink.handle(p, self.stage()));
                if (n == 0 && !self.awaitWork(ring)) {
                    return;
                }
            }
        });
        nic.ring(4).connect(vworkers.worker(0).line(nic.ring(4)));
        nic.ring(4).mask();

        FrameTemplate[] flows = new FrameTemplate[10];
        for (int i = 0; i < flows.length; i++) {
            flows[i] = new FrameTemplate(new byte[64], i, i, 1); // hash i: ring i % 5
        }
        SyntheticWire wire = new SyntheticWire(nic, pool, FrameSource.of(flows), WireConfig.constant(100_000, 5_000), clock,
                Lifecycle.plainThreads());

        List<Lifecycle> consumers = List.of(softints, wq, kcont, ithread, puller, busy, vworkers);
        for (Lifecycle l : consumers) {
            l.start();
        }
        wire.start();
        assertThat(wire.join(Duration.ofSeconds(30))).isTrue();
        WireReport report = wire.report();
        Await.until(() -> released.get() == report.placed(), "every placed packet to be released: " + report);

        // stop in pipeline order: each stage drains before the next is stopped
        List<Lifecycle> order = List.of(ithread, puller, busy, vworkers, kcont, wq, softints);
        for (Lifecycle l : order) {
            l.stop();
            assertThat(l.join(Duration.ofSeconds(10))).as("join %s", l).isTrue();
        }
        List<Thread> all = new ArrayList<>(wire.threads());
        for (Lifecycle l : consumers) {
            all.addAll(l.threads());
            assertThat(l.failure()).as("failure of %s", l).isNull();
        }
        assertThat(all).hasSize(1 + 1 + 1 + 1 + 1 + 1 + 1 + 1).noneMatch(Thread::isAlive);
        assertThat(wire.failure()).isNull();

        try (StageContext leftovers = new StageContext("leftovers", clock)) {
            assertThat(nic.discard(leftovers, DropReason.SHUTDOWN)).isZero();
        }
        long drops = intr.stage().counters().totalDrops() + ithread.stage().counters().totalDrops()
                + kcont.stage().counters().totalDrops();
        assertThat(report.offered()).isEqualTo(5_000);
        assertThat(report.offered()).isEqualTo(released.get() + drops + report.ringFull() + report.poolExhausted());
        assertThat(pool.outstanding()).isZero();

        intr.close();
        wire.close();
        for (Lifecycle l : consumers) {
            l.close();
        }
    }

    private static int drain(RxRing ring, int budget, java.util.function.Consumer<PacketBuffer> each) {
        int n = 0;
        PacketBuffer p;
        while (n < budget && (p = ring.poll()) != null) {
            each.accept(p);
            n++;
        }
        return n;
    }
}
