package dev.dispatchlab.device;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyntheticWireTest {

    private final ManualClock clock = new ManualClock(0);

    private static FrameSource dummyFlows(int n, int length) {
        FrameTemplate[] t = new FrameTemplate[n];
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[length];
            bytes[0] = (byte) i;
            t[i] = new FrameTemplate(bytes, i, 100 + i, FlowHash.LINKTYPE_ETHERNET);
        }
        return FrameSource.of(t);
    }

    private static void drainAll(Nic nic, List<PacketBuffer> into) {
        for (int r = 0; r < nic.rings(); r++) {
            PacketBuffer p;
            while ((p = nic.ring(r).poll()) != null) {
                into.add(p);
            }
        }
    }

    @Test
    void aConstantRateIsPlacedOnScheduleStampedAndTagged() {
        PacketPool pool = new PacketPool("wire", 256, 128, 32);
        Nic nic = new Nic("nic0", 2, 256, Coalescing.EVERY_PACKET);
        try (SyntheticWire wire = new SyntheticWire(nic, pool, dummyFlows(4, 64), WireConfig.constant(1_000_000, 100), clock,
                Thread.ofPlatform().factory())) {
            wire.begin(0);
            assertThat(wire.pump(0)).as("the first packet is due at the start").isEqualTo(1);
            clock.set(10_000);
            assertThat(wire.pump(clock.nanoTime())).as("due at 1, 2, ... 10 us").isEqualTo(10);
            List<PacketBuffer> got = new ArrayList<>();
            drainAll(nic, got);
            assertThat(got).hasSize(11);
            PacketBuffer last = got.stream().filter(p -> p.arrivalNanos() == 10_000).findFirst().orElseThrow();
            assertThat(last.length()).isEqualTo(64);
            assertThat(last.tag).isBetween(100L, 103L);
            assertThat(last.flowHash()).isEqualTo((int) last.tag - 100);
            assertThat(last.queue()).isEqualTo(nic.ringOf(last.flowHash()));
            assertThat(last.data()[last.offset()]).isEqualTo((byte) (last.tag - 100));
            got.forEach(PacketBuffer::release);

            for (long t = 20_000; wire.generating(); t += 10_000) {
                clock.set(t);
                wire.pump(t);
                got.clear();
                drainAll(nic, got);
                got.forEach(PacketBuffer::release);
            }
            WireReport r = wire.report();
            assertThat(r.offered()).isEqualTo(100);
            assertThat(r.placed()).isEqualTo(100);
            assertThat(wire.stage().counters().get(Counter.OFFERED)).isEqualTo(100);
            assertThat(r.fellBehind()).isFalse();
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void aWireThatCannotKeepUpReportsItsLag() {
        PacketPool pool = new PacketPool("wire", 256, 128, 32);
        Nic nic = new Nic("nic0", 1, 256, Coalescing.EVERY_PACKET);
        WireConfig config = WireConfig.constant(1_000_000, 100).withMaxBurst(8).withLagTolerance(10_000);
        try (SyntheticWire wire = new SyntheticWire(nic, pool, dummyFlows(1, 64), config, clock, Thread.ofPlatform().factory())) {
            wire.begin(0);
            clock.set(50_000); // the device thread was descheduled for 50 us: 51 packets are due at once
            assertThat(wire.pump(clock.nanoTime())).as("at most maxBurst per clock reading").isEqualTo(8);
            WireReport r = wire.report();
            assertThat(r.maxLagNanos()).isEqualTo(50_000);
            assertThat(r.fullBursts()).isEqualTo(1);
            assertThat(r.fellBehind()).isTrue();
            assertThat(r.achievedPps()).isLessThan(r.offeredPps());
            assertThat(r.toString()).contains("FELL BEHIND").contains("seed 0");
            nic.discard(wire.stage(), DropReason.SHUTDOWN);
        }
    }

    @Test
    void poissonArrivalsAreReproducibleFromTheirSeedAndHaveTheOfferedMean() {
        long seed = 0x5EEDL;
        List<Integer> a = poissonBursts(seed);
        List<Integer> b = poissonBursts(seed);
        assertThat(a).as("same seed %d, same arrivals", seed).isEqualTo(b);
        assertThat(poissonBursts(seed + 1)).as("another seed, other arrivals").isNotEqualTo(a);
        int total = a.stream().mapToInt(Integer::intValue).sum();
        // 20 000 packets due in 20 ms at 1 Mpps: Poisson count within 2% (about 14 standard deviations)
        assertThat(total).as("packets due by 20 ms (seed %d)", seed).isBetween(19_600, 20_400);
    }

    private List<Integer> poissonBursts(long seed) {
        PacketPool pool = new PacketPool("wire", 4096, 128, 32);
        Nic nic = new Nic("nic0", 1, 4096, Coalescing.EVERY_PACKET);
        ManualClock c = new ManualClock(0);
        List<Integer> bursts = new ArrayList<>();
        try (SyntheticWire wire = new SyntheticWire(nic, pool, dummyFlows(1, 64),
                WireConfig.poisson(1_000_000, 1_000_000, seed).withMaxBurst(1_000), c, Thread.ofPlatform().factory())) {
            wire.begin(0);
            List<PacketBuffer> got = new ArrayList<>();
            for (long t = 0; t < 20_000_000; t += 10_000) {
                c.set(t);
                bursts.add(wire.pump(t));
                got.clear();
                drainAll(nic, got);
                got.forEach(PacketBuffer::release);
            }
        }
        return bursts;
    }

    @Test
    void aDurationLimitsTheRunAndPoolExhaustionIsAccounted() {
        PacketPool pool = new PacketPool("tiny", 4, 128, 32);
        Nic nic = new Nic("nic0", 1, 64, Coalescing.EVERY_PACKET);
        WireConfig config = new WireConfig(1_000_000, ArrivalProcess.CONSTANT, 0, 10_000, 32, 1,
                WireConfig.DEFAULT_LAG_TOLERANCE_NANOS, WireConfig.DEFAULT_PARK_THRESHOLD_NANOS);
        try (SyntheticWire wire = new SyntheticWire(nic, pool, dummyFlows(2, 64), config, clock, Thread.ofPlatform().factory())) {
            wire.begin(0);
            clock.set(1_000_000);
            wire.pump(clock.nanoTime());
            assertThat(wire.generating()).isFalse();
            WireReport r = wire.report();
            assertThat(r.offered()).as("due at 0, 1, ... 9 us within 10 us").isEqualTo(10);
            assertThat(r.placed()).isEqualTo(4);
            assertThat(r.poolExhausted()).isEqualTo(6);
            assertThat(r.offered()).isEqualTo(r.placed() + r.ringFull() + r.poolExhausted());
            assertThat(wire.stage().counters().get(DropReason.POOL_EXHAUSTED)).isEqualTo(6);
            nic.discard(wire.stage(), DropReason.SHUTDOWN);
        }
    }

    @Test
    void aTemplateLongerThanABufferIsRefused() {
        PacketPool pool = new PacketPool("small", 4, 128, 32);
        Nic nic = new Nic("nic0", 1, 64, Coalescing.EVERY_PACKET);
        assertThatThrownBy(() -> new SyntheticWire(nic, pool, dummyFlows(1, 97), WireConfig.constant(1, 1), clock,
                Thread.ofPlatform().factory())).hasMessageContaining("room=96");
    }

    /** The device thread against the real clock: every packet accounted for, the report filled in. */
    @Test
    void onItsDeviceThreadEveryOfferedPacketIsAccountedFor() throws Exception {
        PacketPool pool = new PacketPool("wire", 1024, 128, 32);
        Nic nic = new Nic("nic0", 2, 512, Coalescing.of(16, 20));
        AtomicLong consumed = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread consumer = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                for (int r = 0; r < nic.rings(); r++) {
                    PacketBuffer p;
                    while ((p = nic.ring(r).poll()) != null) {
                        p.release();
                        consumed.incrementAndGet();
                    }
                }
                Thread.onSpinWait();
            }
        });
        SyntheticWire wire = new SyntheticWire(nic, pool, dummyFlows(8, 64), WireConfig.poisson(1_000_000, 50_000, 7),
                Clock.SYSTEM, Thread.ofPlatform().factory());
        wire.start();
        assertThat(wire.join(Duration.ofSeconds(30))).isTrue();
        WireReport r = wire.report();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (consumed.get() < r.placed() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        done.set(true);
        consumer.join();
        wire.close();

        assertThat(wire.failure()).isNull();
        assertThat(wire.threads()).noneMatch(Thread::isAlive);
        assertThat(r.offered()).isEqualTo(50_000);
        assertThat(consumed.get()).isEqualTo(r.placed());
        assertThat(r.offered()).as("%s", r).isEqualTo(r.placed() + r.ringFull() + r.poolExhausted());
        assertThat(r.elapsedNanos()).isPositive();
        assertThat(r.achievedPps()).isPositive();
        assertThat(r.maxLagNanos()).isGreaterThanOrEqualTo(r.finalLagNanos()).isGreaterThanOrEqualTo(0);
        assertThat(r.fellBehind()).isEqualTo(r.maxLagNanos() > WireConfig.DEFAULT_LAG_TOLERANCE_NANOS);
        assertThat(pool.outstanding()).isZero();
        System.out.println(r);
    }
}
