package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

/**
 * Layout of the IPv6 header and the extension headers the path walks (RFC 8200), with static
 * accessors over {@code (byte[] data, int ip)} and writers for the send side.
 *
 * <pre>
 *  Fixed header, 40 octets:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Traffic Class |              Flow Label               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +                    Source Address (128 bits)                  +
 *  |                       (offset 8 .. 23)                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +                 Destination Address (128 bits)                +
 *  |                      (offset 24 .. 39)                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Hop-by-Hop Options (0) and Destination Options (60), 8 * (Hdr Ext Len + 1) octets:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |  Hdr Ext Len  |  Options (TLV: Opt Type,      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  Opt Data Len, data; Pad1 is  +
 *  |                a lone 0 octet) ...                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  The two high bits of Opt Type say what a node that does not know the option does:
 *  00 skip, 01 discard, 10 discard and send ICMP, 11 discard and send ICMP unless multicast.
 *
 *  Routing (43), 8 * (Hdr Ext Len + 1) octets:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     type-specific data ...                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Fragment (44), 8 octets:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Identification                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <h2>Address representation</h2>
 * An IPv6 address is two {@code long}s, {@code hi} (octets 0-7) and {@code lo} (octets 8-15), each
 * big-endian: {@code 2001:db8::1} is {@code hi = 0x20010db800000000L, lo = 1L}. Two longs compare
 * and hash without an array, and a writer takes them by value; accessors return one half each.
 *
 * <p>Threading: stateless, any thread.
 */
public final class Ipv6Descriptor {

    public static final int VERSION_CLASS_FLOW = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 24;
    public static final int HEADER_LENGTH = 40;
    public static final int MAX_PAYLOAD_LENGTH = 65535;

    /** Extension header: next header field. */
    public static final int EXT_NEXT_HEADER = 0;
    /** Extension header: length in 8-octet units, not counting the first 8. */
    public static final int EXT_LENGTH = 1;
    /** Routing header: routing type. */
    public static final int ROUTING_TYPE = 2;
    /** Routing header: segments left. */
    public static final int ROUTING_SEGMENTS_LEFT = 3;
    /** Fragment header: 13-bit offset, 2 reserved bits, M flag. */
    public static final int FRAGMENT_OFFSET_FLAGS = 2;
    public static final int FRAGMENT_IDENTIFICATION = 4;
    public static final int FRAGMENT_HEADER_LENGTH = 8;

    /** Option type: Pad1 (a single zero octet). */
    public static final int OPTION_PAD1 = 0;
    /** Option type: PadN. */
    public static final int OPTION_PADN = 1;
    /** Option type: Jumbo Payload (RFC 2675). */
    public static final int OPTION_JUMBO = 0xC2;

    public static final int DEFAULT_HOP_LIMIT = 64;

    private Ipv6Descriptor() {
    }

    public static int version(byte[] b, int ip) {
        return (b[ip] & 0xFF) >>> 4;
    }

    public static int trafficClass(byte[] b, int ip) {
        return (Bytes.i32(b, ip) >>> 20) & 0xFF;
    }

    public static int flowLabel(byte[] b, int ip) {
        return Bytes.i32(b, ip) & 0xF_FFFF;
    }

    public static int payloadLength(byte[] b, int ip) {
        return Bytes.u16(b, ip + PAYLOAD_LENGTH);
    }

    public static int nextHeader(byte[] b, int ip) {
        return Bytes.u8(b, ip + NEXT_HEADER);
    }

    public static int hopLimit(byte[] b, int ip) {
        return Bytes.u8(b, ip + HOP_LIMIT);
    }

    public static long sourceHi(byte[] b, int ip) {
        return Bytes.i64(b, ip + SOURCE);
    }

    public static long sourceLo(byte[] b, int ip) {
        return Bytes.i64(b, ip + SOURCE + 8);
    }

    public static long destinationHi(byte[] b, int ip) {
        return Bytes.i64(b, ip + DESTINATION);
    }

    public static long destinationLo(byte[] b, int ip) {
        return Bytes.i64(b, ip + DESTINATION + 8);
    }

    /** @return the length in bytes of the Hop-by-Hop, Routing or Destination Options header at {@code ext} */
    public static int extensionLength(byte[] b, int ext) {
        return (Bytes.u8(b, ext + EXT_LENGTH) + 1) << 3;
    }

    /** Writes the 40-byte header at {@code at}, and returns the index after it */
    public static int write(byte[] b, int at, int trafficClass, int flowLabel, int payloadLength, int nextHeader,
                            int hopLimit, long sourceHi, long sourceLo, long destinationHi, long destinationLo) {
        Bytes.put32(b, at + VERSION_CLASS_FLOW, 6 << 28 | (trafficClass & 0xFF) << 20 | (flowLabel & 0xF_FFFF));
        Bytes.put16(b, at + PAYLOAD_LENGTH, payloadLength);
        Bytes.put8(b, at + NEXT_HEADER, nextHeader);
        Bytes.put8(b, at + HOP_LIMIT, hopLimit);
        Bytes.put64(b, at + SOURCE, sourceHi);
        Bytes.put64(b, at + SOURCE + 8, sourceLo);
        Bytes.put64(b, at + DESTINATION, destinationHi);
        Bytes.put64(b, at + DESTINATION + 8, destinationLo);
        return at + HEADER_LENGTH;
    }

    /**
     * Prepends a 40-byte header to the packet (send side), its payload length the packet's length
     * after it, and sets the buffer's {@code networkOffset} and transport annotations. Throws when
     * the headroom is short or the payload exceeds 65535 bytes (jumbograms are not written).
     *
     * @return the header's index
     */
    public static int prepend(PacketBuffer p, int trafficClass, int flowLabel, int nextHeader, int hopLimit,
                              long sourceHi, long sourceLo, long destinationHi, long destinationLo) {
        int at = p.prepend(HEADER_LENGTH);
        int payload = p.length() - HEADER_LENGTH;
        if (payload > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("IPv6 payload too long for a non-jumbo packet: payload=" + payload);
        }
        write(p.data(), at, trafficClass, flowLabel, payload, nextHeader, hopLimit,
                sourceHi, sourceLo, destinationHi, destinationLo);
        p.networkOffset(at);
        p.transportOffset(at + HEADER_LENGTH);
        p.transportProtocol(nextHeader);
        return at;
    }

    /** @return the high half of an address given as text (RFC 4291 forms); allocates (tests, configuration) */
    public static long parseHi(String text) {
        return Bytes.i64(parse(text), 0);
    }

    /** @return the low half of an address given as text; allocates (tests, configuration) */
    public static long parseLo(String text) {
        return Bytes.i64(parse(text), 8);
    }

    private static byte[] parse(String text) {
        try {
            java.net.InetAddress a = java.net.InetAddress.ofLiteral(text.strip());
            byte[] raw = a.getAddress();
            if (raw.length != 16) {
                throw new IllegalArgumentException("not an IPv6 address: " + text);
            }
            return raw;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + text, e);
        }
    }
}
