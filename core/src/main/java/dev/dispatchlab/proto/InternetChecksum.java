package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of the
 * data taken as big-endian 16-bit words, an odd last byte padded with a zero byte on the right.
 * Used for the IPv4 header and for UDP with its IPv4 or IPv6 pseudo-header.
 *
 * <h2>How to use it</h2>
 * Sums are accumulated, unfolded, in a {@code long}: start from 0 or from a pseudo-header sum,
 * {@link #add} each range, then {@link #fold}. A received header or datagram verifies when the fold
 * of the sum over it (checksum field included) is {@code 0xFFFF}; a sender stores
 * {@link #complement}{@code (sum)} of the sum taken with the checksum field zero. Every range passed
 * to {@code add} except the last must have even length (16-bit words are counted from the start of
 * the first range).
 *
 * <h2>Cost</h2>
 * Eight bytes per step: a 64-bit load splits into two 32-bit halves added to the accumulator, which
 * is the same sum modulo {@code 0xFFFF} as adding four 16-bit words (2<sup>16</sup> is 1 modulo
 * {@code 0xFFFF}, RFC 1071 section 2(B)); the carries are folded once at the end. The accumulator
 * cannot overflow for any length an IP packet can have. No allocation.
 *
 * <p>Threading: stateless, any thread.
 */
public final class InternetChecksum {

    private InternetChecksum() {
    }

    /**
     * @return {@code sum} plus the 16-bit words of {@code b[off, off+len)}, unfolded
     */
    public static long add(long sum, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (end - i >= 8) {
            long v = Bytes.i64(b, i);
            sum += (v >>> 32) + (v & 0xFFFF_FFFFL);
            i += 8;
        }
        if (end - i >= 4) {
            sum += Bytes.u32(b, i);
            i += 4;
        }
        if (end - i >= 2) {
            sum += Bytes.u16(b, i);
            i += 2;
        }
        if (i < end) {
            sum += (b[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** @return the sum folded to 16 bits with end-around carry, in {@code [0, 0xFFFF]} */
    public static int fold(long sum) {
        long s = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /** @return the checksum field value for an accumulated sum: the ones' complement of its fold */
    public static int complement(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** @return the checksum of {@code b[off, off+len)} alone (for the IPv4 header, checksum field zero) */
    public static int checksum(byte[] b, int off, int len) {
        return complement(add(0, b, off, len));
    }

    /** @return true when {@code b[off, off+len)}, checksum field included, sums to {@code 0xFFFF} */
    public static boolean verifies(long sum, byte[] b, int off, int len) {
        return fold(add(sum, b, off, len)) == 0xFFFF;
    }

    /**
     * @param src      IPv4 source address (network order in the int's bits)
     * @param dst      IPv4 destination address
     * @param protocol upper-layer protocol number
     * @param length   upper-layer length (UDP: the UDP length field)
     * @return the sum of the IPv4 pseudo-header (RFC 768)
     */
    public static long ipv4PseudoHeader(int src, int dst, int protocol, int length) {
        return (src & 0xFFFF_FFFFL) + (dst & 0xFFFF_FFFFL) + protocol + length;
    }

    /**
     * @return the sum of the IPv6 pseudo-header (RFC 8200 section 8.1) for addresses read from
     *         {@code b} at {@code srcAt} and {@code dstAt}
     */
    public static long ipv6PseudoHeader(byte[] b, int srcAt, int dstAt, int protocol, int length) {
        return add(add(0, b, srcAt, 16), b, dstAt, 16) + (length & 0xFFFF_FFFFL) + protocol;
    }

    /** @return the sum of the IPv6 pseudo-header for addresses held as two longs each (see {@link Ipv6Descriptor}) */
    public static long ipv6PseudoHeader(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int length) {
        return halves(srcHi) + halves(srcLo) + halves(dstHi) + halves(dstLo) + (length & 0xFFFF_FFFFL) + protocol;
    }

    private static long halves(long v) {
        return (v >>> 32) + (v & 0xFFFF_FFFFL);
    }
}
