package dev.dispatchlab.stack;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.proto.UdpInput;

/**
 * The end of the benchmark path: udp_input for decrypted inner packets, then the socket bound to
 * the destination port. Inner protocols other than UDP are dropped as {@code IP_UNSUPPORTED_PROTOCOL}
 * (the path has no TCP or ICMP consumer).
 *
 * <p>Threading: stateless; any context.
 */
public final class UdpDelivery implements PacketSink {

    private final SocketTable sockets;
    private final boolean verifyChecksums;

    public UdpDelivery(SocketTable sockets, boolean verifyChecksums) {
        this.sockets = sockets;
        this.verifyChecksums = verifyChecksums;
    }

    @Override
    public void accept(StageContext ctx, PacketBuffer p) {
        if (p.transportProtocol() != IpProtocol.UDP) {
            ctx.drop(p, DropReason.IP_UNSUPPORTED_PROTOCOL);
            return;
        }
        DropReason r = UdpInput.validate(p, verifyChecksums);
        if (r != null) {
            ctx.drop(p, r);
            return;
        }
        int udp = p.transportOffset();
        UserSocket s = sockets.lookup(UdpDescriptor.destinationPort(p.data(), udp));
        if (s == null) {
            ctx.drop(p, DropReason.NO_SOCKET);
            return;
        }
        int payload = udp + UdpDescriptor.HEADER_LENGTH;
        p.setRange(payload, p.end() - payload);
        s.deliver(ctx, p);
    }
}
