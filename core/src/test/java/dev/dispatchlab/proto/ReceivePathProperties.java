package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arbitrary bytes, and mutations of real frames, through link demux, IP validation, reassembly and
 * UDP: nothing throws, and every input ends as exactly one outcome (delivered, passed up as IKE,
 * absorbed into a datagram, or dropped with a reason), checked after every input and, once the
 * reassembler is flushed, with no buffer left out.
 */
class ReceivePathProperties {

    /** A valid frame to mutate: its bytes, link type and where its IP header starts. */
    record Base(byte[] frame, LinkType type, int ip) {
    }

    private static final List<Base> BASES = bases();

    private static List<Base> bases() {
        List<Base> out = new ArrayList<>();
        String[] captures = {
                "/captures/openswan-klips/02-east-west-transport.pcap", "/captures/openswan-klips/02-sunrise-sunset-esp.pcap",
                "/captures/openswan-klips/08-sunrise-sunset-esp-double.pcap",
                "/captures/openswan-klips/08-sunrise-sunset-udpesp-ping.pcap", "/captures/openswan-klips/espfrags1.pcap",
                "/captures/openswan-klips/08-east-west-esp-ipcomp.pcap", "/captures/tcpdump/espudp1.pcap",
                "/captures/rfc7634/rfc7634-appendixB.pcap", "/proto/ethernet-vlan.pcap", "/proto/ipv6-ethernet.pcap",
                "/proto/linux-sll.pcap", "/proto/linux-sll2.pcap", "/proto/null.pcap", "/proto/loop.pcap",
                "/proto/raw.pcap", "/proto/ipv4.pcap", "/proto/ipv6.pcap"};
        for (String c : captures) {
            Pcap pcap = Pcap.read(c);
            LinkType type = LinkType.of(pcap.linkType());
            for (byte[] f : pcap.frames()) {
                out.add(base(f, type));
            }
        }
        // small fragments of one ESP packet, and the RFC 3948 corner cases, as raw IP
        byte[] whole = Packets.concat(Packets.prefix(Cases.wireFragments(Cases.fragmented().getFirst()).getFirst(), 20),
                Cases.hex(Cases.fragmented().getFirst(), "esp_packet"));
        Bytes.put16(whole, 2, whole.length);
        Bytes.put16(whole, 6, 0);
        for (byte[] f : Packets.fragment(Packets.fixIpv4Checksum(whole), 256)) {
            out.add(base(f, LinkType.RAW));
        }
        int a = Ipv4Descriptor.address(192, 0, 2, 1);
        int b = Ipv4Descriptor.address(192, 0, 2, 2);
        for (String udp : new String[]{"1194119400090000ff", "11941194000c000000000000", "01f401f4000c000000000000"}) {
            out.add(base(Packets.ipv4(a, b, IpProtocol.UDP, 5, 0, new byte[0], Bytes.fromHex(udp)), LinkType.RAW));
        }
        return out;
    }

    private static Base base(byte[] frame, LinkType type) {
        PacketBuffer p = Packets.buffer(frame, type);
        assertThat(LinkInput.demux(p)).as("every base frame is valid").isNull();
        return new Base(frame, type, p.offset() - 128);
    }

    /** One edit: 0 flip a byte, 1 set a byte, 2 cut the frame, 3 append bytes; header bytes are hit more often. */
    record Mutation(int kind, int position, int value) {
        byte[] apply(byte[] f) {
            if (f.length == 0 && kind < 2) {
                return f;
            }
            int at = (value & 1) == 0 ? position % Math.min(f.length == 0 ? 1 : f.length, 80) : position % Math.max(1, f.length);
            return switch (kind) {
                case 0 -> Packets.with8(f, at, f[at] ^ (value | 1));
                case 1 -> Packets.with8(f, at, value);
                case 2 -> Packets.prefix(f, position % (f.length + 1));
                default -> Packets.concat(f, new byte[value % 24]);
            };
        }
    }

    /** A base frame, its edits, whether to repair the IPv4 header checksum after them, and time passing before it. */
    record Input(int base, List<Mutation> mutations, boolean fixChecksum, int advanceMicros) {
        byte[] frame() {
            Base b = BASES.get(base);
            byte[] f = b.frame();
            for (Mutation m : mutations) {
                f = m.apply(f);
            }
            if (fixChecksum && f.length >= b.ip() + 20 && (f[b.ip()] & 0xF0) == 0x40) {
                int hl = (f[b.ip()] & 0x0F) * 4;
                if (hl >= 20 && b.ip() + hl <= f.length) {
                    byte[] header = Packets.fixIpv4Checksum(Packets.suffix(Packets.prefix(f, b.ip() + hl), b.ip()));
                    System.arraycopy(header, 0, f, b.ip(), hl);
                }
            }
            return f;
        }
    }

    @Provide
    Arbitrary<List<Input>> inputs() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 1 << 16), Arbitraries.integers().between(0, 255)).as(Mutation::new);
        Arbitrary<Input> input = Combinators.combine(Arbitraries.integers().between(0, BASES.size() - 1),
                mutation.list().ofMaxSize(3), Arbitraries.of(true, true, false),
                Arbitraries.integers().between(0, 20_000_000)).as(Input::new);
        return input.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 2000)
    void anyBytesOnAnyLinkTypeEndInExactlyOneOutcome(@ForAll @Size(max = 1600) byte[] frame, @ForAll LinkType type) {
        try (MiniPath path = new MiniPath()) {
            DropReason r = path.input(frame, type);
            path.assertAccounting();
            path.assertEndsClean();
            Statistics.collect(r == null ? "accepted" : r.stage().toString());
        }
    }

    @Property(tries = 500)
    void mutatedFramesEndInExactlyOneOutcome(@ForAll("inputs") List<Input> inputs) {
        try (MiniPath path = new MiniPath()) {
            for (Input in : inputs) {
                path.clock.advance(in.advanceMicros() * 1000L);
                DropReason r = path.input(in.frame(), BASES.get(in.base()).type());
                path.assertAccounting();
                Statistics.collect(r == null ? "accepted" : r.label());
            }
            path.assertEndsClean();
        }
    }

    /**
     * The receive path as far as this package goes, wired the way the stack will wire it: demux,
     * validate, reassemble, UDP, and a stand-in for ESP and the IKE consumer that just takes the packet.
     */
    static final class MiniPath implements AutoCloseable {
        final ManualClock clock = new ManualClock(0);
        final PacketPool rx = new PacketPool("rx", 64, 1600 + 128, 128);
        final PacketPool datagrams = new PacketPool("reassembly", 4, 8192 + 128, 128);
        final StageContext ctx = new StageContext("mini-path", clock);
        final Ipv4Reassembler reassembler =
                new Ipv4Reassembler(new ReassemblyLimits(8, 16, 16_000, 10_000_000_000L, OverlapPolicy.DROP_DATAGRAM), datagrams);

        /** @return the reason the input (or the datagram it completed) was dropped with, or null */
        DropReason input(byte[] frame, LinkType type) {
            ctx.count(Counter.OFFERED);
            PacketBuffer p = rx.acquire();
            if (p == null) {
                throw new AssertionError("receive pool exhausted: a buffer leaked or the reassembler holds too many");
            }
            if (frame.length > p.tailroom()) {
                ctx.drop(p, DropReason.TOO_LONG);
                return DropReason.TOO_LONG;
            }
            p.append(frame, 0, frame.length);
            p.linkType(type.code());
            DropReason r = LinkInput.demux(p);
            if (r == null) {
                r = IpInput.validate(p);
            }
            if (r != null) {
                ctx.drop(p, r);
                return r;
            }
            if (Ipv4Descriptor.version(p.data(), p.networkOffset()) == 4) {
                PacketBuffer q = reassembler.offer(p, ctx);
                if (q == null) {
                    return null;
                }
                if (q != p) {
                    assertThat(IpInput.validate(q)).as("a reassembled datagram is a valid IPv4 packet").isNull();
                }
                p = q;
            }
            return upperLayer(p);
        }

        private DropReason upperLayer(PacketBuffer p) {
            DropReason r = switch (p.transportProtocol()) {
                case IpProtocol.ESP -> null;
                case IpProtocol.UDP -> {
                    DropReason u = UdpInput.validate(p);
                    yield u != null ? u : UdpInput.classify(p).dropReason();
                }
                default -> DropReason.IP_UNSUPPORTED_PROTOCOL;
            };
            if (r != null) {
                ctx.drop(p, r);
            } else if (p.transportProtocol() == IpProtocol.UDP && UdpInput.classify(p) == UdpClass.IKE) {
                ctx.count(Counter.IKE_PASSED);
                p.release();
            } else {
                ctx.count(Counter.DELIVERED);
                p.release();
            }
            return r;
        }

        void assertAccounting() {
            var c = ctx.counters();
            assertThat(c.get(Counter.DELIVERED) + c.get(Counter.IKE_PASSED) + c.get(Counter.FRAGMENT_ABSORBED)
                    + c.totalDrops() + reassembler.fragmentsHeld())
                    .as("offered = delivered + IKE + absorbed + dropped + held: %s", c).isEqualTo(c.get(Counter.OFFERED));
        }

        void assertEndsClean() {
            reassembler.flush(ctx);
            assertAccounting();
            assertThat(rx.outstanding()).isZero();
            assertThat(datagrams.outstanding()).isZero();
        }

        @Override
        public void close() {
            ctx.close();
        }
    }
}
