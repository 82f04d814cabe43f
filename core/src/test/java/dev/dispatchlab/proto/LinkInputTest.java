package dev.dispatchlab.proto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LinkInputTest {

    /** The IPv4 packet inside every sample of resources/proto: openswan 02-sunrise-sunset-esp frame 1. */
    private static final byte[] V4 = Packets.suffix(Pcap.read("/captures/openswan-klips/02-sunrise-sunset-esp.pcap").frame(1), 14);
    /** The IPv6/UDP/ESP packet of resources/proto (2001:db8::1 to 2001:db8::2). */
    private static final byte[] V6 = Packets.suffix(Pcap.read("/proto/ipv6-ethernet.pcap").frame(1), 14);

    private static PacketBuffer demuxed(byte[] frame, LinkType type) {
        PacketBuffer p = Packets.buffer(frame, type);
        assertThat(LinkInput.demux(p)).as("demux of a %s frame", type).isNull();
        assertThat(p.networkOffset()).isEqualTo(p.offset());
        return p;
    }

    private static DropReason reason(byte[] frame, LinkType type) {
        return LinkInput.demux(Packets.buffer(frame, type));
    }

    @Test
    void linkTypeNumbersArePcaps() {
        assertThat(LinkType.values()).extracting(LinkType::code).containsExactly(0, 1, 101, 108, 113, 228, 229, 276);
        for (LinkType t : LinkType.values()) {
            assertThat(LinkType.of(t.code())).isSameAs(t);
        }
        assertThat(LinkType.of(9)).isNull(); // PPP
        assertThat(LinkType.of(-1)).isNull();
    }

    @Test
    void everyCapturedFrameStartsItsIpPacketAfter14Bytes() {
        List<JsonNode> cases = Cases.wholeFrames();
        assertThat(cases).hasSizeGreaterThan(60);
        for (JsonNode c : cases) {
            byte[] frame = Cases.frameOf(c);
            PacketBuffer p = demuxed(frame, LinkType.ETHERNET);
            assertThat(p.offset()).isEqualTo(128 + 14);
            assertThat(Bytes.hex(p.data(), p.offset(), 20)).as(c.path("name").asText())
                    .isEqualTo(c.path("outer_ip_header").asText());
        }
    }

    @Test
    void vlanTagsAreStrippedOneAndTwoDeep() {
        Pcap pcap = Pcap.read("/proto/ethernet-vlan.pcap");
        assertThat(pcap.linkType()).isEqualTo(1);
        PacketBuffer one = demuxed(pcap.frame(1), LinkType.ETHERNET);
        assertThat(one.toArray()).isEqualTo(V4);
        assertThat(EthernetDescriptor.vlanId(pcap.frame(1), 12)).isEqualTo(100);
        assertThat(demuxed(pcap.frame(2), LinkType.ETHERNET).toArray()).isEqualTo(V4);
        assertThat(demuxed(pcap.frame(3), LinkType.ETHERNET).toArray()).isEqualTo(V6);
    }

    @Test
    void aThirdTagIsTooDeep() {
        byte[] two = Pcap.read("/proto/ethernet-vlan.pcap").frame(2);
        byte[] three = Packets.concat(Packets.prefix(two, 12), Bytes.fromHex("88a800c8"), Packets.suffix(two, 12));
        assertThat(reason(three, LinkType.ETHERNET)).isEqualTo(DropReason.ETHER_UNSUPPORTED);
        byte[] legacy = Packets.concat(Packets.prefix(two, 12), Bytes.fromHex("9100"), Packets.suffix(two, 14));
        assertThat(demuxed(legacy, LinkType.ETHERNET).toArray()).isEqualTo(V4);
    }

    @Test
    void cookedCaptures() {
        Pcap sll = Pcap.read("/proto/linux-sll.pcap");
        assertThat(sll.linkType()).isEqualTo(LinkType.LINUX_SLL.code());
        assertThat(demuxed(sll.frame(1), LinkType.LINUX_SLL).toArray()).isEqualTo(V4);
        assertThat(demuxed(sll.frame(2), LinkType.LINUX_SLL).toArray()).isEqualTo(V6);
        assertThat(demuxed(sll.frame(3), LinkType.LINUX_SLL).toArray()).isEqualTo(V4); // protocol 0x8100 + tag
        Pcap sll2 = Pcap.read("/proto/linux-sll2.pcap");
        assertThat(sll2.linkType()).isEqualTo(LinkType.LINUX_SLL2.code());
        assertThat(demuxed(sll2.frame(1), LinkType.LINUX_SLL2).toArray()).isEqualTo(V4);
        assertThat(demuxed(sll2.frame(2), LinkType.LINUX_SLL2).toArray()).isEqualTo(V6);
    }

    @Test
    void loopbackFamiliesInEitherByteOrder() {
        Pcap nul = Pcap.read("/proto/null.pcap");
        assertThat(nul.linkType()).isZero();
        assertThat(demuxed(nul.frame(1), LinkType.NULL).toArray()).isEqualTo(V4); // little-endian AF_INET
        assertThat(demuxed(nul.frame(2), LinkType.NULL).toArray()).isEqualTo(V4); // big-endian AF_INET
        for (int f = 3; f <= 5; f++) { // AF_INET6 = 24, 28, 30
            assertThat(demuxed(nul.frame(f), LinkType.NULL).toArray()).isEqualTo(V6);
        }
        Pcap loop = Pcap.read("/proto/loop.pcap");
        assertThat(demuxed(loop.frame(1), LinkType.LOOP).toArray()).isEqualTo(V4);
        assertThat(demuxed(loop.frame(2), LinkType.LOOP).toArray()).isEqualTo(V6);
    }

    @Test
    void headerlessLinkTypes() {
        Pcap raw = Pcap.read("/proto/raw.pcap");
        assertThat(demuxed(raw.frame(1), LinkType.RAW).toArray()).isEqualTo(V4);
        assertThat(demuxed(raw.frame(2), LinkType.RAW).toArray()).isEqualTo(V6);
        assertThat(demuxed(Pcap.read("/proto/ipv4.pcap").frame(1), LinkType.IPV4).toArray()).isEqualTo(V4);
        assertThat(demuxed(Pcap.read("/proto/ipv6.pcap").frame(1), LinkType.IPV6).toArray()).isEqualTo(V6);
    }

    @ParameterizedTest(name = "{0} cut to {1} bytes: {2}")
    @CsvSource({
            "ETHERNET, 0, ETHER_TRUNCATED", "ETHERNET, 13, ETHER_TRUNCATED", "ETHERNET, 14, IP_TRUNCATED",
            "LINUX_SLL, 15, LINK_TRUNCATED", "LINUX_SLL, 16, IP_TRUNCATED",
            "LINUX_SLL2, 19, LINK_TRUNCATED", "LINUX_SLL2, 20, IP_TRUNCATED",
            "NULL, 3, LINK_TRUNCATED", "NULL, 4, IP_TRUNCATED", "LOOP, 0, LINK_TRUNCATED", "LOOP, 4, IP_TRUNCATED",
            "RAW, 0, IP_TRUNCATED", "IPV4, 0, IP_TRUNCATED", "IPV6, 0, IP_TRUNCATED"})
    void shortFrames(LinkType type, int length, DropReason expected) {
        String file = switch (type) {
            case ETHERNET -> "/captures/openswan-klips/02-sunrise-sunset-esp.pcap";
            case LINUX_SLL -> "/proto/linux-sll.pcap";
            case LINUX_SLL2 -> "/proto/linux-sll2.pcap";
            case NULL -> "/proto/null.pcap";
            case LOOP -> "/proto/loop.pcap";
            case RAW -> "/proto/raw.pcap";
            case IPV4 -> "/proto/ipv4.pcap";
            case IPV6 -> "/proto/ipv6.pcap";
        };
        assertThat(reason(Packets.prefix(Pcap.read(file).frame(1), length), type)).isEqualTo(expected);
    }

    @Test
    void shortTags() {
        byte[] two = Pcap.read("/proto/ethernet-vlan.pcap").frame(2);
        for (int n = 14; n < 22; n++) {
            assertThat(reason(Packets.prefix(two, n), LinkType.ETHERNET)).as("cut to %d", n).isEqualTo(DropReason.ETHER_TRUNCATED);
        }
        assertThat(reason(Packets.prefix(two, 22), LinkType.ETHERNET)).isEqualTo(DropReason.IP_TRUNCATED);
    }

    @Test
    void unsupportedLinkContent() {
        byte[] eth = Pcap.read("/captures/openswan-klips/02-sunrise-sunset-esp.pcap").frame(1);
        assertThat(reason(Packets.with16(eth, 12, 0x0806), LinkType.ETHERNET)).isEqualTo(DropReason.ETHER_UNSUPPORTED); // ARP
        assertThat(reason(Packets.with16(eth, 12, 0x0088), LinkType.ETHERNET)).isEqualTo(DropReason.ETHER_UNSUPPORTED); // 802.3 length
        byte[] sll = Pcap.read("/proto/linux-sll.pcap").frame(1);
        assertThat(reason(Packets.with16(sll, 14, 0x0004), LinkType.LINUX_SLL)).isEqualTo(DropReason.ETHER_UNSUPPORTED); // 802.2 LLC
        assertThat(reason(Packets.with16(sll, 2, 824), LinkType.LINUX_SLL)).isEqualTo(DropReason.LINK_UNSUPPORTED); // netlink
        byte[] sll2 = Pcap.read("/proto/linux-sll2.pcap").frame(1);
        assertThat(reason(Packets.with16(sll2, 8, 824), LinkType.LINUX_SLL2)).isEqualTo(DropReason.LINK_UNSUPPORTED);
        byte[] nul = Pcap.read("/proto/null.pcap").frame(1);
        assertThat(reason(Packets.with8(nul, 0, 10), LinkType.NULL)).isEqualTo(DropReason.LINK_UNSUPPORTED); // Linux AF_INET6
        byte[] loop = Pcap.read("/proto/loop.pcap").frame(1);
        assertThat(reason(Packets.concat(Bytes.fromHex("02000000"), Packets.suffix(loop, 4)), LinkType.LOOP))
                .as("LOOP is big-endian only").isEqualTo(DropReason.LINK_UNSUPPORTED);
        PacketBuffer p = Packets.buffer(eth, LinkType.ETHERNET);
        p.linkType(9); // PPP
        assertThat(LinkInput.demux(p)).isEqualTo(DropReason.LINK_UNSUPPORTED);
        assertThat(p.offset()).isEqualTo(128);
        assertThat(p.networkOffset()).isEqualTo(-1);
    }

    @Test
    void versionMustBeWhatTheLinkSays() {
        byte[] eth4 = Pcap.read("/captures/openswan-klips/02-sunrise-sunset-esp.pcap").frame(1);
        assertThat(reason(Packets.with16(eth4, 12, 0x86DD), LinkType.ETHERNET)).isEqualTo(DropReason.IP_BAD_VERSION);
        assertThat(reason(V6, LinkType.IPV4)).isEqualTo(DropReason.IP_BAD_VERSION);
        assertThat(reason(V4, LinkType.IPV6)).isEqualTo(DropReason.IP_BAD_VERSION);
        assertThat(reason(Packets.with8(V4, 0, 0x55), LinkType.RAW)).isEqualTo(DropReason.IP_BAD_VERSION);
        byte[] nul6 = Pcap.read("/proto/null.pcap").frame(3);
        assertThat(reason(Packets.with8(nul6, 0, 2), LinkType.NULL)).isEqualTo(DropReason.IP_BAD_VERSION);
    }
}
