package dev.dispatchlab.proto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UdpInputTest {

    /** RFC 7634 appendix B frame 3: IKE on UDP 500 with a checksum (0x0851) that verifies. */
    private static final byte[] IKE_FRAME = Pcap.read("/captures/rfc7634/rfc7634-appendixB.pcap").frame(3);
    private static final byte[] V6_UDP_FRAME = Pcap.read("/proto/ipv6-ethernet.pcap").frame(1);
    private static final int A = Ipv4Descriptor.parse("192.0.2.1");
    private static final int B = Ipv4Descriptor.parse("192.0.2.2");

    /** @return the frame after link demux and IP validation, ready for UDP */
    private static PacketBuffer ip(byte[] frame, LinkType type) {
        PacketBuffer p = Packets.buffer(frame, type);
        assertThat(LinkInput.demux(p)).isNull();
        assertThat(IpInput.validate(p)).isNull();
        assertThat(p.transportProtocol()).isEqualTo(IpProtocol.UDP);
        return p;
    }

    /** An IPv4 UDP datagram from A to B with the given ports, checksum field and data (length field right). */
    private static byte[] udp4(int sport, int dport, int checksum, String data) {
        byte[] d = Bytes.fromHex(data);
        byte[] u = new byte[8 + d.length];
        Bytes.put16(u, 0, sport);
        Bytes.put16(u, 2, dport);
        Bytes.put16(u, 4, u.length);
        Bytes.put16(u, 6, checksum);
        System.arraycopy(d, 0, u, 8, d.length);
        return Packets.ipv4(A, B, IpProtocol.UDP, 9, 0, new byte[0], u);
    }

    private static DropReason validate(byte[] ipPacket) {
        return UdpInput.validate(ip(ipPacket, LinkType.RAW));
    }

    private static UdpClass classify(byte[] ipPacket) {
        PacketBuffer p = ip(ipPacket, LinkType.RAW);
        assertThat(UdpInput.validate(p)).isNull();
        return UdpInput.classify(p);
    }

    @Test
    void capturedNattFramesAreEspAtTheSpi() {
        int n = 0;
        for (JsonNode c : Cases.wholeFrames()) {
            if (!c.path("udp_encap").asBoolean()) {
                continue;
            }
            PacketBuffer p = ip(Cases.frameOf(c), LinkType.ETHERNET);
            assertThat(UdpInput.validate(p)).as(c.path("name").asText()).isNull(); // checksum 0: none, over IPv4
            assertThat(UdpInput.classify(p)).isEqualTo(UdpClass.ESP);
            int spi = UdpInput.payloadOffset(p);
            assertThat(Bytes.hex(p.data(), spi, p.end() - spi)).isEqualTo(c.path("esp_only").asText());
            n++;
        }
        assertThat(n).isEqualTo(16);
    }

    @Test
    void capturedIkeVerifiesItsChecksum() {
        PacketBuffer p = ip(IKE_FRAME, LinkType.ETHERNET);
        assertThat(UdpDescriptor.checksum(p.data(), p.transportOffset())).isEqualTo(0x0851);
        assertThat(UdpInput.validate(p)).isNull();
        assertThat(UdpInput.classify(p)).isEqualTo(UdpClass.IKE);
        assertThat(UdpClass.IKE.dropReason()).isNull();
        for (int at : new int[]{14 + 20 + 6, 14 + 20 + 12, IKE_FRAME.length - 1}) {
            byte[] flipped = Packets.with8(IKE_FRAME, at, IKE_FRAME[at] ^ 0x10);
            assertThat(UdpInput.validate(ip(flipped, LinkType.ETHERNET))).as("byte %d flipped", at)
                    .isEqualTo(DropReason.UDP_BAD_CHECKSUM);
        }
    }

    @Test
    void ipv6RequiresAChecksum() {
        PacketBuffer p = ip(V6_UDP_FRAME, LinkType.ETHERNET);
        assertThat(UdpInput.validate(p)).isNull();
        assertThat(UdpInput.classify(p)).isEqualTo(UdpClass.ESP);
        byte[] zero = Packets.with16(V6_UDP_FRAME, 14 + 40 + 6, 0);
        assertThat(UdpInput.validate(ip(zero, LinkType.ETHERNET))).isEqualTo(DropReason.UDP_BAD_CHECKSUM);
        byte[] flipped = Packets.with8(V6_UDP_FRAME, 14 + 8 + 15, V6_UDP_FRAME[14 + 8 + 15] ^ 1); // the source address
        assertThat(UdpInput.validate(ip(flipped, LinkType.ETHERNET))).isEqualTo(DropReason.UDP_BAD_CHECKSUM);
    }

    @Test
    void rfc3948Classification() {
        assertThat(classify(udp4(4500, 4500, 0, "ff"))).isEqualTo(UdpClass.NATT_KEEPALIVE);
        assertThat(UdpClass.NATT_KEEPALIVE.dropReason()).isEqualTo(DropReason.NATT_KEEPALIVE);
        assertThat(classify(udp4(1025, 4500, 0, "00000000" + "c0c1c2c3c4c5c6c7"))).isEqualTo(UdpClass.IKE);
        assertThat(classify(udp4(1025, 4500, 0, "00000000"))).isEqualTo(UdpClass.IKE);
        assertThat(classify(udp4(4500, 4500, 0, "0102030400000001"))).isEqualTo(UdpClass.ESP);
        assertThat(classify(udp4(4500, 4500, 0, "fe"))).isEqualTo(UdpClass.NATT_RUNT);
        assertThat(classify(udp4(4500, 4500, 0, "ffff"))).isEqualTo(UdpClass.NATT_RUNT);
        assertThat(classify(udp4(4500, 4500, 0, ""))).isEqualTo(UdpClass.NATT_RUNT);
        assertThat(classify(udp4(4500, 4500, 0, "01020304000000"))).isEqualTo(UdpClass.NATT_RUNT);
        assertThat(UdpClass.NATT_RUNT.dropReason()).isEqualTo(DropReason.ESP_TRUNCATED);
        assertThat(classify(udp4(4500, 500, 0, "0102030400000001"))).isEqualTo(UdpClass.IKE);
        assertThat(classify(udp4(4500, 53, 0, "0102030400000001"))).as("the local port decides").isEqualTo(UdpClass.OTHER);
        assertThat(UdpClass.ESP.dropReason()).isNull();
        assertThat(UdpClass.OTHER.dropReason()).isNull();
    }

    @Test
    void lengthField() {
        byte[] sevenBytes = Packets.ipv4(A, B, IpProtocol.UDP, 9, 0, new byte[0], Bytes.fromHex("11941194000f00"));
        assertThat(validate(sevenBytes)).isEqualTo(DropReason.UDP_TRUNCATED);
        byte[] seven = udp4(4500, 4500, 0, "0102030400000001");
        Bytes.put16(seven, 24, 7);
        assertThat(validate(seven)).isEqualTo(DropReason.UDP_BAD_LENGTH);
        byte[] longer = udp4(4500, 4500, 0, "0102030400000001");
        Bytes.put16(longer, 24, 17);
        assertThat(validate(longer)).isEqualTo(DropReason.UDP_TRUNCATED);
        // a length field shorter than the IP payload: the excess is trimmed
        byte[] shorter = udp4(4500, 4500, 0, "0102030400000001" + "eeee");
        Bytes.put16(shorter, 24, 16);
        PacketBuffer p = ip(shorter, LinkType.RAW);
        assertThat(UdpInput.validate(p)).isNull();
        assertThat(p.end() - p.transportOffset()).isEqualTo(16);
    }
}
