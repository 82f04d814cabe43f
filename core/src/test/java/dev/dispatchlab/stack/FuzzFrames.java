package dev.dispatchlab.stack;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.proto.EthernetDescriptor;
import dev.dispatchlab.proto.InternetChecksum;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.Ipv6Descriptor;
import dev.dispatchlab.proto.LinkInput;
import dev.dispatchlab.proto.LinkType;
import dev.dispatchlab.proto.UdpDescriptor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Frame building and field surgery for the receive-path fuzzer: plain IPv4, IPv6 and UDP packets,
 * the link headers of every {@link LinkType} the path decodes (with VLAN tags), IPv4 fragmentation,
 * and the offsets of the header fields the mutations rewrite. Allocates freely: test code only.
 */
final class FuzzFrames {

    /** A frame as a source hands it over: link type, bytes from the link header, and where the IP header starts. */
    record Frame(int linkType, byte[] bytes, int ip) {
        Frame with(byte[] b) {
            return new Frame(linkType, b, Math.min(ip, b.length));
        }

        @Override
        public String toString() {
            return "link " + linkType + " ip@" + ip + " " + hex(bytes);
        }
    }

    /** @return hex of at most the first 256 bytes (messages) */
    static String hex(byte[] b) {
        return b.length <= 256 ? Bytes.hex(b) : Bytes.hex(b, 0, 256) + "... (" + b.length + " bytes)";
    }

    static final long MAC_DST = 0x02_00_00_00_00_01L;
    static final long MAC_SRC = 0x02_00_00_00_00_02L;

    private FuzzFrames() {
    }

    // ---- packets ---------------------------------------------------------------------------------

    static byte[] ipv4(int src, int dst, int protocol, int id, int flagsFragment, byte[] payload) {
        byte[] b = new byte[20 + payload.length];
        Ipv4Descriptor.write(b, 0, 0, b.length, id, flagsFragment, 64, protocol, src, dst);
        System.arraycopy(payload, 0, b, 20, payload.length);
        return b;
    }

    static byte[] ipv6(long[] src, long[] dst, int nextHeader, byte[] payload) {
        byte[] b = new byte[40 + payload.length];
        Ipv6Descriptor.write(b, 0, 0, 0x12345, payload.length, nextHeader, 64, src[0], src[1], dst[0], dst[1]);
        System.arraycopy(payload, 0, b, 40, payload.length);
        return b;
    }

    static long[] v6(String text) {
        return new long[]{Ipv6Descriptor.parseHi(text), Ipv6Descriptor.parseLo(text)};
    }

    /** An IPv4/UDP datagram with its checksum filled in. */
    static byte[] udp4(int src, int dst, int sport, int dport, byte[] data) {
        byte[] u = udp(sport, dport, data);
        byte[] ip = ipv4(src, dst, IpProtocol.UDP, 0x4242, 0, u);
        UdpDescriptor.fillChecksumIpv4(ip, 20, src, dst);
        return ip;
    }

    /** An IPv6/UDP datagram with its (mandatory) checksum filled in. */
    static byte[] udp6(long[] src, long[] dst, int sport, int dport, byte[] data) {
        byte[] ip = ipv6(src, dst, IpProtocol.UDP, udp(sport, dport, data));
        UdpDescriptor.fillChecksumIpv6(ip, 40, src[0], src[1], dst[0], dst[1]);
        return ip;
    }

    private static byte[] udp(int sport, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        UdpDescriptor.write(u, 0, sport, dport, u.length, 0);
        System.arraycopy(data, 0, u, 8, data.length);
        return u;
    }

    /** A payload whose bytes say which seed and position they are, so a wrong delivery is recognisable. */
    static byte[] payload(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    /**
     * Cuts an IPv4 packet (no options needed, any IHL works) into fragments at the given payload
     * offsets, each rounded down to a multiple of 8; keeps the DF bit and the original offset/MF.
     */
    static List<byte[]> fragment(byte[] ip, int... cuts) {
        int ihl = (ip[0] & 0xF) * 4;
        int total = ip.length < 20 ? 0 : Math.min(Bytes.u16(ip, 2), ip.length);
        int payload = total - ihl;
        if (ihl < 20 || payload <= 0) {
            return List.of(ip); // nothing a fragmenter could cut
        }
        int ff = Bytes.u16(ip, 6);
        int baseOffset = (ff & Ipv4Descriptor.OFFSET_MASK) << 3;
        boolean baseMore = (ff & Ipv4Descriptor.FLAG_MF) != 0;
        int[] points = Arrays.stream(cuts).map(c -> c & ~7).filter(c -> c > 0 && c < payload).distinct().sorted()
                .toArray();
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= points.length; i++) {
            int end = i < points.length ? points[i] : payload;
            byte[] f = new byte[ihl + end - start];
            System.arraycopy(ip, 0, f, 0, ihl);
            System.arraycopy(ip, ihl + start, f, ihl, end - start);
            boolean more = i < points.length || baseMore;
            Bytes.put16(f, 2, f.length);
            Bytes.put16(f, 6, (ff & Ipv4Descriptor.FLAG_DF) | (more ? Ipv4Descriptor.FLAG_MF : 0)
                    | (((baseOffset + start) >>> 3) & Ipv4Descriptor.OFFSET_MASK));
            Ipv4Descriptor.updateChecksum(f, 0);
            out.add(f);
            start = end;
        }
        return out;
    }

    // ---- link headers ----------------------------------------------------------------------------

    /** The link headers a frame can be (re)wrapped in; each says what it puts in front of the IP packet. */
    enum Link {
        ETHERNET(LinkType.ETHERNET, 0),
        ETHERNET_VLAN(LinkType.ETHERNET, 1),
        ETHERNET_QINQ(LinkType.ETHERNET, 2),
        /** One tag more than the path accepts: ETHER_UNSUPPORTED. */
        ETHERNET_3TAGS(LinkType.ETHERNET, 3),
        LINUX_SLL(LinkType.LINUX_SLL, 0),
        LINUX_SLL_VLAN(LinkType.LINUX_SLL, 1),
        LINUX_SLL2(LinkType.LINUX_SLL2, 0),
        NULL_LITTLE_ENDIAN(LinkType.NULL, 0),
        NULL_BIG_ENDIAN(LinkType.NULL, 0),
        LOOP(LinkType.LOOP, 0),
        RAW(LinkType.RAW, 0),
        /** IPV4 or IPV6 by the packet's version nibble (a mismatch is what mutations make of it). */
        BARE_IP(LinkType.IPV4, 0);

        final LinkType type;
        final int tags;

        Link(LinkType type, int tags) {
            this.type = type;
            this.tags = tags;
        }
    }

    /** Wraps an IP packet in {@code link}; the family comes from the version nibble (6 or anything else as 4). */
    static Frame wrap(Link link, byte[] ip, int variant) {
        boolean v6 = ip.length > 0 && (ip[0] & 0xF0) == 0x60;
        int etherType = v6 ? EthernetDescriptor.TYPE_IPV6 : EthernetDescriptor.TYPE_IPV4;
        byte[] head;
        int linkType = link.type.code();
        switch (link) {
            case ETHERNET, ETHERNET_VLAN, ETHERNET_QINQ, ETHERNET_3TAGS -> {
                head = new byte[14 + 4 * link.tags];
                EthernetDescriptor.putMac(head, 0, MAC_DST);
                EthernetDescriptor.putMac(head, 6, MAC_SRC);
                int at = 12;
                for (int t = 0; t < link.tags; t++) {
                    int tpid = t == 0 && link.tags > 1 ? EthernetDescriptor.TYPE_QINQ
                            : t == 2 ? EthernetDescriptor.TYPE_QINQ_LEGACY : EthernetDescriptor.TYPE_VLAN;
                    Bytes.put16(head, at, tpid);
                    Bytes.put16(head, at + 2, (variant * 37 + t) & 0xFFFF);
                    at += 4;
                }
                Bytes.put16(head, at, etherType);
            }
            case LINUX_SLL, LINUX_SLL_VLAN -> {
                head = new byte[16 + 4 * link.tags];
                Bytes.put16(head, 0, 0); // to us
                Bytes.put16(head, 2, 1); // ARPHRD_ETHER
                Bytes.put16(head, 4, 6);
                EthernetDescriptor.putMac(head, 6, MAC_SRC);
                if (link.tags > 0) {
                    Bytes.put16(head, 14, EthernetDescriptor.TYPE_VLAN);
                    Bytes.put16(head, 16, variant & 0x0FFF);
                    Bytes.put16(head, 18, etherType);
                } else {
                    Bytes.put16(head, 14, etherType);
                }
            }
            case LINUX_SLL2 -> {
                head = new byte[20];
                Bytes.put16(head, 0, etherType);
                Bytes.put32(head, 4, 2);
                Bytes.put16(head, 8, 1);
                head[11] = 6;
                EthernetDescriptor.putMac(head, 12, MAC_SRC);
            }
            case NULL_LITTLE_ENDIAN, NULL_BIG_ENDIAN, LOOP -> {
                head = new byte[4];
                int family = v6 ? new int[]{24, 28, 30}[Math.floorMod(variant, 3)] : 2;
                Bytes.put32(head, 0, link == Link.NULL_LITTLE_ENDIAN ? Integer.reverseBytes(family) : family);
            }
            case RAW -> head = new byte[0];
            default -> {
                head = new byte[0];
                linkType = v6 ? LinkType.IPV6.code() : LinkType.IPV4.code();
            }
        }
        byte[] f = new byte[head.length + ip.length];
        System.arraycopy(head, 0, f, 0, head.length);
        System.arraycopy(ip, 0, f, head.length, ip.length);
        return new Frame(linkType, f, head.length);
    }

    /**
     * @return the offset of the IP header of a frame as the path's link demux finds it, or -1 when the
     *         demux drops the frame (then field rewrites have nothing to aim at)
     */
    static int ipOffset(int linkType, byte[] frame) {
        PacketBuffer p = PacketBuffer.unpooled(frame.length + 64, 32);
        p.append(frame, 0, frame.length);
        p.linkType(linkType);
        DropReason r = LinkInput.demux(p);
        return r == null ? p.offset() - 32 : -1;
    }

    // ---- fields ----------------------------------------------------------------------------------

    /** Where the layers of a frame start, as far as they can be found (-1: not there). */
    record Layout(int ip, int version, int ipHeaderEnd, int protocol, int udp, int esp, int end) {

        static Layout of(Frame f) {
            byte[] b = f.bytes();
            int ip = f.ip();
            int end = b.length;
            if (ip < 0 || ip >= end) {
                return new Layout(-1, 0, -1, -1, -1, -1, end);
            }
            int version = (b[ip] & 0xFF) >>> 4;
            int hdrEnd;
            int proto;
            if (version == 4 && end - ip >= 20) {
                hdrEnd = ip + (b[ip] & 0xF) * 4;
                proto = b[ip + 9] & 0xFF;
                if ((Bytes.u16(b, ip + 6) & Ipv4Descriptor.OFFSET_MASK) != 0) {
                    proto = -1; // a non-first fragment: no transport header here
                }
            } else if (version == 6 && end - ip >= 40) {
                hdrEnd = ip + 40;
                proto = b[ip + 6] & 0xFF;
            } else {
                return new Layout(ip, version, -1, -1, -1, -1, end);
            }
            int udp = -1;
            int esp = -1;
            if (hdrEnd <= end) {
                if (proto == IpProtocol.UDP && end - hdrEnd >= 8) {
                    udp = hdrEnd;
                    if (Bytes.u16(b, udp + 2) == UdpDescriptor.PORT_NATT) {
                        esp = udp + 8;
                    }
                } else if (proto == IpProtocol.ESP) {
                    esp = hdrEnd;
                }
            }
            return new Layout(ip, version, hdrEnd, proto, udp, esp, end);
        }
    }

    /** Header fields at known offsets, each resolved against a frame's {@link Layout}. */
    enum Field {
        IP_VERSION_IHL(1), IP_TOS(1), IP_TOTAL_LENGTH(2), IP_ID(2), IP_FLAGS_OFFSET(2), IP_TTL(1), IP_PROTOCOL(1),
        IP_CHECKSUM(2), IP_SOURCE(4), IP_DESTINATION(4),
        IP6_PAYLOAD_LENGTH(2), IP6_NEXT_HEADER(1), IP6_SOURCE_LAST(4), IP6_DESTINATION_LAST(4),
        UDP_SOURCE_PORT(2), UDP_DESTINATION_PORT(2), UDP_LENGTH(2), UDP_CHECKSUM(2),
        ESP_SPI(4), ESP_SEQUENCE(4),
        /** The last bytes of the frame: where the ESP trailer and ICV are. */
        TAIL_BYTE(1),
        /** The link layer: EtherType or cooked protocol, or the loopback family. */
        LINK_TYPE_FIELD(2), VLAN_TCI(2);

        final int width;

        Field(int width) {
            this.width = width;
        }

        /** @return the absolute offset of the field in {@code f}, or -1 when the frame has no such field */
        int offset(Frame f, Layout l, int selector) {
            int ip = l.ip();
            return switch (this) {
                case IP_VERSION_IHL -> ip;
                case IP_TOS -> l.version() == 4 ? ip + 1 : -1;
                case IP_TOTAL_LENGTH -> l.version() == 4 ? ip + 2 : -1;
                case IP_ID -> l.version() == 4 ? ip + 4 : -1;
                case IP_FLAGS_OFFSET -> l.version() == 4 ? ip + 6 : -1;
                case IP_TTL -> l.version() == 4 ? ip + 8 : -1;
                case IP_PROTOCOL -> l.version() == 4 ? ip + 9 : -1;
                case IP_CHECKSUM -> l.version() == 4 ? ip + 10 : -1;
                case IP_SOURCE -> l.version() == 4 ? ip + 12 : -1;
                case IP_DESTINATION -> l.version() == 4 ? ip + 16 : -1;
                case IP6_PAYLOAD_LENGTH -> l.version() == 6 ? ip + 4 : -1;
                case IP6_NEXT_HEADER -> l.version() == 6 ? ip + 6 : -1;
                case IP6_SOURCE_LAST -> l.version() == 6 ? ip + 20 : -1;
                case IP6_DESTINATION_LAST -> l.version() == 6 ? ip + 36 : -1;
                case UDP_SOURCE_PORT -> l.udp();
                case UDP_DESTINATION_PORT -> l.udp() < 0 ? -1 : l.udp() + 2;
                case UDP_LENGTH -> l.udp() < 0 ? -1 : l.udp() + 4;
                case UDP_CHECKSUM -> l.udp() < 0 ? -1 : l.udp() + 6;
                case ESP_SPI -> l.esp();
                case ESP_SEQUENCE -> l.esp() < 0 ? -1 : l.esp() + 4;
                case TAIL_BYTE -> l.end() - 1 - Math.floorMod(selector, 40);
                case LINK_TYPE_FIELD -> linkTypeField(f);
                case VLAN_TCI -> f.linkType() == LinkType.ETHERNET.code() && f.bytes().length >= 18
                        && EthernetDescriptor.isTag(Bytes.u16(f.bytes(), 12)) ? 14 : -1;
            };
        }

        private static int linkTypeField(Frame f) {
            LinkType t = LinkType.of(f.linkType());
            if (t == null) {
                return -1;
            }
            return switch (t) {
                case ETHERNET -> 12;
                case LINUX_SLL -> 14;
                case LINUX_SLL2 -> 0;
                case NULL, LOOP -> 2;
                default -> -1;
            };
        }
    }

    /** Writes {@code value} into {@code width} bytes at {@code at}, if they lie inside {@code b}. */
    static void put(byte[] b, int at, int width, int value) {
        if (at < 0 || at + width > b.length) {
            return;
        }
        switch (width) {
            case 1 -> b[at] = (byte) value;
            case 2 -> Bytes.put16(b, at, value);
            default -> Bytes.put32(b, at, value);
        }
    }

    /** Recomputes the IPv4 header checksum of the frame's IP header, if the header is there. */
    static void fixIpv4Checksum(byte[] b, int ip) {
        if (ip < 0 || b.length - ip < 20 || (b[ip] & 0xF0) != 0x40) {
            return;
        }
        int ihl = (b[ip] & 0xF) * 4;
        if (ihl < 20 || ip + ihl > b.length) {
            return;
        }
        Bytes.put16(b, ip + 10, 0);
        Bytes.put16(b, ip + 10, InternetChecksum.checksum(b, ip, ihl));
    }

    /** Sets the IP length field(s) of the packet at {@code ip} to what the bytes hold, and fixes the checksum. */
    static void fitIpLength(byte[] b, int ip) {
        if (ip < 0 || ip >= b.length) {
            return;
        }
        int v = (b[ip] & 0xF0) >>> 4;
        if (v == 4 && b.length - ip >= 20) {
            Bytes.put16(b, ip + 2, Math.min(0xFFFF, b.length - ip));
            fixIpv4Checksum(b, ip);
        } else if (v == 6 && b.length - ip >= 40) {
            Bytes.put16(b, ip + 4, Math.min(0xFFFF, b.length - ip - 40));
        }
    }
}
