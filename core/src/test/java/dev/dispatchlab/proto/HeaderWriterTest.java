package dev.dispatchlab.proto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The send-side writers, checked by rebuilding captured frames byte for byte. */
class HeaderWriterTest {

    @Test
    void ipv4WriterReproducesEveryCapturedOuterHeader() {
        for (JsonNode c : Cases.wholeFrames()) {
            byte[] h = Cases.hex(c, "outer_ip_header");
            byte[] out = new byte[20];
            int end = Ipv4Descriptor.write(out, 0, Ipv4Descriptor.tos(h, 0), Ipv4Descriptor.totalLength(h, 0),
                    Ipv4Descriptor.identification(h, 0), Ipv4Descriptor.flagsFragment(h, 0), Ipv4Descriptor.ttl(h, 0),
                    Ipv4Descriptor.protocol(h, 0), Ipv4Descriptor.source(h, 0), Ipv4Descriptor.destination(h, 0));
            assertThat(end).isEqualTo(20);
            assertThat(out).as(c.path("name").asText()).isEqualTo(h);
            assertThat(Ipv4Descriptor.format(Ipv4Descriptor.source(h, 0))).isEqualTo(c.path("src").asText());
            assertThat(Ipv4Descriptor.destination(h, 0)).isEqualTo(Ipv4Descriptor.parse(c.path("dst").asText()));
        }
    }

    @Test
    void rebuildsTheCapturedIkeFrameWithItsUdpChecksum() {
        byte[] frame = Pcap.read("/captures/rfc7634/rfc7634-appendixB.pcap").frame(3);
        byte[] ike = Packets.suffix(frame, 14 + 20 + 8);
        PacketBuffer p = PacketBuffer.unpooled(512, 128);
        p.append(ike, 0, ike.length);
        int src = Ipv4Descriptor.parse("203.0.113.153");
        int dst = Ipv4Descriptor.parse("203.0.113.5");
        UdpDescriptor.prependIpv4(p, 500, 500, true, src, dst);
        Ipv4Descriptor.prepend(p, 0, 0x2345, 0, 64, IpProtocol.UDP, src, dst);
        EthernetDescriptor.prepend(p, 0xd86ce9f51004L, 0x7831c1b729c2L, EthernetDescriptor.TYPE_IPV4);
        assertThat(p.toArray()).isEqualTo(frame);
        assertThat(EthernetDescriptor.destination(frame, 0)).isEqualTo(0xd86ce9f51004L);
        assertThat(EthernetDescriptor.source(frame, 0)).isEqualTo(0x7831c1b729c2L);
    }

    @Test
    void rebuildsACapturedNattFrameWithoutUdpChecksum() {
        byte[] frame = Pcap.read("/captures/tcpdump/espudp1.pcap").frame(1);
        byte[] esp = Packets.suffix(frame, 14 + 20 + 8);
        PacketBuffer p = PacketBuffer.unpooled(512, 128);
        p.append(esp, 0, esp.length);
        int src = Ipv4Descriptor.address(192, 1, 2, 23);
        int dst = Ipv4Descriptor.address(192, 1, 2, 45);
        int udp = UdpDescriptor.prependIpv4(p, 4500, 4500, false, src, dst);
        int ip = Ipv4Descriptor.prepend(p, 0, 0xa60e, 0, 64, IpProtocol.UDP, src, dst);
        assertThat(p.networkOffset()).isEqualTo(ip);
        assertThat(p.transportOffset()).isEqualTo(udp);
        EthernetDescriptor.prepend(p, 0x100000646445L, 0x100000646423L, EthernetDescriptor.TYPE_IPV4);
        assertThat(p.toArray()).isEqualTo(frame);
    }

    @Test
    void rebuildsTheIpv6AndVlanSamples() {
        byte[] v6frame = Pcap.read("/proto/ipv6-ethernet.pcap").frame(1);
        byte[] esp = Packets.suffix(v6frame, 14 + 40 + 8);
        long aHi = Ipv6Descriptor.parseHi("2001:db8::1");
        long aLo = Ipv6Descriptor.parseLo("2001:db8::1");
        long bHi = Ipv6Descriptor.parseHi("2001:db8::2");
        long bLo = Ipv6Descriptor.parseLo("2001:db8::2");
        assertThat(aHi).isEqualTo(0x20010db800000000L);
        assertThat(aLo).isEqualTo(1L);
        PacketBuffer p = PacketBuffer.unpooled(512, 128);
        p.append(esp, 0, esp.length);
        UdpDescriptor.prependIpv6(p, 4500, 4500, aHi, aLo, bHi, bLo);
        Ipv6Descriptor.prepend(p, 0, 0, IpProtocol.UDP, 64, aHi, aLo, bHi, bLo);
        EthernetDescriptor.prepend(p, 0x100000646445L, 0x100000646423L, EthernetDescriptor.TYPE_IPV6);
        assertThat(p.toArray()).isEqualTo(v6frame);

        byte[] tagged = Pcap.read("/proto/ethernet-vlan.pcap").frame(1);
        PacketBuffer q = PacketBuffer.unpooled(512, 128);
        q.append(tagged, 18, tagged.length - 18);
        EthernetDescriptor.prependTagged(q, 0x100000646445L, 0x100000646423L, EthernetDescriptor.TYPE_VLAN, 100,
                EthernetDescriptor.TYPE_IPV4);
        assertThat(q.toArray()).isEqualTo(tagged);
    }

    @Test
    void ipv6AccessorsReadWhatTheWriterWrote() {
        byte[] b = new byte[40];
        Ipv6Descriptor.write(b, 0, 0xb8, 0xabcde, 1234, IpProtocol.ESP, 7, 1L, 2L, 3L, 4L);
        assertThat(Ipv6Descriptor.version(b, 0)).isEqualTo(6);
        assertThat(Ipv6Descriptor.trafficClass(b, 0)).isEqualTo(0xb8);
        assertThat(Ipv6Descriptor.flowLabel(b, 0)).isEqualTo(0xabcde);
        assertThat(Ipv6Descriptor.payloadLength(b, 0)).isEqualTo(1234);
        assertThat(Ipv6Descriptor.nextHeader(b, 0)).isEqualTo(IpProtocol.ESP);
        assertThat(Ipv6Descriptor.hopLimit(b, 0)).isEqualTo(7);
        assertThat(new long[]{Ipv6Descriptor.sourceHi(b, 0), Ipv6Descriptor.sourceLo(b, 0),
                Ipv6Descriptor.destinationHi(b, 0), Ipv6Descriptor.destinationLo(b, 0)}).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void udpChecksumOfZeroIsSentAsAllOnes() {
        // choose the payload so that the checksum computes to 0: RFC 768 sends 0xFFFF instead
        byte[] u = new byte[10];
        Bytes.put16(u, 0, 1);
        Bytes.put16(u, 2, 2);
        Bytes.put16(u, 4, 10);
        long sum = InternetChecksum.add(InternetChecksum.ipv4PseudoHeader(0x0a000001, 0x0a000002, 17, 10), u, 0, 10);
        Bytes.put16(u, 8, ~InternetChecksum.fold(sum) & 0xFFFF); // now the data sums to 0xFFFF: checksum 0
        UdpDescriptor.fillChecksumIpv4(u, 0, 0x0a000001, 0x0a000002);
        assertThat(UdpDescriptor.checksum(u, 0)).isEqualTo(0xFFFF);
    }

    @Test
    void sendersCannotWriteOversizedDatagrams() {
        PacketBuffer p = PacketBuffer.unpooled(70_000, 128);
        p.append(65_530);
        assertThatThrownBy(() -> Ipv4Descriptor.prepend(p, 0, 1, 0, 64, IpProtocol.ESP, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length=65550");
        PacketBuffer q = PacketBuffer.unpooled(70_000, 128);
        q.append(65_530);
        assertThatThrownBy(() -> UdpDescriptor.prependIpv4(q, 1, 2, false, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Descriptor.parse("1.2.3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6Descriptor.parseHi("192.0.2.1")).isInstanceOf(IllegalArgumentException.class);
    }
}
