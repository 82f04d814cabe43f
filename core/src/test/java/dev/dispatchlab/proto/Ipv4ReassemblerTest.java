package dev.dispatchlab.proto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class Ipv4ReassemblerTest {

    private static final List<JsonNode> CASES = Cases.fragmented();
    private static final int A = Ipv4Descriptor.parse("192.0.2.1");
    private static final int B = Ipv4Descriptor.parse("192.0.2.2");
    private static final long TIMEOUT = ReassemblyLimits.DEFAULT.timeoutNanos();

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final PacketPool rx = new PacketPool("rx", 256, 2048, 128);
    private final PacketPool datagrams = Ipv4Reassembler.datagramPool("reassembly", 12);
    private final StageContext ctx = new StageContext("reassembly-test", clock);
    private final List<PacketBuffer> outputs = new ArrayList<>();
    private Ipv4Reassembler reassembler = new Ipv4Reassembler(ReassemblyLimits.DEFAULT, datagrams);
    private long offered;
    private long completions;

    @AfterEach
    void close() {
        ctx.close();
    }

    private static ReassemblyLimits limits(int maxDatagrams, int maxFragments, int maxBytes, OverlapPolicy policy) {
        return new ReassemblyLimits(maxDatagrams, maxFragments, maxBytes, TIMEOUT, policy);
    }

    /** Validates an IPv4 packet as the path would and offers it; keeps any datagram that comes out. */
    private PacketBuffer offer(byte[] ip) {
        PacketBuffer p = Packets.buffer(rx, ip, LinkType.RAW);
        assertThat(LinkInput.demux(p)).isNull();
        assertThat(IpInput.validate(p)).isNull();
        offered++;
        PacketBuffer out = reassembler.offer(p, ctx);
        if (out != null && out != p) {
            outputs.add(out);
            completions++;
        }
        return out;
    }

    private long drops(DropReason r) {
        return ctx.counters().get(r);
    }

    /** The rule of Ipv4Reassembler: every fragment is absorbed, a carrier, dropped, or still held. */
    private void assertAccounting() {
        long absorbed = ctx.counters().get(Counter.FRAGMENT_ABSORBED);
        long carriers = ctx.counters().get(Counter.REASSEMBLED);
        assertThat(carriers).isEqualTo(completions);
        assertThat(absorbed + carriers + ctx.counters().totalDrops() + reassembler.fragmentsHeld())
                .as("fragments offered = absorbed + carriers + dropped + held").isEqualTo(offered);
    }

    /** Accounting, then flush and release everything: no buffer of either pool may remain out. */
    private void assertEndsClean() {
        assertAccounting();
        long held = reassembler.fragmentsHeld();
        long incomplete = drops(DropReason.FRAGMENT_INCOMPLETE);
        assertThat(reassembler.flush(ctx)).isEqualTo(held);
        assertThat(drops(DropReason.FRAGMENT_INCOMPLETE)).isEqualTo(incomplete + held);
        assertThat(reassembler.inProgress()).isZero();
        assertThat(reassembler.bytesHeld()).isZero();
        assertAccounting();
        for (PacketBuffer out : outputs) {
            out.release();
        }
        outputs.clear();
        assertThat(rx.outstanding()).as("receive buffers leaked").isZero();
        assertThat(datagrams.outstanding()).as("datagram buffers leaked").isZero();
    }

    private static void assertIsCase(PacketBuffer out, JsonNode c, byte[] firstFragment) {
        assertThat(IpInput.validate(out)).isNull();
        assertThat(out.networkOffset()).isEqualTo(out.offset());
        assertThat(out.transportOffset()).isEqualTo(out.offset() + 20);
        assertThat(out.transportProtocol()).isEqualTo(IpProtocol.ESP);
        assertThat(IpInput.isFragment(out)).isFalse();
        byte[] d = out.toArray();
        assertThat(Packets.suffix(d, 20)).as(c.path("name").asText()).isEqualTo(Cases.hex(c, "esp_packet"));
        assertThat(Ipv4Descriptor.totalLength(d, 0)).isEqualTo(d.length);
        assertThat(Ipv4Descriptor.identification(d, 0)).isEqualTo(Ipv4Descriptor.identification(firstFragment, 0));
        assertThat(Ipv4Descriptor.source(d, 0)).isEqualTo(Ipv4Descriptor.parse(c.path("src").asText()));
        assertThat(Ipv4Descriptor.destination(d, 0)).isEqualTo(Ipv4Descriptor.parse(c.path("dst").asText()));
    }

    /** Case 1's ESP packet as one IPv4 datagram (first wire fragment's header, DF set), to refragment at will. */
    private static byte[] wholeDatagram(int id) {
        JsonNode c = CASES.get(0);
        byte[] header = Packets.prefix(Cases.wireFragments(c).get(0), 20);
        byte[] d = Packets.concat(header, Cases.hex(c, "esp_packet"));
        Bytes.put16(d, 2, d.length);
        Bytes.put16(d, 4, id);
        Bytes.put16(d, 6, Ipv4Descriptor.FLAG_DF);
        return Packets.fixIpv4Checksum(d);
    }

    @Test
    void capturedFragmentsInOrderGiveTheCasesEspPackets() {
        assertThat(CASES).hasSize(8);
        for (JsonNode c : CASES) {
            List<byte[]> f = Cases.wireFragments(c);
            assertThat(f).hasSize(2);
            assertThat(offer(f.get(0))).isNull();
            assertThat(reassembler.fragmentsHeld()).isEqualTo(1);
            PacketBuffer out = offer(f.get(1));
            assertThat(out).isNotNull();
            assertThat(out.pool()).isSameAs(datagrams);
            assertIsCase(out, c, f.get(0));
            assertThat(reassembler.fragmentsHeld()).isZero();
            assertThat(rx.outstanding()).as("fragment buffers released on completion").isZero();
            outputs.remove(out);
            out.release();
        }
        assertThat(ctx.counters().get(Counter.REASSEMBLED)).isEqualTo(8);
        assertThat(ctx.counters().get(Counter.FRAGMENT_ABSORBED)).isEqualTo(8);
        assertThat(ctx.counters().totalDrops()).isZero();
        assertEndsClean();
    }

    @Test
    void capturedFragmentsReversed() {
        for (JsonNode c : CASES) {
            List<byte[]> f = Cases.wireFragments(c);
            assertThat(offer(f.get(1))).isNull();
            PacketBuffer out = offer(f.get(0));
            assertIsCase(out, c, f.get(0));
        }
        assertThat(outputs).hasSize(8);
        assertEndsClean();
    }

    @Test
    void capturedFragmentsInterleavedInShuffledOrders() {
        for (long seed = 1; seed <= 25; seed++) {
            List<byte[]> all = new ArrayList<>();
            for (JsonNode c : CASES) {
                all.addAll(Cases.wireFragments(c));
            }
            Collections.shuffle(all, new Random(seed));
            for (byte[] f : all) {
                offer(f);
            }
            assertThat(outputs).as("seed %d", seed).hasSize(8);
            for (PacketBuffer out : outputs) {
                int id = Ipv4Descriptor.identification(out.data(), out.offset());
                JsonNode c = CASES.stream().filter(k -> Ipv4Descriptor.identification(Cases.wireFragments(k).get(0), 0) == id)
                        .findFirst().orElseThrow();
                assertIsCase(out, c, Cases.wireFragments(c).get(0));
            }
            assertEndsClean();
        }
        assertThat(ctx.counters().totalDrops()).isZero();
    }

    @Test
    void eightFragmentsInManyOrdersKeepDfAndTheFirstHeader() {
        byte[] whole = wholeDatagram(0x4242);
        List<byte[]> pieces = Packets.fragment(whole, 200);
        assertThat(pieces).hasSize(8);
        for (long seed = 1; seed <= 40; seed++) {
            List<byte[]> order = new ArrayList<>(pieces);
            Collections.shuffle(order, new Random(seed));
            for (int i = 0; i < order.size(); i++) {
                PacketBuffer out = offer(order.get(i));
                assertThat(out == null).as("seed %d, fragment %d", seed, i).isEqualTo(i < order.size() - 1);
            }
            assertThat(outputs.getLast().toArray()).as("seed %d", seed).isEqualTo(whole);
            assertEndsClean();
        }
        assertThat(ctx.counters().get(Counter.FRAGMENT_ABSORBED)).isEqualTo(40 * 7);
    }

    @Test
    void exactDuplicatesAreDroppedAlone() {
        List<byte[]> f = Cases.wireFragments(CASES.get(0));
        offer(f.get(0));
        assertThat(offer(f.get(0))).isNull();
        assertThat(drops(DropReason.FRAGMENT_DUPLICATE)).isEqualTo(1);
        assertThat(reassembler.fragmentsHeld()).isEqualTo(1);
        List<byte[]> g = Cases.wireFragments(CASES.get(1));
        offer(g.get(1));
        offer(g.get(1)); // a duplicate of a last fragment
        assertThat(drops(DropReason.FRAGMENT_DUPLICATE)).isEqualTo(2);
        assertIsCase(offer(f.get(1)), CASES.get(0), f.get(0));
        assertIsCase(offer(g.get(0)), CASES.get(1), g.get(0));
        assertThat(ctx.counters().get(Counter.FRAGMENT_ABSORBED)).isEqualTo(2);
        assertEndsClean();
    }

    @Test
    void sameRangeWithAnotherMoreFragmentsFlagDropsTheDatagram() {
        offer(Packets.fragmentOf(A, B, 1, 8, 16, true, 1));
        offer(Packets.fragmentOf(A, B, 1, 8, 16, false, 1));
        assertThat(drops(DropReason.FRAGMENT_BAD)).isEqualTo(2);
        assertThat(reassembler.inProgress()).isZero();
        assertEndsClean();
    }

    @Test
    void overlapDropsTheWholeDatagramByDefault() {
        offer(Packets.fragmentOf(A, B, 7, 0, 16, true, 1));
        offer(Packets.fragmentOf(A, B, 7, 32, 8, false, 3));
        assertThat(offer(Packets.fragmentOf(A, B, 7, 8, 16, true, 2))).isNull();
        assertThat(drops(DropReason.FRAGMENT_OVERLAP)).isEqualTo(3);
        assertThat(reassembler.fragmentsHeld()).isZero();
        assertEndsClean();
    }

    @Test
    void overlapPolicyDropFragmentKeepsWhatIsHeld() {
        reassembler = new Ipv4Reassembler(limits(4, 8, 1 << 16, OverlapPolicy.DROP_FRAGMENT), datagrams);
        offer(Packets.fragmentOf(A, B, 7, 0, 16, true, 1));
        offer(Packets.fragmentOf(A, B, 7, 8, 16, true, 2));
        assertThat(drops(DropReason.FRAGMENT_OVERLAP)).isEqualTo(1);
        PacketBuffer out = offer(Packets.fragmentOf(A, B, 7, 16, 16, false, 3));
        byte[] payload = Packets.suffix(out.toArray(), 20);
        assertThat(Bytes.hex(payload)).isEqualTo("01".repeat(16) + "03".repeat(16));
        assertEndsClean();
    }

    @Test
    void timeoutRunsFromTheFirstFragment() {
        byte[] whole = wholeDatagram(9);
        List<byte[]> pieces = Packets.fragment(whole, 400);
        offer(pieces.get(0));
        clock.advance(TIMEOUT - 1);
        offer(pieces.get(1));
        assertThat(reassembler.expire(ctx)).isZero();
        clock.advance(1);
        assertThat(reassembler.expire(ctx)).isEqualTo(2);
        assertThat(drops(DropReason.FRAGMENT_TIMEOUT)).isEqualTo(2);
        // the rest arrive late: they start a new datagram, which the run's end flushes
        offer(pieces.get(2));
        offer(pieces.get(3));
        assertThat(reassembler.fragmentsHeld()).isEqualTo(2);
        assertEndsClean();
        assertThat(drops(DropReason.FRAGMENT_INCOMPLETE)).isEqualTo(2);
    }

    @Test
    void everyOfferExpiresOverdueDatagrams() {
        List<byte[]> f = Cases.wireFragments(CASES.get(0));
        offer(f.get(0));
        offer(Cases.wireFragments(CASES.get(1)).get(0));
        clock.advance(TimeUnit.SECONDS.toNanos(31));
        byte[] whole = wholeDatagram(3);
        PacketBuffer p = Packets.buffer(rx, whole, LinkType.RAW);
        assertThat(LinkInput.demux(p)).isNull();
        assertThat(IpInput.validate(p)).isNull();
        assertThat(reassembler.offer(p, ctx)).as("not a fragment: passed through").isSameAs(p);
        p.release();
        assertThat(drops(DropReason.FRAGMENT_TIMEOUT)).isEqualTo(2);
        assertThat(reassembler.inProgress()).isZero();
        assertEndsClean();
    }

    @Test
    void tableFullRefusesNewDatagramsAndKeepsThoseInProgress() {
        reassembler = new Ipv4Reassembler(limits(2, 8, 1 << 20, OverlapPolicy.DROP_DATAGRAM), datagrams);
        offer(Cases.wireFragments(CASES.get(0)).get(0));
        offer(Cases.wireFragments(CASES.get(1)).get(0));
        assertThat(offer(Cases.wireFragments(CASES.get(2)).get(0))).isNull();
        assertThat(drops(DropReason.FRAGMENT_TABLE_FULL)).isEqualTo(1);
        assertIsCase(offer(Cases.wireFragments(CASES.get(0)).get(1)), CASES.get(0), Cases.wireFragments(CASES.get(0)).get(0));
        assertIsCase(offer(Cases.wireFragments(CASES.get(1)).get(1)), CASES.get(1), Cases.wireFragments(CASES.get(1)).get(0));
        offer(Cases.wireFragments(CASES.get(2)).get(1));
        assertThat(reassembler.fragmentsHeld()).isEqualTo(1);
        assertEndsClean();
    }

    @Test
    void byteBoundRefusesNewDatagramsAndDropsOneThatOutgrowsIt() {
        reassembler = new Ipv4Reassembler(limits(8, 8, 2000, OverlapPolicy.DROP_DATAGRAM), datagrams);
        offer(Cases.wireFragments(CASES.get(0)).get(0)); // 1500 bytes held
        offer(Cases.wireFragments(CASES.get(1)).get(0));
        assertThat(drops(DropReason.FRAGMENT_TABLE_FULL)).as("a new datagram finds no room").isEqualTo(1);
        assertThat(offer(Cases.wireFragments(CASES.get(0)).get(1))).isNotNull(); // 1500 + 64 fits

        reassembler = new Ipv4Reassembler(limits(8, 8, 1563, OverlapPolicy.DROP_DATAGRAM), datagrams);
        long before = drops(DropReason.FRAGMENT_TABLE_FULL);
        offer(Cases.wireFragments(CASES.get(2)).get(0));
        offer(Cases.wireFragments(CASES.get(2)).get(1)); // 1500 + 64 > 1563: the datagram cannot complete
        assertThat(drops(DropReason.FRAGMENT_TABLE_FULL) - before).isEqualTo(2);
        assertThat(reassembler.bytesHeld()).isZero();
        assertEndsClean();
    }

    @Test
    void datagramsBeyond65535BytesAreTooLarge() {
        offer(Packets.fragmentOf(A, B, 5, 65512, 48, false, 1)); // ends at 65560
        assertThat(drops(DropReason.FRAGMENT_TOO_LARGE)).isEqualTo(1);
        offer(Packets.fragmentOf(A, B, 6, 0, 64, true, 1));
        offer(Packets.fragmentOf(A, B, 6, 65512, 48, false, 1));
        assertThat(drops(DropReason.FRAGMENT_TOO_LARGE)).as("the held fragment goes too").isEqualTo(3);
        assertThat(reassembler.inProgress()).isZero();
        assertEndsClean();
    }

    @Test
    void aFirstHeaderWithOptionsCanPushTheDatagramPast65535() {
        PacketPool big = new PacketPool("big-rx", 64, 2048, 0);
        byte[] options = new byte[40];
        java.util.Arrays.fill(options, (byte) Ipv4Descriptor.OPTION_NOP);
        int payload = 65512; // 20 + 65512 would fit; 60 + 65512 does not
        int chunk = 1480;
        List<PacketBuffer> pieces = new ArrayList<>();
        for (int off = 0; off < payload; off += chunk) {
            int n = Math.min(chunk, payload - off);
            boolean more = off + n < payload;
            byte[] f = Packets.ipv4(A, B, IpProtocol.ESP, 77, (more ? Ipv4Descriptor.FLAG_MF : 0) | off / 8,
                    off == 0 ? options : new byte[0], new byte[n]);
            PacketBuffer p = Packets.buffer(big, f, LinkType.RAW);
            assertThat(LinkInput.demux(p)).isNull();
            assertThat(IpInput.validate(p)).isNull();
            pieces.add(p);
        }
        for (PacketBuffer p : pieces) {
            offered++;
            assertThat(reassembler.offer(p, ctx)).isNull();
        }
        assertThat(drops(DropReason.FRAGMENT_TOO_LARGE)).isEqualTo(pieces.size());
        assertThat(big.outstanding()).isZero();
        assertEndsClean();
    }

    @Test
    void aDatagramPoolWithSmallerBuffersLowersTheLimit() {
        PacketPool small = new PacketPool("small", 2, 1024 + 128, 128);
        reassembler = new Ipv4Reassembler(ReassemblyLimits.DEFAULT, small);
        assertThat(reassembler.maxDatagram()).isEqualTo(1024);
        List<byte[]> f = Cases.wireFragments(CASES.get(0));
        offer(f.get(0));
        offer(f.get(1));
        assertThat(drops(DropReason.FRAGMENT_TOO_LARGE)).isEqualTo(2);
        assertThat(offer(Packets.fragmentOf(A, B, 1, 0, 496, true, 1))).isNull();
        PacketBuffer out = offer(Packets.fragmentOf(A, B, 1, 496, 508, false, 2));
        assertThat(out.length()).isEqualTo(1024);
        assertThat(out.pool()).isSameAs(small);
        out.release();
        outputs.clear();
        assertThat(small.outstanding()).isZero();
        assertEndsClean();
    }

    @Test
    void tooManyFragmentsDropTheDatagram() {
        reassembler = new Ipv4Reassembler(limits(4, 4, 1 << 20, OverlapPolicy.DROP_DATAGRAM), datagrams);
        List<byte[]> pieces = Packets.fragment(wholeDatagram(11), 200);
        for (int i = 0; i < 5; i++) {
            offer(pieces.get(i));
        }
        assertThat(drops(DropReason.FRAGMENT_TOO_MANY)).isEqualTo(5);
        assertThat(reassembler.inProgress()).isZero();
        for (int i = 5; i < 8; i++) {
            offer(pieces.get(i));
        }
        assertEndsClean();
        assertThat(drops(DropReason.FRAGMENT_INCOMPLETE)).isEqualTo(3);
    }

    @Test
    void malformedFragments() {
        offer(Packets.fragmentOf(A, B, 2, 0, 12, true, 1)); // not a multiple of 8
        offer(Packets.fragmentOf(A, B, 2, 8, 0, true, 1)); // empty
        assertThat(drops(DropReason.FRAGMENT_BAD)).isEqualTo(2);
        assertThat(reassembler.inProgress()).isZero();
        // a second, different last fragment
        offer(Packets.fragmentOf(A, B, 3, 0, 8, true, 1));
        offer(Packets.fragmentOf(A, B, 3, 16, 8, false, 1));
        offer(Packets.fragmentOf(A, B, 3, 24, 8, false, 1));
        assertThat(drops(DropReason.FRAGMENT_BAD)).isEqualTo(5);
        // a fragment that says more follow, past the last one's end
        offer(Packets.fragmentOf(A, B, 4, 16, 8, false, 1));
        offer(Packets.fragmentOf(A, B, 4, 24, 8, true, 1));
        assertThat(drops(DropReason.FRAGMENT_BAD)).isEqualTo(7);
        // a last fragment ending before data already held
        offer(Packets.fragmentOf(A, B, 5, 24, 8, true, 1));
        offer(Packets.fragmentOf(A, B, 5, 8, 8, false, 1));
        assertThat(drops(DropReason.FRAGMENT_BAD)).isEqualTo(9);
        assertThat(reassembler.inProgress()).isZero();
        assertEndsClean();
    }

    @Test
    void anExhaustedDatagramPoolDropsEveryFragment() {
        List<PacketBuffer> taken = new ArrayList<>();
        for (PacketBuffer b; (b = datagrams.acquire()) != null; ) {
            taken.add(b);
        }
        List<byte[]> f = Cases.wireFragments(CASES.get(0));
        offer(f.get(0));
        assertThat(offer(f.get(1))).isNull();
        assertThat(drops(DropReason.POOL_EXHAUSTED)).isEqualTo(2);
        taken.forEach(PacketBuffer::release);
        assertEndsClean();
    }

    @Test
    void theKeyIsSourceDestinationIdentificationAndProtocol() {
        int c = Ipv4Descriptor.parse("192.0.2.3");
        offer(Packets.fragmentOf(A, B, 1, 0, 8, true, 1));
        offer(Packets.fragmentOf(c, B, 1, 0, 8, true, 2));
        offer(Packets.fragmentOf(A, c, 1, 0, 8, true, 3));
        offer(Packets.fragmentOf(A, B, 2, 0, 8, true, 4));
        byte[] udp = Packets.ipv4(A, B, IpProtocol.UDP, 1, Ipv4Descriptor.FLAG_MF, new byte[0], new byte[8]);
        offer(udp);
        assertThat(reassembler.inProgress()).isEqualTo(5);
        PacketBuffer out = offer(Packets.fragmentOf(c, B, 1, 8, 8, false, 9));
        assertThat(Bytes.hex(Packets.suffix(out.toArray(), 20))).isEqualTo("02".repeat(8) + "09".repeat(8));
        assertThat(Ipv4Descriptor.source(out.data(), out.offset())).isEqualTo(c);
        assertEndsClean();
    }

    @Test
    void theDatagramCarriesTheEarliestArrivalAndTheCarriersAnnotations() {
        List<byte[]> f = Cases.wireFragments(CASES.get(0));
        PacketBuffer first = Packets.buffer(rx, f.get(0), LinkType.RAW);
        first.arrivalNanos(500);
        PacketBuffer second = Packets.buffer(rx, f.get(1), LinkType.RAW);
        second.arrivalNanos(900);
        second.flowHash(0x1234);
        second.queue(3);
        second.tag = 16;
        for (PacketBuffer p : List.of(first, second)) {
            assertThat(LinkInput.demux(p)).isNull();
            assertThat(IpInput.validate(p)).isNull();
        }
        offered += 2;
        assertThat(reassembler.offer(second, ctx)).isNull();
        PacketBuffer out = reassembler.offer(first, ctx);
        outputs.add(out);
        completions++;
        assertThat(out.arrivalNanos()).isEqualTo(500);
        assertThat(out.flowHash()).isZero(); // the carrier was the first fragment, whose hash is 0
        assertThat(out.linkType()).isEqualTo(LinkType.RAW.code());
        assertThat(out.tag).isEqualTo(-1);
        assertEndsClean();
    }

    /**
     * Found by the receive-path fuzzer: a datagram reassembled from decrypted inner fragments came out
     * with depth 0 and no SA, so the path took it for an outer cleartext packet (dropped as
     * UNPROTECTED, or delivered as cleartext), and a cleartext fragment claiming the inner addresses
     * and identification could join an authenticated datagram. Fragments now meet only fragments
     * from the same ESP layer (depth and SA), and the datagram keeps both.
     */
    @Test
    void fragmentsMeetOnlyFragmentsOfTheSameEspLayer() {
        List<byte[]> f = Cases.wireFragments(CASES.get(0));
        Object sa = "the SA that decrypted them";
        Object otherSa = "another SA";
        assertThat(offer(f.get(0), 1, sa)).isNull();
        assertThat(offer(f.get(1), 0, null)).as("a cleartext fragment does not complete it").isNull();
        assertThat(offer(f.get(1), 1, otherSa)).as("nor one decrypted from another SA").isNull();
        assertThat(offer(f.get(1), 2, sa)).as("nor one from another depth").isNull();
        assertThat(reassembler.inProgress()).isEqualTo(4);
        PacketBuffer out = offer(f.get(1), 1, sa);
        assertThat(out).isNotNull();
        assertIsCase(out, CASES.get(0), f.get(0));
        assertThat(out.depth).isEqualTo(1);
        assertThat(out.sa).isSameAs(sa);
        assertThat(reassembler.fragmentsHeld()).isEqualTo(3);
        assertEndsClean();
    }

    private PacketBuffer offer(byte[] ip, int depth, Object sa) {
        PacketBuffer p = Packets.buffer(rx, ip, LinkType.RAW);
        assertThat(LinkInput.demux(p)).isNull();
        assertThat(IpInput.validate(p)).isNull();
        p.depth = depth;
        p.sa = sa;
        offered++;
        PacketBuffer out = reassembler.offer(p, ctx);
        if (out != null && out != p) {
            outputs.add(out);
            completions++;
        }
        return out;
    }
}
