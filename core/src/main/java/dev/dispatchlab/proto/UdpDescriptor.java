package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

/**
 * Layout of the UDP header (RFC 768) and of the RFC 3948 payloads that share port 4500, with static
 * accessors over {@code (byte[] data, int udp)} and writers for the send side.
 *
 * <pre>
 *  UDP header, 8 octets:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |             Length            |            Checksum           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  Length counts header and data. Checksum covers a pseudo-header (source and destination
 *  address, protocol 17, UDP length), the header and the data; 0 means "none" (IPv4 only);
 *  a computed 0 is sent as 0xFFFF.
 *
 *  Payloads on port 4500 (RFC 3948 section 2):
 *  UDP-encapsulated ESP          IKE (non-ESP marker)           NAT-keepalive
 *  +-------------------------+   +-------------------------+   +--------+
 *  | SPI (non-zero, 32 bits) |   | 0x00000000 (32 bits)    |   |  0xFF  |
 *  +-------------------------+   +-------------------------+   +--------+
 *  | Sequence Number ...     |   | IKE header ...          |   one octet
 * </pre>
 *
 * <p>Threading: stateless, any thread.
 */
public final class UdpDescriptor {

    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int LENGTH = 4;
    public static final int CHECKSUM = 6;
    public static final int HEADER_LENGTH = 8;

    /** IKE (RFC 7296). */
    public static final int PORT_IKE = 500;
    /** IKE and ESP behind NAT (RFC 3948). */
    public static final int PORT_NATT = 4500;
    /** The single octet of a NAT-keepalive. */
    public static final int NATT_KEEPALIVE_OCTET = 0xFF;

    private UdpDescriptor() {
    }

    public static int sourcePort(byte[] b, int udp) {
        return Bytes.u16(b, udp + SOURCE_PORT);
    }

    public static int destinationPort(byte[] b, int udp) {
        return Bytes.u16(b, udp + DESTINATION_PORT);
    }

    public static int length(byte[] b, int udp) {
        return Bytes.u16(b, udp + LENGTH);
    }

    public static int checksum(byte[] b, int udp) {
        return Bytes.u16(b, udp + CHECKSUM);
    }

    /** Writes the header with the checksum given (0 for none), and returns the index after it */
    public static int write(byte[] b, int at, int sourcePort, int destinationPort, int length, int checksum) {
        Bytes.put16(b, at + SOURCE_PORT, sourcePort);
        Bytes.put16(b, at + DESTINATION_PORT, destinationPort);
        Bytes.put16(b, at + LENGTH, length);
        Bytes.put16(b, at + CHECKSUM, checksum);
        return at + HEADER_LENGTH;
    }

    /**
     * Computes and stores the checksum of the datagram at {@code udp} (its length field already set)
     * under an IPv4 pseudo-header; a computed 0 is stored as 0xFFFF.
     */
    public static void fillChecksumIpv4(byte[] b, int udp, int source, int destination) {
        int len = length(b, udp);
        Bytes.put16(b, udp + CHECKSUM, 0);
        long sum = InternetChecksum.ipv4PseudoHeader(source, destination, IpProtocol.UDP, len);
        Bytes.put16(b, udp + CHECKSUM, nonZero(InternetChecksum.complement(InternetChecksum.add(sum, b, udp, len))));
    }

    /** As {@link #fillChecksumIpv4} under an IPv6 pseudo-header (addresses as in {@link Ipv6Descriptor}). */
    public static void fillChecksumIpv6(byte[] b, int udp, long sourceHi, long sourceLo, long destinationHi,
                                        long destinationLo) {
        int len = length(b, udp);
        Bytes.put16(b, udp + CHECKSUM, 0);
        long sum = InternetChecksum.ipv6PseudoHeader(sourceHi, sourceLo, destinationHi, destinationLo, IpProtocol.UDP, len);
        Bytes.put16(b, udp + CHECKSUM, nonZero(InternetChecksum.complement(InternetChecksum.add(sum, b, udp, len))));
    }

    /**
     * Prepends a UDP header for IPv4 (send side), its length the packet's length after it, and sets
     * the transport annotations. {@code checksum} false leaves the field 0, as RFC 3948 section 2.1
     * permits for UDP-encapsulated ESP over IPv4; true computes it over the pseudo-header of
     * {@code source} and {@code destination}. Throws when the headroom is short or the datagram
     * exceeds 65535 bytes.
     *
     * @return the header's index
     */
    public static int prependIpv4(PacketBuffer p, int sourcePort, int destinationPort, boolean checksum,
                                  int source, int destination) {
        int at = prependBare(p, sourcePort, destinationPort);
        if (checksum) {
            fillChecksumIpv4(p.data(), at, source, destination);
        }
        return at;
    }

    /**
     * Prepends a UDP header for IPv6 (send side) with its checksum, which IPv6 requires
     * (RFC 8200 section 8.1), and sets the transport annotations.
     *
     * @return the header's index
     */
    public static int prependIpv6(PacketBuffer p, int sourcePort, int destinationPort, long sourceHi, long sourceLo,
                                  long destinationHi, long destinationLo) {
        int at = prependBare(p, sourcePort, destinationPort);
        fillChecksumIpv6(p.data(), at, sourceHi, sourceLo, destinationHi, destinationLo);
        return at;
    }

    private static int prependBare(PacketBuffer p, int sourcePort, int destinationPort) {
        int at = p.prepend(HEADER_LENGTH);
        if (p.length() > 0xFFFF) {
            throw new IllegalArgumentException("UDP datagram too long: length=" + p.length());
        }
        write(p.data(), at, sourcePort, destinationPort, p.length(), 0);
        p.transportOffset(at);
        p.transportProtocol(IpProtocol.UDP);
        return at;
    }

    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }
}
