package dev.dispatchlab.dispatch;

import com.sun.management.ThreadMXBean;
import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.device.FrameSource;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.device.SyntheticWire;
import dev.dispatchlab.device.WireConfig;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Steady state allocates nothing per packet or per handoff: after a warm-up, many events cost less
 * than one byte each of heap on every thread involved (the bound leaves room for the odd
 * allocation a JDK call makes once, never for one per event).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AllocationTest {

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final ManualClock clock = new ManualClock();

    private static long allocated(Thread t) {
        return THREADS.getThreadAllocatedBytes(t.threadId());
    }

    @Test
    void theWireTheNicAndAHardInterruptAllocateNothingPerPacket() {
        PacketPool pool = new PacketPool("alloc", 1024, 256, 64);
        Nic nic = new Nic("nic0", 2, 512, Coalescing.of(16, 10));
        try (HardInterrupt intr0 = new HardInterrupt("rx0", (ctx, budget) -> drain(nic.ring(0), budget), 64, clock);
             HardInterrupt intr1 = new HardInterrupt("rx1", (ctx, budget) -> drain(nic.ring(1), budget), 64, clock)) {
            nic.ring(0).connect(intr0);
            nic.ring(1).connect(intr1);
            FrameTemplate[] t = {new FrameTemplate(new byte[64], 0, 0, 1), new FrameTemplate(new byte[64], 1, 1, 1)};
            int packets = 400_000;
            try (SyntheticWire wire = new SyntheticWire(nic, pool, FrameSource.of(t),
                    WireConfig.poisson(10_000_000, 2 * packets, 3), clock, Thread.ofPlatform().factory())) {
                wire.begin(0);
                long now = 0;
                for (int i = 0; i < packets / 8; i++) { // warm-up: half the packets
                    now += 800;
                    wire.pump(now);
                }
                long before = allocated(Thread.currentThread());
                for (int i = 0; i < packets / 8; i++) {
                    now += 800;
                    wire.pump(now);
                }
                long bytes = allocated(Thread.currentThread()) - before;
                assertThat(wire.report().offered()).isGreaterThan(packets / 2);
                assertThat(bytes).as("bytes allocated for %d packets", packets / 2).isLessThan(packets / 2);
            }
        }
    }

    @Test
    void continuationsAndSoftintsAllocateNothingPerHandoff() throws Exception {
        int n = 200_000;
        CountDownLatch done = new CountDownLatch(2 * (n + 20_000));
        Softints softints = new Softints(1, Lifecycle.plainThreads(), clock, IdleStrategies.SPIN_THEN_PARK);
        SoftintQueue<Long> q = softints.queue(SoftintLevel.NET, 0, "q", 1024, 64, (item, ctx) -> done.countDown());
        ExecutionContext ctx = new ExecutionContext("kcont/0", Lifecycle.plainThreads(), clock, IdleStrategies.SPIN_THEN_PARK);
        Continuation<Long> k = new Continuation<>("k", ctx, (item, c) -> done.countDown(), 1024, 64);
        softints.start();
        ctx.start();
        Long item = 7L;
        try (StageContext caller = new StageContext("caller", clock)) {
            for (int i = 0; i < 20_000; i++) { // warm-up
                while (!q.enqueue(item, caller)) {
                    Thread.onSpinWait();
                }
                while (!k.schedule(item, caller)) {
                    Thread.onSpinWait();
                }
            }
            Thread softnet = softints.threads().getFirst();
            Thread kcont = ctx.threads().getFirst();
            long mine = allocated(Thread.currentThread());
            long theirs = allocated(softnet) + allocated(kcont);
            for (int i = 0; i < n; i++) {
                while (!q.enqueue(item, caller)) {
                    Thread.onSpinWait();
                }
                while (!k.schedule(item, caller)) {
                    Thread.onSpinWait();
                }
            }
            long sent = allocated(Thread.currentThread()) - mine;
            Await.until(() -> done.getCount() == 0, "the handoffs to be handled");
            long received = allocated(softnet) + allocated(kcont) - theirs; // while alive: -1 once ended
            assertThat(allocated(softnet)).isNotNegative();
            softints.stop();
            ctx.stop();
            assertThat(softints.join(Duration.ofSeconds(10))).isTrue();
            assertThat(ctx.join(Duration.ofSeconds(10))).isTrue();
            assertThat(sent).as("bytes allocated by the sender for %d handoffs", 2 * n).isLessThan(n);
            assertThat(received).as("bytes allocated by the receivers for %d handoffs", 2 * n).isLessThan(n);
        } finally {
            softints.close();
            ctx.close();
        }
    }

    private static int drain(RxRing ring, int budget) {
        int n = 0;
        PacketBuffer p;
        while (n < budget && (p = ring.poll()) != null) {
            p.release();
            n++;
        }
        return n;
    }
}
