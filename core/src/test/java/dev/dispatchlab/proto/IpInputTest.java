package dev.dispatchlab.proto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpInputTest {

    private static final byte[] V4 = Packets.suffix(Pcap.read("/captures/openswan-klips/02-sunrise-sunset-esp.pcap").frame(1), 14);
    private static final Pcap V6_FRAMES = Pcap.read("/proto/ipv6-ethernet.pcap");
    private static final byte[] V6_UDP = Packets.suffix(V6_FRAMES.frame(1), 14);
    private static final byte[] V6_CHAIN = Packets.suffix(V6_FRAMES.frame(2), 14);
    private static final byte[] ESP_STUB = Packets.suffix(V6_CHAIN, 72);

    private static PacketBuffer valid(byte[] ip) {
        PacketBuffer p = Packets.buffer(ip, LinkType.RAW);
        assertThat(LinkInput.demux(p)).isNull();
        assertThat(IpInput.validate(p)).isNull();
        return p;
    }

    private static DropReason reason(byte[] ip) {
        return IpInput.validate(Packets.buffer(ip, LinkType.RAW));
    }

    // ---- IPv4 -------------------------------------------------------------------------------

    @Test
    void everyCapturedOuterPacketValidatesToTheCasesBytes() {
        for (JsonNode c : Cases.wholeFrames()) {
            String name = c.path("name").asText();
            PacketBuffer p = Packets.buffer(Cases.frameOf(c), LinkType.ETHERNET);
            assertThat(LinkInput.demux(p)).as(name).isNull();
            assertThat(IpInput.validate(p)).as(name).isNull();
            assertThat(p.toArray()).as(name).isEqualTo(Cases.hex(c, "esp_packet"));
            assertThat(p.transportOffset()).isEqualTo(p.offset() + 20);
            assertThat(p.transportProtocol()).as(name)
                    .isEqualTo(c.path("udp_encap").asBoolean() ? IpProtocol.UDP : IpProtocol.ESP);
            assertThat(IpInput.isFragment(p)).isFalse();
        }
    }

    @Test
    void wireFragmentsValidateAndAreRecognised() {
        for (JsonNode c : Cases.fragmented()) {
            for (byte[] f : Cases.wireFragments(c)) {
                PacketBuffer p = valid(f);
                assertThat(IpInput.isFragment(p)).isTrue();
                assertThat(p.transportProtocol()).isEqualTo(IpProtocol.ESP);
            }
        }
    }

    @Test
    void linkPaddingAfterTheTotalLengthIsTrimmed() {
        PacketBuffer p = valid(Packets.concat(V4, new byte[]{0, 0, 0, 0, 1, 2, 3, 4}));
        assertThat(p.toArray()).isEqualTo(V4);
        // a minimum-size Ethernet frame: a 28-byte IPv4 packet padded to 46 bytes of payload
        byte[] small = Packets.ipv4(Ipv4Descriptor.parse("192.0.2.1"), Ipv4Descriptor.parse("192.0.2.2"),
                IpProtocol.UDP, 1, 0, new byte[0], Bytes.fromHex("1194119400080000"));
        byte[] frame = Packets.concat(Bytes.fromHex("100000646445100000646423" + "0800"), small, new byte[18]);
        PacketBuffer q = Packets.buffer(frame, LinkType.ETHERNET);
        assertThat(LinkInput.demux(q)).isNull();
        assertThat(IpInput.validate(q)).isNull();
        assertThat(q.length()).isEqualTo(28);
    }

    @Test
    void malformedIpv4Headers() {
        assertThat(reason(Packets.prefix(V4, 19))).isEqualTo(DropReason.IP_TRUNCATED);
        assertThat(reason(new byte[0])).isEqualTo(DropReason.IP_TRUNCATED);
        assertThat(IpInput.validateIpv4(Packets.buffer(Packets.fixIpv4Checksum(Packets.with8(V4, 0, 0x55)), LinkType.RAW)))
                .isEqualTo(DropReason.IP_BAD_VERSION);
        assertThat(reason(Packets.with8(V4, 0, 0x75))).isEqualTo(DropReason.IP_BAD_VERSION);
        assertThat(reason(Packets.fixIpv4Checksum(Packets.with8(V4, 0, 0x44)))).isEqualTo(DropReason.IP_BAD_HEADER);
        assertThat(reason(Packets.fixIpv4Checksum(Packets.with16(V4, 2, 19)))).isEqualTo(DropReason.IP_BAD_HEADER);
        assertThat(reason(Packets.fixIpv4Checksum(Packets.with16(V4, 2, V4.length + 1)))).isEqualTo(DropReason.IP_TRUNCATED);
        assertThat(reason(Packets.with8(V4, 11, V4[11] ^ 0x01))).isEqualTo(DropReason.IP_BAD_CHECKSUM);
        assertThat(reason(Packets.with8(V4, 15, V4[15] ^ 0x40))).isEqualTo(DropReason.IP_BAD_CHECKSUM);
        // IHL 6 on a 20-byte packet: the header runs past the data
        byte[] bare = Packets.fixIpv4Checksum(Packets.with16(Packets.with8(Packets.prefix(V4, 20), 0, 0x46), 2, 20));
        assertThat(reason(bare)).isEqualTo(DropReason.IP_TRUNCATED);
    }

    @Test
    void ipv4Options() {
        int a = Ipv4Descriptor.parse("192.0.2.1");
        int b = Ipv4Descriptor.parse("192.0.2.2");
        byte[] payload = Bytes.fromHex("0102030405060708");
        // NOP NOP NOP EOL; EOL then padding; Record Route (7 bytes) EOL; NOP NOP Record Route (8 bytes) EOL EOL
        for (String o : new String[]{"01010100", "00ffffff", "0707040000000000", "010107080400000000000000"}) {
            PacketBuffer p = valid(Packets.ipv4(a, b, IpProtocol.ESP, 7, 0, Bytes.fromHex(o), payload));
            assertThat(p.transportOffset() - p.offset()).as(o).isEqualTo(20 + o.length() / 2);
        }
        // length 1; length 0; a type with no room for its length; running past the header; timestamp of length 0
        for (String o : new String[]{"07010000", "07000000", "01010107", "0709040000000000", "44000000"}) {
            assertThat(reason(Packets.ipv4(a, b, IpProtocol.ESP, 7, 0, Bytes.fromHex(o), payload)))
                    .as("options %s", o).isEqualTo(DropReason.IP_BAD_OPTIONS);
        }
    }

    @Test
    void ipv4Addresses() {
        byte[] payload = Bytes.fromHex("0102030405060708");
        int ok = Ipv4Descriptor.parse("192.0.2.1");
        for (String bad : new String[]{"224.0.0.1", "239.255.255.250", "255.255.255.255"}) {
            assertThat(reason(Packets.ipv4(Ipv4Descriptor.parse(bad), ok, IpProtocol.ESP, 1, 0, new byte[0], payload)))
                    .as("source %s", bad).isEqualTo(DropReason.IP_BAD_ADDRESS);
        }
        assertThat(reason(Packets.ipv4(ok, 0, IpProtocol.ESP, 1, 0, new byte[0], payload))).isEqualTo(DropReason.IP_BAD_ADDRESS);
        for (String fine : new String[]{"127.0.0.1", "0.0.0.0", "10.1.2.3"}) {
            valid(Packets.ipv4(Ipv4Descriptor.parse(fine), ok, IpProtocol.ESP, 1, 0, new byte[0], payload));
        }
        valid(Packets.ipv4(ok, Ipv4Descriptor.parse("224.0.0.5"), IpProtocol.ESP, 1, 0, new byte[0], payload));
    }

    // ---- IPv6 -------------------------------------------------------------------------------

    @Test
    void ipv6UdpAndExtensionChain() {
        PacketBuffer udp = valid(V6_UDP);
        assertThat(udp.transportProtocol()).isEqualTo(IpProtocol.UDP);
        assertThat(udp.transportOffset()).isEqualTo(udp.offset() + 40);
        PacketBuffer chain = valid(V6_CHAIN);
        assertThat(chain.transportProtocol()).isEqualTo(IpProtocol.ESP);
        assertThat(chain.transportOffset()).isEqualTo(chain.offset() + 72);
        assertThat(Bytes.u32(chain.data(), chain.transportOffset())).isEqualTo(0x01020304L);
        assertThat(IpInput.isFragment(chain)).isFalse();
        assertThat(reason(Packets.suffix(V6_FRAMES.frame(3), 14))).isEqualTo(DropReason.FRAGMENT_IPV6);
    }

    /** An IPv6 packet from 2001:db8::1 to 2001:db8::2 whose chain is {@code headers} then ESP. */
    private static byte[] v6(int first, byte[]... headers) {
        byte[] payload = Packets.concat(Packets.concat(headers), ESP_STUB);
        byte[] out = Packets.concat(Packets.prefix(V6_UDP, 40), payload);
        Bytes.put16(out, 4, payload.length);
        out[6] = (byte) first;
        return out;
    }

    /** An options or routing header: next header, length, then {@code body} (6 + 8k bytes). */
    private static byte[] ext(int next, String body) {
        byte[] b = Bytes.fromHex(body);
        return Packets.concat(new byte[]{(byte) next, (byte) ((b.length + 2) / 8 - 1)}, b);
    }

    @Test
    void ipv6ChainRules() {
        String pad = "010400000000"; // PadN of 4: the six body bytes of an 8-byte options header
        assertThat(valid(v6(60, ext(50, pad))).transportOffset()).isEqualTo(128 + 48);
        assertThat(valid(v6(0, ext(60, pad), ext(43, pad), ext(50, "0000" + "00000000"))).transportProtocol())
                .isEqualTo(IpProtocol.ESP);
        // an unknown option whose type says "skip" (high bits 00) is stepped over
        valid(v6(60, ext(50, "1e0400000000")));
        // unknown option, "discard" (01, 10, 11)
        for (String t : new String[]{"4e", "8e", "ce"}) {
            assertThat(reason(v6(60, ext(50, t + "0400000000")))).as(t).isEqualTo(DropReason.IP_BAD_EXTENSION);
        }
        // an option running past its header
        assertThat(reason(v6(60, ext(50, "010500000000")))).isEqualTo(DropReason.IP_BAD_EXTENSION);
        assertThat(reason(v6(60, ext(50, "0000000000" + "01")))).isEqualTo(DropReason.IP_BAD_EXTENSION);
        // Hop-by-Hop only first
        assertThat(reason(v6(60, ext(0, pad), ext(50, pad)))).isEqualTo(DropReason.IP_BAD_EXTENSION);
        // a routing header with segments left would need forwarding
        assertThat(reason(v6(43, ext(50, "0001" + "00000000")))).isEqualTo(DropReason.IP_BAD_EXTENSION);
        // eight destination options headers pass, nine do not
        byte[][] eight = new byte[8][];
        byte[][] nine = new byte[9][];
        for (int i = 0; i < 9; i++) {
            byte[] h = ext(i == 8 ? 50 : 60, pad);
            nine[i] = h;
            if (i < 8) {
                eight[i] = i == 7 ? ext(50, pad) : h;
            }
        }
        assertThat(valid(v6(60, eight)).transportOffset()).isEqualTo(128 + 40 + 64);
        assertThat(reason(v6(60, nine))).isEqualTo(DropReason.IP_BAD_EXTENSION);
        // a header longer than the payload
        byte[] longHeader = v6(60, ext(50, pad));
        longHeader[41] = 9;
        assertThat(reason(longHeader)).isEqualTo(DropReason.IP_BAD_EXTENSION);
        // a payload too short for the next extension header
        byte[] cut = Packets.prefix(v6(60, ext(50, pad)), 44);
        Bytes.put16(cut, 4, 4);
        assertThat(reason(cut)).isEqualTo(DropReason.IP_BAD_EXTENSION);
        // no next header: the walk ends there
        byte[] none = v6(59);
        assertThat(valid(none).transportProtocol()).isEqualTo(IpProtocol.NO_NEXT_HEADER);
        // atomic fragment: stepped over; a later fragment (offset 8) is not reassembled
        assertThat(valid(v6(44, Bytes.fromHex("3200000000000001"))).transportProtocol()).isEqualTo(IpProtocol.ESP);
        assertThat(reason(v6(44, Bytes.fromHex("3200004000000001")))).isEqualTo(DropReason.FRAGMENT_IPV6);
        byte[] fragmentCut = Packets.prefix(v6(44, Bytes.fromHex("3200000000000001")), 44);
        Bytes.put16(fragmentCut, 4, 4);
        assertThat(reason(fragmentCut)).isEqualTo(DropReason.IP_BAD_EXTENSION);
    }

    @Test
    void ipv6JumbogramsAreNotSupported() {
        byte[] zeroLength = v6(0, ext(50, "c20400000000"));
        assertThat(reason(zeroLength)).isEqualTo(DropReason.IP_JUMBOGRAM);
        Bytes.put16(zeroLength, 4, 0);
        assertThat(reason(zeroLength)).isEqualTo(DropReason.IP_JUMBOGRAM);
    }

    @Test
    void malformedIpv6Headers() {
        assertThat(reason(Packets.prefix(V6_UDP, 39))).isEqualTo(DropReason.IP_TRUNCATED);
        assertThat(reason(Packets.prefix(V6_UDP, V6_UDP.length - 1))).isEqualTo(DropReason.IP_TRUNCATED);
        assertThat(IpInput.validateIpv6(Packets.buffer(V4, LinkType.RAW))).isEqualTo(DropReason.IP_BAD_VERSION);
        assertThat(reason(Packets.with8(V6_UDP, 8, 0xff))).isEqualTo(DropReason.IP_BAD_ADDRESS);
        byte[] unspecified = V6_UDP.clone();
        java.util.Arrays.fill(unspecified, 24, 40, (byte) 0);
        assertThat(reason(unspecified)).isEqualTo(DropReason.IP_BAD_ADDRESS);
        PacketBuffer padded = valid(Packets.concat(V6_UDP, new byte[5]));
        assertThat(padded.toArray()).isEqualTo(V6_UDP);
    }
}
