package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

/**
 * Layout of the IPv4 header (RFC 791) with static accessors over {@code (byte[] data, int ip)},
 * {@code ip} being the absolute index of the header's first byte, and writers for the send side.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |  DSCP/ECN     |          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |0|D|M|     Fragment Offset     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Options (IHL > 5: up to 40 octets)        |  Padding  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  IHL: header length in 32-bit words (5..15). D: don't fragment. M: more fragments.
 *  Fragment Offset: in units of 8 octets. Options: type-length-value, except
 *  End of Option List (type 0, one octet) and No Operation (type 1, one octet).
 * </pre>
 *
 * <h2>Address representation</h2>
 * An IPv4 address is an {@code int} holding the four octets in network order, first octet in the
 * most significant byte: {@code 192.0.2.1} is {@code 0xC0000201}. Compare with {@code ==}; the sign
 * bit carries no meaning. {@link #address} and {@link #format} convert for tests and messages.
 *
 * <p>Threading: stateless, any thread.
 */
public final class Ipv4Descriptor {

    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MAX_TOTAL_LENGTH = 65535;

    /** Don't Fragment, in the 16-bit flags-and-offset word. */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments, in the 16-bit flags-and-offset word. */
    public static final int FLAG_MF = 0x2000;
    /** Fragment offset (8-octet units), in the 16-bit flags-and-offset word. */
    public static final int OFFSET_MASK = 0x1FFF;

    /** Option type: End of Option List. */
    public static final int OPTION_EOL = 0;
    /** Option type: No Operation. */
    public static final int OPTION_NOP = 1;

    public static final int DEFAULT_TTL = 64;

    private Ipv4Descriptor() {
    }

    public static int version(byte[] b, int ip) {
        return (b[ip + VERSION_IHL] & 0xFF) >>> 4;
    }

    /** @return the header length in bytes (IHL times 4) */
    public static int headerLength(byte[] b, int ip) {
        return (b[ip + VERSION_IHL] & 0x0F) << 2;
    }

    public static int tos(byte[] b, int ip) {
        return Bytes.u8(b, ip + TOS);
    }

    public static int totalLength(byte[] b, int ip) {
        return Bytes.u16(b, ip + TOTAL_LENGTH);
    }

    public static int identification(byte[] b, int ip) {
        return Bytes.u16(b, ip + IDENTIFICATION);
    }

    /** @return the 16-bit flags-and-fragment-offset word */
    public static int flagsFragment(byte[] b, int ip) {
        return Bytes.u16(b, ip + FLAGS_FRAGMENT);
    }

    public static boolean dontFragment(byte[] b, int ip) {
        return (flagsFragment(b, ip) & FLAG_DF) != 0;
    }

    public static boolean moreFragments(byte[] b, int ip) {
        return (flagsFragment(b, ip) & FLAG_MF) != 0;
    }

    /** @return the fragment offset in bytes (the field times 8) */
    public static int fragmentOffset(byte[] b, int ip) {
        return (flagsFragment(b, ip) & OFFSET_MASK) << 3;
    }

    /** @return true for any fragment of a larger datagram: MF set or a non-zero offset */
    public static boolean isFragment(byte[] b, int ip) {
        return (flagsFragment(b, ip) & (FLAG_MF | OFFSET_MASK)) != 0;
    }

    public static int ttl(byte[] b, int ip) {
        return Bytes.u8(b, ip + TTL);
    }

    public static int protocol(byte[] b, int ip) {
        return Bytes.u8(b, ip + PROTOCOL);
    }

    public static int checksum(byte[] b, int ip) {
        return Bytes.u16(b, ip + CHECKSUM);
    }

    public static int source(byte[] b, int ip) {
        return Bytes.i32(b, ip + SOURCE);
    }

    public static int destination(byte[] b, int ip) {
        return Bytes.i32(b, ip + DESTINATION);
    }

    /** Recomputes the header checksum over the header length the header declares. */
    public static void updateChecksum(byte[] b, int ip) {
        Bytes.put16(b, ip + CHECKSUM, 0);
        Bytes.put16(b, ip + CHECKSUM, InternetChecksum.checksum(b, ip, headerLength(b, ip)));
    }

    /**
     * Writes a 20-byte header without options, checksum included, at {@code at}.
     *
     * @param flagsFragment the flags-and-offset word ({@link #FLAG_DF}, {@link #FLAG_MF}, offset/8)
     * @return the index after the header
     */
    public static int write(byte[] b, int at, int tos, int totalLength, int identification, int flagsFragment,
                            int ttl, int protocol, int source, int destination) {
        Bytes.put8(b, at + VERSION_IHL, 0x45);
        Bytes.put8(b, at + TOS, tos);
        Bytes.put16(b, at + TOTAL_LENGTH, totalLength);
        Bytes.put16(b, at + IDENTIFICATION, identification);
        Bytes.put16(b, at + FLAGS_FRAGMENT, flagsFragment);
        Bytes.put8(b, at + TTL, ttl);
        Bytes.put8(b, at + PROTOCOL, protocol);
        Bytes.put16(b, at + CHECKSUM, 0);
        Bytes.put32(b, at + SOURCE, source);
        Bytes.put32(b, at + DESTINATION, destination);
        Bytes.put16(b, at + CHECKSUM, InternetChecksum.checksum(b, at, MIN_HEADER_LENGTH));
        return at + MIN_HEADER_LENGTH;
    }

    /**
     * Prepends a 20-byte header to the packet (send side: ESP tunnel outer header, NAT-T, traffic
     * sources), its total length the packet's length after the prepend, and sets the buffer's
     * {@code networkOffset} and transport annotations. Throws when the headroom is short or the
     * result exceeds 65535 bytes (a bug in the sender, never input).
     *
     * @return the header's index
     */
    public static int prepend(PacketBuffer p, int tos, int identification, int flagsFragment, int ttl,
                              int protocol, int source, int destination) {
        int at = p.prepend(MIN_HEADER_LENGTH);
        if (p.length() > MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("IPv4 datagram too long: length=" + p.length());
        }
        write(p.data(), at, tos, p.length(), identification, flagsFragment, ttl, protocol, source, destination);
        p.networkOffset(at);
        p.transportOffset(at + MIN_HEADER_LENGTH);
        p.transportProtocol(protocol);
        return at;
    }

    /** @return the address {@code a.b.c.d} */
    public static int address(int a, int b, int c, int d) {
        return (a & 0xFF) << 24 | (b & 0xFF) << 16 | (c & 0xFF) << 8 | (d & 0xFF);
    }

    /** @return {@code v4} as an {@link java.net.InetAddress}; allocates (tests, configuration) */
    public static java.net.InetAddress inetAddress(int v4) {
        try {
            return java.net.InetAddress.getByAddress(new byte[]{(byte) (v4 >>> 24), (byte) (v4 >>> 16),
                    (byte) (v4 >>> 8), (byte) v4});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** @return the address of a dotted quad; allocates (tests, configuration) */
    public static int parse(String dotted) {
        String[] parts = dotted.strip().split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        int a = 0;
        for (String part : parts) {
            int v = Integer.parseInt(part);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            a = a << 8 | v;
        }
        return a;
    }

    /** @return the dotted quad; allocates (messages, reports) */
    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }
}
