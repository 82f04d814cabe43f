package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

/**
 * UDP validation and the RFC 3948 demux of port 4500, the path's {@code udp_input} as far as
 * IPsec needs it.
 *
 * <p>Calling context: any stage context, on a buffer it owns that {@link IpInput} validated with
 * {@code transportProtocol == 17} (for IPv4, a whole datagram: reassembled if it was fragmented).
 * Return convention of {@link #validate}: null on success, else the reason the caller drops with.
 *
 * <p>Threading: stateless, any thread.
 */
public final class UdpInput {

    private UdpInput() {
    }

    /**
     * Checks the UDP header at {@link PacketBuffer#transportOffset()}:
     * <ul>
     * <li>fewer than 8 bytes, or a length field beyond the bytes present: {@link DropReason#UDP_TRUNCATED};</li>
     * <li>a length field below 8: {@link DropReason#UDP_BAD_LENGTH};</li>
     * <li>a length field shorter than the IP payload: the excess is trimmed, as BSD and Linux do;</li>
     * <li>checksum: 0 means none over IPv4 (accepted); over IPv6 a zero checksum is dropped
     *     (RFC 8200 section 8.1; the RFC 6935 zero-checksum exception for tunnels is not
     *     implemented); otherwise the sum over pseudo-header, header and data must verify, else
     *     {@link DropReason#UDP_BAD_CHECKSUM}.</li>
     * </ul>
     */
    public static DropReason validate(PacketBuffer p) {
        return validate(p, true);
    }

    /**
     * {@link #validate(PacketBuffer)}, optionally without the checksum: for an inner datagram that
     * ESP's integrity check has already authenticated byte for byte, the checksum can detect nothing
     * more (RFC 3948 section 3.1.2 lets transport-mode receivers skip it for the same reason). Lengths
     * are always checked.
     */
    public static DropReason validate(PacketBuffer p, boolean verifyChecksum) {
        byte[] b = p.data();
        int udp = p.transportOffset();
        int available = p.end() - udp;
        if (available < UdpDescriptor.HEADER_LENGTH) {
            return DropReason.UDP_TRUNCATED;
        }
        int length = UdpDescriptor.length(b, udp);
        if (length < UdpDescriptor.HEADER_LENGTH) {
            return DropReason.UDP_BAD_LENGTH;
        }
        if (length > available) {
            return DropReason.UDP_TRUNCATED;
        }
        int ip = p.networkOffset();
        boolean ipv6 = Ipv4Descriptor.version(b, ip) == 6;
        if (!verifyChecksum) {
            // authenticated by ESP: see above
        } else if (UdpDescriptor.checksum(b, udp) == 0) {
            if (ipv6) {
                return DropReason.UDP_BAD_CHECKSUM;
            }
        } else {
            long pseudo = ipv6
                    ? InternetChecksum.ipv6PseudoHeader(b, ip + Ipv6Descriptor.SOURCE, ip + Ipv6Descriptor.DESTINATION,
                            IpProtocol.UDP, length)
                    : InternetChecksum.ipv4PseudoHeader(Ipv4Descriptor.source(b, ip), Ipv4Descriptor.destination(b, ip),
                            IpProtocol.UDP, length);
            if (!InternetChecksum.verifies(pseudo, b, udp, length)) {
                return DropReason.UDP_BAD_CHECKSUM;
            }
        }
        if (length < available) {
            p.trimTail(available - length);
        }
        return null;
    }

    /**
     * Classifies a validated datagram by its destination port, the local port the receiver's IKE
     * and NAT-T sockets are bound to (RFC 3948 section 2.1). On port 4500: the single octet 0xFF is
     * a NAT-keepalive; four zero octets (the non-ESP marker) begin IKE; fewer than 8 octets
     * otherwise cannot hold SPI and sequence number ({@link UdpClass#NATT_RUNT}); anything else is
     * ESP, whose SPI is non-zero because a zero one would be the marker. Port 500 is IKE. Apply it
     * to outer datagrams only: inner ones go to the user's sockets whatever their port.
     */
    public static UdpClass classify(PacketBuffer p) {
        byte[] b = p.data();
        int udp = p.transportOffset();
        int port = UdpDescriptor.destinationPort(b, udp);
        if (port == UdpDescriptor.PORT_IKE) {
            return UdpClass.IKE;
        }
        if (port != UdpDescriptor.PORT_NATT) {
            return UdpClass.OTHER;
        }
        int data = udp + UdpDescriptor.HEADER_LENGTH;
        int n = p.end() - data;
        if (n == 1 && (b[data] & 0xFF) == UdpDescriptor.NATT_KEEPALIVE_OCTET) {
            return UdpClass.NATT_KEEPALIVE;
        }
        if (n >= 4 && Bytes.i32(b, data) == 0) {
            return UdpClass.IKE;
        }
        return n < 8 ? UdpClass.NATT_RUNT : UdpClass.ESP;
    }

    /** @return the absolute index of the datagram's payload (for ESP over UDP: the SPI) */
    public static int payloadOffset(PacketBuffer p) {
        return p.transportOffset() + UdpDescriptor.HEADER_LENGTH;
    }
}
