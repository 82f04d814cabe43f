package dev.dispatchlab.device;

import dev.dispatchlab.packet.Bytes;

/**
 * The NIC's receive-side-scaling hash: the Toeplitz hash of RSS over a packet's flow tuple, so that
 * every packet of a flow lands on the same ring (and the same CPU) and flows spread over the rings.
 *
 * <h2>Tuple</h2>
 * <pre>
 *   IPv4/IPv6, UDP or TCP           src addr | dst addr | src port | dst port
 *   IPv4/IPv6, ESP                  src addr | dst addr | SPI
 *   UDP 4500 (NAT-T) carrying ESP   src addr | dst addr | src port | dst port | SPI   (IPv4; the
 *                                   40-byte key is too short for IPv6's, which hashes without the SPI)
 *   a fragment (IPv4 MF or offset,  src addr | dst addr          (its later fragments have no ports,
 *   IPv6 fragment header), others                                  so every fragment hashes alike)
 *   not IP                          0 (ring 0)
 * </pre>
 * The hash runs the key over the tuple bit by bit, left to right: for each set bit, the result is
 * XORed with the 32 key bits that start at that bit's position. The default key is the one the RSS
 * specification publishes (so IPv4 and TCP results match its verification values).
 *
 * <p>This is a small header walker of its own, the NIC's parser, not the stack's: it reads only what
 * the hash needs and never rejects a packet (a malformed one hashes on what could be read).
 *
 * <p>Cost: about a hundred nanoseconds per packet; the synthetic wire computes it once per template,
 * not per packet. Threading: stateless; any thread.
 */
public final class FlowHash {

    /** The 40-byte key published with the RSS specification. */
    private static final byte[] DEFAULT_KEY = Bytes.fromHex(
            "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

    /** pcap link types the parser understands. */
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_ESP = 50;
    private static final int NATT_PORT = 4500;

    private FlowHash() {
    }

    /** @return the Toeplitz hash of {@code input[off, off+len)} under the default key (len ≤ 36) */
    public static int toeplitz(byte[] input, int off, int len) {
        return toeplitz(DEFAULT_KEY, input, off, len);
    }

    /** @return the Toeplitz hash of {@code input[off, off+len)} under {@code key} (key.length ≥ len + 4) */
    public static int toeplitz(byte[] key, byte[] input, int off, int len) {
        if (key.length < len + 4) {
            throw new IllegalArgumentException("key too short for input: key=" + key.length + ", input=" + len);
        }
        int result = 0;
        // window = the 32 key bits starting at the current input bit, refilled one key byte per input byte
        int window = Bytes.i32(key, 0);
        for (int i = 0; i < len; i++) {
            int b = input[off + i] & 0xFF;
            int next = key[i + 4] & 0xFF;
            for (int bit = 7; bit >= 0; bit--) {
                if ((b >>> bit & 1) != 0) {
                    result ^= window;
                }
                window = (window << 1) | (next >>> bit & 1);
            }
        }
        return result;
    }

    /**
     * Hashes a frame as the NIC's RSS engine would.
     *
     * @param linkType {@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW}, {@link #LINKTYPE_IPV4} or {@link #LINKTYPE_IPV6}
     * @return the flow hash; 0 when the frame is not IP or too short to say
     */
    public static int ofFrame(byte[] frame, int off, int len, int linkType) {
        int end = off + len;
        int ip;
        switch (linkType) {
            case LINKTYPE_ETHERNET -> {
                int at = off + 12;
                if (at + 2 > end) {
                    return 0;
                }
                int type = Bytes.u16(frame, at);
                while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) && at + 6 <= end) {
                    at += 4;
                    type = Bytes.u16(frame, at);
                }
                if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6) {
                    return 0;
                }
                ip = at + 2;
            }
            case LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6 -> ip = off;
            default -> {
                return 0;
            }
        }
        if (ip >= end) {
            return 0;
        }
        int version = (frame[ip] & 0xFF) >>> 4;
        byte[] tuple = new byte[44]; // templates only: the per-packet path never calls this
        if (version == 4) {
            return ipv4(frame, ip, end, tuple);
        }
        if (version == 6) {
            return ipv6(frame, ip, end, tuple);
        }
        return 0;
    }

    private static int ipv4(byte[] f, int ip, int end, byte[] tuple) {
        if (ip + 20 > end) {
            return 0;
        }
        int ihl = (f[ip] & 0x0F) * 4;
        int fragment = Bytes.u16(f, ip + 6) & 0x3FFF; // MF bit and offset
        int proto = f[ip + 9] & 0xFF;
        System.arraycopy(f, ip + 12, tuple, 0, 8);
        if (fragment != 0 || ihl < 20) {
            return toeplitz(tuple, 0, 8);
        }
        return withTransport(f, ip + ihl, end, proto, tuple, 8);
    }

    private static int ipv6(byte[] f, int ip, int end, byte[] tuple) {
        if (ip + 40 > end) {
            return 0;
        }
        System.arraycopy(f, ip + 8, tuple, 0, 32);
        int next = f[ip + 6] & 0xFF;
        int at = ip + 40;
        for (int hops = 0; hops < 8; hops++) {
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options
                    if (at + 8 > end) {
                        return toeplitz(tuple, 0, 32);
                    }
                    next = f[at] & 0xFF;
                    at += ((f[at + 1] & 0xFF) + 1) * 8;
                }
                case 44 -> { // fragment header: addresses only
                    return toeplitz(tuple, 0, 32);
                }
                default -> {
                    return withTransport(f, at, end, next, tuple, 32);
                }
            }
        }
        return toeplitz(tuple, 0, 32);
    }

    /** Appends ports and/or SPI after the {@code n} address bytes already in {@code tuple}. */
    private static int withTransport(byte[] f, int l4, int end, int proto, byte[] tuple, int n) {
        if (proto == PROTO_ESP && l4 + 4 <= end) {
            System.arraycopy(f, l4, tuple, n, 4);
            return toeplitz(tuple, 0, n + 4);
        }
        if ((proto == PROTO_UDP || proto == PROTO_TCP) && l4 + 4 <= end) {
            System.arraycopy(f, l4, tuple, n, 4);
            int withPorts = n + 4;
            if (proto == PROTO_UDP && withPorts + 8 <= DEFAULT_KEY.length && Bytes.u16(f, l4 + 2) == NATT_PORT
                    && l4 + 12 <= end && Bytes.i32(f, l4 + 8) != 0) {
                System.arraycopy(f, l4 + 8, tuple, withPorts, 4); // NAT-T: the SPI follows the UDP header
                return toeplitz(tuple, 0, withPorts + 4);
            }
            return toeplitz(tuple, 0, withPorts);
        }
        return toeplitz(tuple, 0, n);
    }
}
