package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.device.FrameSource;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.device.InterruptSource;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.device.SyntheticWire;
import dev.dispatchlab.device.WireConfig;
import dev.dispatchlab.device.WireReport;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PullerTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void itDrainsUnderItsBudgetAndCountsExhaustion() throws Exception {
        try (TestDevice dev = new TestDevice(64, Coalescing.EVERY_PACKET, clock);
             Puller puller = new Puller("puller/rx0", dev.ring, dev::poll, 4, Puller.Mode.NAPI, Lifecycle.plainThreads(),
                     clock, IdleStrategies.PARK)) {
            dev.ring.connect(puller.line());
            assertThat(dev.burst(10)).isEqualTo(10);
            assertThat(dev.ring.enabled()).as("the top half masked the ring").isFalse();
            puller.start();
            Await.until(() -> dev.consumed.get() == 10 && dev.ring.enabled(), "the puller to drain and re-enable");
            puller.stop();
            assertThat(puller.join(Duration.ofSeconds(10))).isTrue();

            var c = puller.stage().counters();
            assertThat(c.get(Counter.BUDGET_EXHAUSTED)).as("10 packets, budget 4: 4, 4, 2").isEqualTo(2);
            assertThat(dev.ring.raised()).isEqualTo(1);
            assertThat(puller.failure()).isNull();
            assertThat(dev.pool.outstanding()).isZero();
        }
    }

    /**
     * The lost-interrupt race, made to happen: a packet lands after the puller found the ring empty
     * but before it re-enabled, and the device saw the interrupt masked, so no interrupt will ever
     * come for it. Only the re-check after enabling finds it.
     */
    @Test
    void theReCheckAfterEnablingFindsAPacketThatRacedTheEnable() throws Exception {
        try (TestDevice dev = new TestDevice(64, Coalescing.EVERY_PACKET, clock)) {
            AtomicBoolean injectOnce = new AtomicBoolean(true);
            InterruptSource racing = new InterruptSource() {
                @Override
                public void mask() {
                    dev.ring.mask();
                }

                @Override
                public void enable() {
                    if (injectOnce.getAndSet(false)) {
                        dev.burst(1); // the device places it and sees the ring masked: no raise
                    }
                    dev.ring.enable();
                }

                @Override
                public boolean enabled() {
                    return dev.ring.enabled();
                }

                @Override
                public boolean hasWork() {
                    return dev.ring.hasWork();
                }
            };
            dev.ring.mask();
            try (Puller puller = new Puller("puller/rx0", racing, dev::poll, 4, Puller.Mode.NAPI,
                    Lifecycle.plainThreads(), clock, IdleStrategies.PARK)) {
                dev.ring.connect(puller.line());
                puller.start();
                Await.until(() -> dev.consumed.get() == 1, "the raced packet to be polled");
                puller.stop();
                assertThat(puller.join(Duration.ofSeconds(10))).isTrue();
                assertThat(dev.ring.raised()).as("no interrupt was ever raised for it").isZero();
                assertThat(puller.stage().counters().get(Counter.REARM_RACE)).isEqualTo(1);
            }
        }
    }

    /**
     * A wire thread and pullers race for real: every packet the wire placed must be consumed, with
     * interrupts coalesced and pullers going to sleep and waking throughout. A lost interrupt would
     * leave packets on a ring and the wait below would time out.
     */
    @Test
    void noPacketIsStrandedWhenAWireAndPullersRace() throws Exception {
        Clock real = Clock.SYSTEM;
        PacketPool pool = new PacketPool("race", 1024, 256, 64);
        Nic nic = new Nic("nic0", 2, 256, Coalescing.of(8, 20));
        AtomicLong consumed = new AtomicLong();
        Puller[] pullers = new Puller[2];
        for (int r = 0; r < 2; r++) {
            RxRing ring = nic.ring(r);
            pullers[r] = new Puller("puller/rx" + r, ring, (ctx, budget) -> {
                int n = 0;
                PacketBuffer p;
                while (n < budget && (p = ring.poll()) != null) {
                    p.release();
                    n++;
                }
                consumed.addAndGet(n);
                return n;
            }, 16, Puller.Mode.NAPI, Lifecycle.plainThreads(), real, IdleStrategies.PARK);
            ring.connect(pullers[r].line());
        }
        FrameTemplate[] flows = new FrameTemplate[16];
        for (int i = 0; i < flows.length; i++) {
            flows[i] = new FrameTemplate(new byte[64], i * 0x9E3779B9, i, 1);
        }
        SyntheticWire wire = new SyntheticWire(nic, pool, FrameSource.of(flows), WireConfig.constant(500_000, 100_000),
                real, Lifecycle.plainThreads());
        for (Puller p : pullers) {
            p.start();
        }
        wire.start();
        assertThat(wire.join(Duration.ofSeconds(30))).isTrue();
        WireReport report = wire.report();
        Await.until(() -> consumed.get() == report.placed(), "every placed packet to be consumed: " + report);
        for (Puller p : pullers) {
            p.stop();
            assertThat(p.join(Duration.ofSeconds(10))).isTrue();
            assertThat(p.failure()).isNull();
            p.close();
        }
        wire.close();

        assertThat(wire.failure()).isNull();
        assertThat(report.offered()).isEqualTo(100_000);
        assertThat(report.placed() + report.ringFull() + report.poolExhausted()).isEqualTo(report.offered());
        assertThat(wire.stage().counters().get(Counter.OFFERED)).isEqualTo(report.offered());
        assertThat(wire.stage().counters().get(DropReason.RX_RING_FULL)).isEqualTo(report.ringFull());
        assertThat(pool.outstanding()).isZero();
        long interrupts = pullers[0].stage().counters().get(Counter.INTERRUPT) + pullers[1].stage().counters().get(Counter.INTERRUPT);
        assertThat(interrupts).as("raises that find the doorbell already rung coalesce")
                .isPositive().isLessThanOrEqualTo(nic.ring(0).raised() + nic.ring(1).raised());
    }

    @Test
    void aBusyPollerNeverSleepsAndKeepsTheInterruptMasked() throws Exception {
        try (TestDevice dev = new TestDevice(64, Coalescing.EVERY_PACKET, clock);
             Puller puller = new Puller("busypoll/rx0", dev.ring, dev::poll, 8, Puller.Mode.BUSY_POLL,
                     Lifecycle.plainThreads(), clock, IdleStrategies.PARK)) {
            dev.ring.connect(puller.line());
            puller.start();
            Await.until(() -> !dev.ring.enabled(), "the busy poller to mask its ring");
            dev.burst(5);
            Await.until(() -> dev.consumed.get() == 5, "the busy poller to take the packets");
            Await.until(() -> puller.stage().counters().get(Counter.EMPTY_POLL) > 0, "an empty poll");
            puller.stop();
            assertThat(puller.join(Duration.ofSeconds(10))).isTrue();
            assertThat(puller.stage().counters().get(Counter.WAKEUP)).isZero();
            assertThat(puller.stage().counters().get(Counter.INTERRUPT)).isZero();
            assertThat(dev.ring.raised()).isZero();
            assertThat(puller.idle().label()).isEqualTo("spin");
        }
    }
}
