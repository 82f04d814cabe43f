package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random datagrams, fragmented at random sizes and offered interleaved in random orders with
 * duplicates, lost fragments and passing time: what comes out is byte for byte what went in, the
 * accounting rule holds after every offer, and nothing leaks.
 */
class ReassemblyProperties {

    /**
     * One datagram: its size, fragment payload size (times 8), duplicates to inject, whether a
     * fragment is lost, and whether one fragment of a second fragmentation at another size (as
     * after a path MTU change) is mixed in, which overlaps.
     */
    record Plan(int id, int size, int chunkUnits, int duplicates, boolean loseOne, boolean refragment) {
    }

    @Provide
    Arbitrary<List<Plan>> plans() {
        Arbitrary<Plan> plan = Combinators.combine(
                Arbitraries.integers().between(0, 3), // identifications collide on purpose: the source differs
                Arbitraries.integers().between(1, 3000),
                Arbitraries.integers().between(1, 185),
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(false, false, false, true),
                Arbitraries.of(false, false, false, true)).as(Plan::new);
        return plan.list().ofMinSize(1).ofMaxSize(12);
    }

    private static byte[] datagram(int index, Plan plan) {
        byte[] payload = new byte[plan.size()];
        new Random(index * 31L + plan.size()).nextBytes(payload);
        return Packets.ipv4(Ipv4Descriptor.address(10, 0, 0, 1 + index), Ipv4Descriptor.address(10, 9, 9, 9),
                IpProtocol.ESP, plan.id(), 0, new byte[0], payload);
    }

    @Property(tries = 300)
    void withRoomEnoughEveryDatagramComesOutOnceAndIntact(@ForAll("plans") List<Plan> plans, @ForAll long seed) {
        Random random = new Random(seed);
        List<byte[]> originals = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan plan = plans.get(i);
            originals.add(datagram(i, plan));
            int units = Math.max(plan.chunkUnits(), (plan.size() + 319) / 320); // at most 40 fragments each
            wire.addAll(Packets.fragment(originals.get(i), units * 8));
        }
        Collections.shuffle(wire, random);
        ReassemblyLimits roomy = new ReassemblyLimits(16, 512, 1 << 20, 1_000_000_000L, OverlapPolicy.DROP_DATAGRAM);
        try (Harness h = new Harness(roomy)) {
            Map<Integer, Integer> completions = new HashMap<>();
            for (byte[] f : wire) {
                PacketBuffer out = h.offer(f);
                if (out != null) {
                    int index = (Ipv4Descriptor.source(out.data(), out.offset()) & 0xFF) - 1;
                    assertThat(out.toArray()).isEqualTo(originals.get(index));
                    completions.merge(index, 1, Integer::sum);
                    out.release();
                }
                h.assertAccounting();
            }
            for (int i = 0; i < plans.size(); i++) {
                // a datagram that fits in one fragment is not a fragment: it passes through, counted as a completion here
                assertThat(completions.get(i)).as("datagram %d", i).isEqualTo(1);
            }
            assertThat(h.context.counters().totalDrops()).isZero();
            h.assertEndsClean();
        }
    }

    @Property(tries = 300)
    void underPressureWhatComesOutIsIntactAndEveryFragmentIsAccounted(@ForAll("plans") List<Plan> plans,
                                                                    @ForAll long seed, @ForAll OverlapPolicy policy) {
        Random random = new Random(seed);
        List<byte[]> originals = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan plan = plans.get(i);
            originals.add(datagram(i, plan));
            List<byte[]> pieces = new ArrayList<>(Packets.fragment(originals.get(i), plan.chunkUnits() * 8));
            for (int d = 0; d < plan.duplicates(); d++) {
                pieces.add(pieces.get(random.nextInt(pieces.size())));
            }
            if (plan.loseOne()) {
                pieces.remove(random.nextInt(pieces.size()));
            }
            if (plan.refragment()) {
                List<byte[]> other = Packets.fragment(originals.get(i), (plan.chunkUnits() + 3) * 8);
                pieces.add(other.get(random.nextInt(other.size())));
            }
            wire.addAll(pieces);
        }
        Collections.shuffle(wire, random);
        ReassemblyLimits tight = new ReassemblyLimits(3, 12, 6000, 200_000L, policy);
        try (Harness h = new Harness(tight)) {
            int reassembled = 0;
            for (byte[] f : wire) {
                h.clock.advance(random.nextInt(10_000));
                PacketBuffer out = h.offer(f);
                if (out != null) {
                    int index = (Ipv4Descriptor.source(out.data(), out.offset()) & 0xFF) - 1;
                    assertThat(out.toArray()).isEqualTo(originals.get(index));
                    reassembled += out == null || out.pool() != h.datagrams ? 0 : 1;
                    out.release();
                }
                h.assertAccounting();
                assertThat(h.reassembler.inProgress()).isLessThanOrEqualTo(3);
                assertThat(h.reassembler.bytesHeld()).isLessThanOrEqualTo(6000);
            }
            Statistics.label("reassembled").collect(reassembled == 0 ? "none" : "some");
            Statistics.label("dropped").collect(h.context.counters().dropsByReason().keySet());
            h.assertEndsClean();
        }
    }

    /** A reassembler with its pools, clock and context, and the accounting the properties check. */
    static final class Harness implements AutoCloseable {
        final ManualClock clock = new ManualClock(0);
        final PacketPool rx = new PacketPool("rx", 1024, 1600, 64);
        final PacketPool datagrams = new PacketPool("reassembly", 4, 4096 + 64, 64);
        final StageContext context = new StageContext("reassembly-property", clock);
        final Ipv4Reassembler reassembler;
        long offered;
        long passedThrough;

        Harness(ReassemblyLimits limits) {
            reassembler = new Ipv4Reassembler(limits, datagrams);
        }

        /** @return a datagram that came out (reassembled, or a whole one passed through), which the caller releases */
        PacketBuffer offer(byte[] ip) {
            PacketBuffer p = Packets.buffer(rx, ip, LinkType.RAW);
            assertThat(LinkInput.demux(p)).isNull();
            assertThat(IpInput.validate(p)).isNull();
            offered++;
            PacketBuffer out = reassembler.offer(p, context);
            if (out == p) {
                passedThrough++;
            }
            return out;
        }

        void assertAccounting() {
            long outcomes = context.counters().get(Counter.FRAGMENT_ABSORBED) + context.counters().get(Counter.REASSEMBLED)
                    + context.counters().totalDrops() + reassembler.fragmentsHeld() + passedThrough;
            assertThat(outcomes).as("absorbed + carriers + dropped + held + whole = offered").isEqualTo(offered);
        }

        void assertEndsClean() {
            reassembler.flush(context);
            assertThat(reassembler.fragmentsHeld()).isZero();
            assertAccounting();
            assertThat(rx.outstanding()).isZero();
            assertThat(datagrams.outstanding()).isZero();
        }

        @Override
        public void close() {
            context.close();
        }
    }
}
