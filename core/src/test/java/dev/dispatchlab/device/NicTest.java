package dev.dispatchlab.device;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class NicTest {

    private final ManualClock clock = new ManualClock(1_000_000);
    private final PacketPool pool = new PacketPool("nic-test", 256, 128, 32);
    private final StageContext device = new StageContext("device", clock);

    @AfterEach
    void close() {
        device.close();
    }

    private boolean receive(Nic nic, int flowHash) {
        PacketBuffer p = pool.acquire();
        p.append(new byte[]{1, 2, 3}, 0, 3);
        p.flowHash(flowHash);
        p.arrivalNanos(clock.nanoTime());
        return nic.receive(p, device);
    }

    @Test
    void aFullRingDropsWithRxRingFullAndReleasesTheBuffer() {
        Nic nic = new Nic("nic0", 1, 8, Coalescing.EVERY_PACKET);
        int placed = 0;
        for (int i = 0; i < 10; i++) {
            if (receive(nic, 0)) {
                placed++;
            }
        }
        assertThat(placed).isEqualTo(8);
        assertThat(device.counters().get(DropReason.RX_RING_FULL)).isEqualTo(2);
        assertThat(pool.outstanding()).as("dropped buffers went back to the pool").isEqualTo(8);
        assertThat(nic.ring(0).size()).isEqualTo(8);
        assertThat(nic.discard(device, DropReason.SHUTDOWN)).isEqualTo(8);
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void coalescingRaisesAfterNPackets() {
        Nic nic = new Nic("nic0", 1, 64, Coalescing.of(4, 1_000));
        AtomicInteger raises = new AtomicInteger();
        nic.ring(0).connect(raises::incrementAndGet);
        for (int i = 0; i < 3; i++) {
            receive(nic, 0);
            nic.service(clock.nanoTime());
        }
        assertThat(raises.get()).isZero();
        receive(nic, 0);
        nic.service(clock.nanoTime());
        assertThat(raises.get()).isEqualTo(1);
        assertThat(nic.nextDeadline()).as("nothing pending after a raise").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void coalescingRaisesTMicrosecondsAfterTheFirstUnservicedPacket() {
        Nic nic = new Nic("nic0", 1, 64, Coalescing.of(100, 50));
        AtomicInteger raises = new AtomicInteger();
        nic.ring(0).connect(raises::incrementAndGet);
        long first = clock.nanoTime();
        receive(nic, 0);
        nic.service(clock.nanoTime());
        clock.advance(20_000);
        receive(nic, 0);
        nic.service(clock.nanoTime());
        assertThat(nic.nextDeadline()).as("the timer runs from the first packet").isEqualTo(first + 50_000);
        clock.set(first + 49_999);
        nic.service(clock.nanoTime());
        assertThat(raises.get()).isZero();
        clock.set(first + 50_000);
        nic.service(clock.nanoTime());
        assertThat(raises.get()).isEqualTo(1);
        assertThat(nic.ring(0).raised()).isEqualTo(1);
    }

    @Test
    void everyPacketCoalescingRaisesOncePerBurst() {
        Nic nic = new Nic("nic0", 1, 64, Coalescing.EVERY_PACKET);
        AtomicInteger raises = new AtomicInteger();
        nic.ring(0).connect(raises::incrementAndGet);
        for (int i = 0; i < 5; i++) {
            receive(nic, 0);
            nic.service(clock.nanoTime());
        }
        assertThat(raises.get()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            receive(nic, 0);
        }
        nic.service(clock.nanoTime());
        assertThat(raises.get()).as("a burst that arrives at one instant is one interrupt").isEqualTo(6);
    }

    @Test
    void aMaskedRingRaisesNothingAndItsPacketsStartNoTimer() {
        Nic nic = new Nic("nic0", 1, 64, Coalescing.EVERY_PACKET);
        AtomicInteger raises = new AtomicInteger();
        nic.ring(0).connect(raises::incrementAndGet);
        nic.ring(0).mask();
        for (int i = 0; i < 10; i++) {
            receive(nic, 0);
            nic.service(clock.nanoTime());
        }
        assertThat(raises.get()).isZero();
        assertThat(nic.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(nic.ring(0).hasWork()).isTrue();
        nic.ring(0).enable();
        receive(nic, 0);
        nic.service(clock.nanoTime());
        assertThat(raises.get()).isEqualTo(1);
    }

    @Test
    void packetsGoToTheRingTheirFlowHashSelects() {
        Nic nic = new Nic("nic0", 4, 64, Coalescing.EVERY_PACKET);
        int[] table = new int[Nic.INDIRECTION_ENTRIES];
        for (int i = 0; i < table.length; i++) {
            table[i] = 3 - i % 4;
        }
        nic.indirection(table);
        receive(nic, 0x1234_5601);
        PacketBuffer p = nic.ring(nic.ringOf(0x1234_5601)).poll();
        assertThat(p).isNotNull();
        assertThat(p.queue()).isEqualTo(2).isEqualTo(nic.ringOf(0x1234_5601));
        p.release();
    }

    @Test
    void rssSpreadsManyFlowsOverTheRings() {
        long seed = 20070221L;
        SplittableRandom random = new SplittableRandom(seed);
        Nic nic = new Nic("nic0", 4, 64, Coalescing.EVERY_PACKET);
        int flows = 4000;
        int[] perRing = new int[4];
        for (int i = 0; i < flows; i++) {
            byte[] f = Frames.ipv4(Frames.UDP, random.nextInt(), random.nextInt(), random.nextInt(65536),
                    random.nextInt(65536), 0, 0, false);
            perRing[nic.ringOf(FlowHash.ofFrame(f, 0, f.length, 1))]++;
        }
        for (int r = 0; r < 4; r++) {
            assertThat(perRing[r]).as("flows on ring %d of 4 (seed %d)", r, seed).isBetween(flows / 4 * 8 / 10, flows / 4 * 12 / 10);
        }
    }

    /**
     * However packets arrive and however the NIC coalesces, servicing at each burst and at each
     * deadline leaves no packet without an interrupt, and never raises more than once per burst.
     */
    @Property(tries = 300)
    void coalescingStrandsNoPacket(@ForAll @IntRange(min = 1, max = 16) int n,
                                   @ForAll @IntRange(min = 0, max = 100) int micros,
                                   @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 5) Integer> burstSizes,
                                   @ForAll @Size(min = 40, max = 40) List<@IntRange(min = 0, max = 120_000) Integer> gaps) {
        ManualClock c = new ManualClock(0);
        PacketPool bigPool = new PacketPool("p", 512, 64, 0);
        Nic nic = new Nic("nic0", 1, 512, Coalescing.of(n, micros));
        AtomicInteger raises = new AtomicInteger();
        nic.ring(0).connect(raises::incrementAndGet);
        try (StageContext dev = new StageContext("dev", c)) {
            int bursts = 0;
            int packets = 0;
            for (int b = 0; b < burstSizes.size(); b++) {
                long deadline = nic.nextDeadline();
                long next = c.nanoTime() + gaps.get(b);
                if (deadline <= next) { // the wire services timers that fall before its next burst
                    c.set(Math.max(c.nanoTime(), deadline));
                    nic.service(c.nanoTime());
                }
                c.set(next);
                int k = burstSizes.get(b);
                for (int i = 0; i < k; i++) {
                    PacketBuffer p = bigPool.acquire();
                    p.arrivalNanos(c.nanoTime());
                    nic.receive(p, dev);
                }
                if (k > 0) {
                    bursts++;
                    packets += k;
                }
                nic.service(c.nanoTime());
            }
            if (nic.nextDeadline() != Long.MAX_VALUE) {
                c.set(Math.max(c.nanoTime(), nic.nextDeadline()));
                nic.service(c.nanoTime());
            }
            assertThat(nic.nextDeadline()).as("nothing left unserviced").isEqualTo(Long.MAX_VALUE);
            assertThat(raises.get()).isLessThanOrEqualTo(bursts);
            if (packets > 0) {
                assertThat(raises.get()).isPositive();
            }
        }
    }
}
