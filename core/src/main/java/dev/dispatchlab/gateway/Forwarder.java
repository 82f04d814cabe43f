package dev.dispatchlab.gateway;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.os.BatchUdpSocket;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.packet.Wakeable;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.proto.UdpInput;
import dev.dispatchlab.stack.PacketSink;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The gateway's delivery: udp_input for decrypted packets, then the payload goes to the local UDP
 * address its inner destination port is mapped to, sent with {@code sendmmsg}. Each delivering
 * context gets its own connected socket per destination (created on its first datagram), fills it
 * and sends the batch when the context's pass ends ({@link StageContext#wakeAtEndOfPass}) or the
 * batch is full: one system call per batch, no lock between contexts. Copying the payload into the
 * socket's send ring is the one copy a send needs.
 *
 * <p>Counts: a sent payload is {@link Counter#DELIVERED}; an unmapped port drops with
 * {@code NO_SOCKET}; a send the kernel refuses drops with {@code SOCKET_FULL}.
 *
 * <p>Threading: any number of contexts; per-context state is indexed by the context's slot.
 */
final class Forwarder implements PacketSink, AutoCloseable {

    private static final int BATCH = 64;

    private final InetSocketAddress[] byPort = new InetSocketAddress[65536];
    private final Lane[][] lanes = new Lane[dev.dispatchlab.packet.StageContext.MAX_SLOTS][];
    private final int destinations;
    private final int[] indexOfPort = new int[65536];
    private final InetSocketAddress[] byIndex;

    Forwarder(PortMap map) {
        Map<Integer, InetSocketAddress> m = map.entries();
        byIndex = new InetSocketAddress[m.size()];
        int i = 0;
        for (Map.Entry<Integer, InetSocketAddress> e : m.entrySet()) {
            byPort[e.getKey()] = e.getValue();
            indexOfPort[e.getKey()] = i;
            byIndex[i++] = e.getValue();
        }
        destinations = i;
    }

    @Override
    public void accept(StageContext ctx, PacketBuffer p) {
        if (p.transportProtocol() != IpProtocol.UDP) {
            ctx.drop(p, DropReason.IP_UNSUPPORTED_PROTOCOL);
            return;
        }
        DropReason r = UdpInput.validate(p, false);
        if (r != null) {
            ctx.drop(p, r);
            return;
        }
        int udp = p.transportOffset();
        int port = UdpDescriptor.destinationPort(p.data(), udp);
        if (byPort[port] == null) {
            ctx.drop(p, DropReason.NO_SOCKET);
            return;
        }
        int payload = udp + UdpDescriptor.HEADER_LENGTH;
        p.setRange(payload, p.end() - payload);
        lane(ctx, indexOfPort[port]).add(ctx, p);
    }

    private Lane lane(StageContext ctx, int dest) {
        Lane[] mine = lanes[ctx.slot()];
        if (mine == null) {
            mine = new Lane[destinations];
            lanes[ctx.slot()] = mine;
        }
        Lane l = mine[dest];
        if (l == null) {
            l = new Lane(byIndex[dest]);
            mine[dest] = l;
        }
        return l;
    }

    /** Sends whatever every context has not sent yet; after the contexts stopped. */
    void flushAll(StageContext ctx) {
        for (Lane[] mine : lanes) {
            if (mine != null) {
                for (Lane l : mine) {
                    if (l != null) {
                        l.flush(ctx);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        for (Lane[] mine : lanes) {
            if (mine != null) {
                for (Lane l : mine) {
                    if (l != null) {
                        l.socket.close();
                    }
                }
            }
        }
    }

    /** One context's connected socket to one destination, and the datagrams filled but not sent. */
    private static final class Lane implements Wakeable {
        final BatchUdpSocket socket;
        int filled;
        StageContext owner;

        Lane(InetSocketAddress to) {
            InetAddress from;
            try {
                from = to.getAddress() instanceof java.net.Inet6Address ? InetAddress.getByName("::1")
                        : InetAddress.getByName("127.0.0.1");
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            socket = BatchUdpSocket.bind(new InetSocketAddress(from, 0)).sendBatch(BATCH).receiveBatch(1).open();
            socket.connect(to);
        }

        void add(StageContext ctx, PacketBuffer p) {
            owner = ctx;
            socket.fill(filled++, p);
            ctx.count(Counter.DELIVERED);
            ctx.count(Counter.DELIVERED_BYTES, p.length());
            p.release();
            if (filled == BATCH) {
                flush(ctx);
            } else {
                ctx.wakeAtEndOfPass(this);
            }
        }

        @Override
        public void wake() {
            flush(owner);
        }

        void flush(StageContext ctx) {
            int sent = 0;
            while (sent < filled) {
                int n;
                try {
                    n = socket.send(sent, filled - sent);
                } catch (dev.dispatchlab.os.SystemCallException e) {
                    // nothing listens at the destination (ECONNREFUSED) or the kernel refused the batch
                    ctx.counters().add(Counter.DELIVERED, -(filled - sent));
                    ctx.counters().drop(DropReason.NO_SOCKET, filled - sent);
                    break;
                }
                if (n <= 0) {
                    // the kernel took no more: the rest never leave; they were counted delivered, so move them
                    ctx.counters().add(Counter.DELIVERED, -(filled - sent));
                    ctx.counters().drop(DropReason.SOCKET_FULL, filled - sent);
                    break;
                }
                sent += n;
            }
            filled = 0;
        }
    }
}
