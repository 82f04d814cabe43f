package dev.dispatchlab.esp;

import dev.dispatchlab.packet.Bytes;

/**
 * The few IPv4 and IPv6 header reads and writes the ESP layer needs: the transport-mode header
 * rebuild on input, the header move and the tunnel outer header on output, the IPv4 checksum.
 *
 * <p>Note: a stopgap written while the {@code proto} package is being built in parallel; ESP will
 * switch to proto's header flyweights once they land. Everything here works on absolute indices of
 * one array, allocates nothing and never reads outside the limits it is given.
 */
final class IpHeaders {

    static final int IPV4_MIN_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int IPV4_SRC = 12;
    static final int IPV4_DST = 16;
    static final int IPV4_TOTAL_LENGTH = 2;
    static final int IPV4_PROTOCOL = 9;
    static final int IPV4_CHECKSUM = 10;
    static final int IPV6_PAYLOAD_LENGTH = 4;
    static final int IPV6_NEXT_HEADER = 6;
    static final int IPV6_SRC = 8;
    static final int IPV6_DST = 24;
    static final int DEFAULT_TTL = 64;
    private static final int IPV4_DF = 0x4000;

    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int AH = 51;
    private static final int DESTINATION_OPTIONS = 60;

    private IpHeaders() {
    }

    /** @return the IP version nibble of the header at {@code at} */
    static int version(byte[] d, int at) {
        return (d[at] >>> 4) & 0xF;
    }

    /** @return the IPv4 header length in bytes (IHL times 4) */
    static int ipv4HeaderLength(byte[] d, int at) {
        return (d[at] & 0xF) * 4;
    }

    /** Computes and stores the IPv4 header checksum of the {@code length}-byte header at {@code at}. */
    static void ipv4Checksum(byte[] d, int at, int length) {
        Bytes.put16(d, at + IPV4_CHECKSUM, 0);
        Bytes.put16(d, at + IPV4_CHECKSUM, ~onesComplementSum(d, at, length) & 0xFFFF);
    }

    /** @return true when the IPv4 header checksum at {@code at} verifies */
    static boolean ipv4ChecksumValid(byte[] d, int at, int length) {
        return onesComplementSum(d, at, length) == 0xFFFF;
    }

    private static int onesComplementSum(byte[] d, int at, int length) {
        int sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += Bytes.u16(d, at + i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    /**
     * Walks the IPv6 extension headers from the fixed header at {@code at}, never past {@code limit}.
     * Inbound ({@code keepDestinationOptions} true) it crosses every extension header that may precede
     * ESP; outbound (false) it stops where ESP must be inserted: after hop-by-hop and routing headers,
     * and after destination options only when a routing header follows them (RFC 4303 3.1.1).
     *
     * @return {@code (nextHeaderFieldIndex << 32) | headerEnd}, or -1 if a header runs past {@code limit}
     */
    static long ipv6HeaderChain(byte[] d, int at, int limit, boolean keepDestinationOptions) {
        if (at + IPV6_HEADER > limit) {
            return -1;
        }
        int nhField = at + IPV6_NEXT_HEADER;
        int pos = at + IPV6_HEADER;
        for (int guard = 0; guard < 32; guard++) {
            int nh = d[nhField] & 0xFF;
            boolean crosses = switch (nh) {
                case HOP_BY_HOP, ROUTING -> true;
                case DESTINATION_OPTIONS -> keepDestinationOptions
                        || (pos + 2 <= limit && (d[pos] & 0xFF) == ROUTING);
                case FRAGMENT, AH -> keepDestinationOptions;
                default -> false;
            };
            if (!crosses) {
                return ((long) nhField << 32) | pos;
            }
            if (pos + 2 > limit) {
                return -1;
            }
            int len = switch (nh) {
                case FRAGMENT -> 8;
                case AH -> ((d[pos + 1] & 0xFF) + 2) * 4;
                default -> ((d[pos + 1] & 0xFF) + 1) * 8;
            };
            if (pos + len > limit) {
                return -1;
            }
            nhField = pos;
            pos += len;
        }
        return -1;
    }

    /** @return the traffic class / type of service byte of the IP header at {@code at} */
    static int trafficClass(byte[] d, int at) {
        if (version(d, at) == 4) {
            return d[at + 1] & 0xFF;
        }
        return ((d[at] & 0x0F) << 4) | ((d[at + 1] & 0xF0) >>> 4);
    }

    /** @return true if the header at {@code at} is IPv4 with the don't-fragment flag set */
    static boolean dontFragment(byte[] d, int at) {
        return version(d, at) == 4 && (Bytes.u16(d, at + 6) & IPV4_DF) != 0;
    }

    /** Writes a 20-byte IPv4 header (no options) with its checksum. */
    static void writeIpv4(byte[] d, int at, int tos, int totalLength, int id, boolean df, int protocol,
                          byte[] src, byte[] dst) {
        d[at] = 0x45;
        d[at + 1] = (byte) tos;
        Bytes.put16(d, at + IPV4_TOTAL_LENGTH, totalLength);
        Bytes.put16(d, at + 4, id);
        Bytes.put16(d, at + 6, df ? IPV4_DF : 0);
        d[at + 8] = (byte) DEFAULT_TTL;
        d[at + IPV4_PROTOCOL] = (byte) protocol;
        System.arraycopy(src, 0, d, at + IPV4_SRC, 4);
        System.arraycopy(dst, 0, d, at + IPV4_DST, 4);
        ipv4Checksum(d, at, IPV4_MIN_HEADER);
    }

    /** Writes a 40-byte IPv6 header (flow label 0). */
    static void writeIpv6(byte[] d, int at, int trafficClass, int payloadLength, int nextHeader, byte[] src,
                          byte[] dst) {
        Bytes.put32(d, at, (6 << 28) | ((trafficClass & 0xFF) << 20));
        Bytes.put16(d, at + IPV6_PAYLOAD_LENGTH, payloadLength);
        d[at + IPV6_NEXT_HEADER] = (byte) nextHeader;
        d[at + 7] = (byte) DEFAULT_TTL;
        System.arraycopy(src, 0, d, at + IPV6_SRC, 16);
        System.arraycopy(dst, 0, d, at + IPV6_DST, 16);
    }
}
