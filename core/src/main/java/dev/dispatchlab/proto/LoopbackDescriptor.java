package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;

/**
 * Layout of the BSD loopback headers, {@link LinkType#NULL} and {@link LinkType#LOOP}: one 32-bit
 * address family value before the IP packet.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Address family (AF_xxx)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  IPv4 or IPv6 packet ...
 * </pre>
 *
 * {@code NULL} stores the family in the byte order of the machine that wrote the capture, which the
 * file does not record; {@code LOOP} (OpenBSD) stores it big-endian. Every family value is below
 * 256, so a value with a non-zero upper half is a byte-swapped one. {@code AF_INET} is 2 everywhere;
 * {@code AF_INET6} differs by system: 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly), 30
 * (Darwin). Linux's 10 never appears in these link types.
 *
 * <p>Threading: stateless, any thread.
 */
public final class LoopbackDescriptor {

    public static final int FAMILY = 0;
    public static final int HEADER_LENGTH = 4;

    public static final int AF_INET = 2;
    public static final int AF_INET6_BSD = 24;
    public static final int AF_INET6_FREEBSD = 28;
    public static final int AF_INET6_DARWIN = 30;

    private LoopbackDescriptor() {
    }

    /** @return the family of a {@code NULL} header, read in whichever byte order gives a family value */
    public static int nullFamily(byte[] b, int at) {
        int v = Bytes.i32(b, at + FAMILY);
        return (v & 0xFFFF_0000) != 0 ? Integer.reverseBytes(v) : v;
    }

    /** @return the family of a {@code LOOP} header (big-endian) */
    public static int loopFamily(byte[] b, int at) {
        return Bytes.i32(b, at + FAMILY);
    }

    /** @return 4 for AF_INET, 6 for any AF_INET6 value above, 0 for anything else */
    public static int ipVersion(int family) {
        return switch (family) {
            case AF_INET -> 4;
            case AF_INET6_BSD, AF_INET6_FREEBSD, AF_INET6_DARWIN -> 6;
            default -> 0;
        };
    }
}
