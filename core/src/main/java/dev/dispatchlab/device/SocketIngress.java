package dev.dispatchlab.device;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.os.BatchUdpSocket;
import dev.dispatchlab.os.SystemCallException;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.Ipv6Descriptor;
import dev.dispatchlab.proto.LinkType;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.stack.PacketSink;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The real-socket source: one UDP socket receiving ESP-in-UDP (RFC 3948) with {@code recvmmsg}, as
 * a NIC receive ring the dispatch models drain. {@link #open} makes one per receive ring, all bound
 * to one address with SO_REUSEPORT, so that several CPUs can receive (the kernel spreads senders
 * by address and port; one sender socket always lands on one ring, which keeps an SA's packets in
 * order).
 *
 * <pre>
 *   kernel socket queue ─recvmmsg (≤ batch)─► native ring ─receive(ctx, sink, budget, wait)─► sink
 *                          SO_RXQ_OVFL → KERNEL_DROP        per datagram: OFFERED,
 *                                                           pool.acquire ─ none ─► POOL_EXHAUSTED
 *                                                           copy payload ─ too long ─► TOO_LONG
 *                                                           synthetic IPv4|IPv6 + UDP header in front
 * </pre>
 *
 * <h2>The synthetic outer header, and why</h2>
 * A socket delivers the UDP payload only: the kernel has taken the IP and UDP headers off. Each
 * datagram is copied into a pooled buffer and an outer IPv4 header (IPv6 for an IPv6 socket) and a
 * UDP header are written into the buffer's headroom in front of it, from the datagram's source
 * address and port and the socket's own address: the packet the kernel received. The
 * buffer's link type is {@code IPV4} (or {@code IPV6}) and its network offset is set, so the sink can
 * be {@code ReceivePath::ipInput} (or {@code ::input}): every source, the synthetic wire, a capture
 * and this socket, then runs the same path from {@code ip_input} on, with the same NAT-T demux and
 * the same SA lookup by outer addresses, and a model needs no socket-specific stage. The UDP
 * destination port written is always 4500, whatever port the socket is bound to: like a Linux socket
 * with {@code UDP_ENCAP_ESPINUDP} set, the socket source is an ESP-in-UDP socket by what it is, not by
 * its number, and 4500 is what makes the path's RFC 3948 demux take its datagrams as ESP (tests and
 * second receivers bind other ports). What it costs:
 * 28 bytes written and a 20-byte IPv4 header checksum per datagram (tens of nanoseconds, beside the
 * system call's share and the copy); the path then validates a header that cannot be wrong. The UDP
 * checksum is left 0 over IPv4 (RFC 3948 allows it; the kernel already verified the real one); over
 * IPv6, where the path requires it, it is computed, one more pass over the datagram. The IP
 * identification is 0 and the TTL 64: the kernel does not report the real ones (they decide nothing
 * on this path, as the kernel has already reassembled fragments).
 *
 * <h2>Receiving</h2>
 * {@link #receive} hands out up to {@code budget} datagrams. The native ring plays the NIC ring: one
 * {@code recvmmsg} fills it with up to the batch, and calls hand out what it holds before the next
 * system call, so a budget smaller than the batch does not cost more system calls. Every datagram of
 * one {@code recvmmsg} is stamped with one clock reading taken when the call returned: its arrival at
 * the device (as the synthetic wire stamps a burst). With {@code wait} the call blocks in the kernel
 * until a datagram arrives or {@link #shutdown()} is called (an interrupt thread's sleep); without, it
 * returns 0 at once when nothing is queued (a poll).
 *
 * <h2>Accounting</h2>
 * Each datagram counts {@code OFFERED} in the receiving context, then either reaches the sink, which
 * owns it, or is dropped with {@code POOL_EXHAUSTED} or {@code TOO_LONG}. Datagrams the kernel
 * dropped for the socket (its buffer full) are reported by SO_RXQ_OVFL on the next datagram received;
 * each receive turns new ones into {@code OFFERED} plus {@code KERNEL_DROP}, and
 * {@link #settleKernelDrops} reads {@code /proc/net/udp} at the end of a run for drops after the last
 * datagram, so that offered = delivered + drops closes with the kernel's losses in it. At stop,
 * {@link #discard} counts what the ring and the kernel still hold.
 *
 * <h2>How a model drives it</h2>
 * <ul>
 *   <li>interrupt-style (push, ithread, kcont, vthread): a dedicated thread, standing for the NIC's
 *       interrupt, calls {@code receive(ctx, sink, budget, true)}; it sleeps in the kernel while the
 *       socket is empty, and its wakeup is the interrupt;</li>
 *   <li>polling (puller with an idle strategy, busypoll): {@code receive(ctx, sink, budget, false)}
 *       returns 0 when nothing is queued; the caller decides how to wait;</li>
 *   <li>stop: {@link #shutdown()} from the stopping thread wakes a blocked receive, which then returns
 *       what is still queued and 0 afterwards; once the receiving context has stopped, call
 *       {@link #discard} (or keep receiving without waiting until 0, to process the rest) and
 *       {@link #settleKernelDrops}, then {@link #close()}.</li>
 * </ul>
 *
 * <p>Threading: one receiving context at a time calls {@link #receive}, {@link #discard} and
 * {@link #settleKernelDrops} (the ring and its counts are single-owner); {@link #shutdown()} and
 * the figures ({@link #kernelDrops()}, {@link #calls()}, {@link #datagrams()}) from any thread.
 * Nothing is allocated per call or per datagram.
 */
public final class SocketIngress implements AutoCloseable {

    /** Bytes of the synthetic IPv4 + UDP header in front of the payload. */
    public static final int IPV4_HEADER_BYTES = Ipv4Descriptor.MIN_HEADER_LENGTH + UdpDescriptor.HEADER_LENGTH;
    /** Bytes of the synthetic IPv6 + UDP header in front of the payload. */
    public static final int IPV6_HEADER_BYTES = Ipv6Descriptor.HEADER_LENGTH + UdpDescriptor.HEADER_LENGTH;

    private static final int EACCES = 13;
    private static final int EADDRINUSE = 98;
    private static final int EADDRNOTAVAIL = 99;

    private final BatchUdpSocket socket;
    private final PacketPool pool;
    private final int queue;
    private final boolean ipv6;
    private final int linkType;
    private final int localV4;
    private final long localHi;
    private final long localLo;
    private final byte[] sourceAddress = new byte[16];

    // ---- the receiving context's (single owner) ----
    private int next;
    private int count;
    private long stamp;
    private long dropsCounted;

    // ---- figures (single writer, read by any thread) ----
    private volatile long kernelDrops;
    private volatile long calls;
    private volatile long datagrams;

    private SocketIngress(BatchUdpSocket socket, PacketPool pool, int queue) {
        this.socket = socket;
        this.pool = pool;
        this.queue = queue;
        InetSocketAddress local = socket.localAddress();
        this.ipv6 = local.getAddress() instanceof Inet6Address;
        this.linkType = ipv6 ? LinkType.IPV6.code() : LinkType.IPV4.code();
        byte[] a = local.getAddress().getAddress();
        this.localV4 = ipv6 ? 0 : Bytes.i32(a, 0);
        this.localHi = ipv6 ? Bytes.i64(a, 0) : 0;
        this.localLo = ipv6 ? Bytes.i64(a, 8) : 0;
    }

    /**
     * Opens {@code config.sockets()} sockets on {@code config.local()} (SO_REUSEPORT when more than
     * one; with port 0 the first gets a port from the kernel and the others join it), each a receive
     * ring numbered from 0 ({@link PacketBuffer#queue()}). Datagrams are copied into buffers of
     * {@code pool}; the largest taken whole is the pool's room after its headroom, longer ones are
     * dropped as {@code TOO_LONG}.
     *
     * @throws IllegalArgumentException when the pool's headroom cannot hold the synthetic header, or
     *         the address cannot be bound (in use, not local, privileged), with a one-line reason
     */
    public static List<SocketIngress> open(SocketConfig config, PacketPool pool) {
        boolean v6 = config.local().getAddress() instanceof Inet6Address;
        int header = v6 ? IPV6_HEADER_BYTES : IPV4_HEADER_BYTES;
        if (pool.headroom() < header) {
            throw new IllegalArgumentException("socket source: pool " + pool.name() + " has " + pool.headroom()
                    + " bytes of headroom; the synthetic outer header needs " + header);
        }
        int room = pool.bufferSize() - pool.headroom();
        List<SocketIngress> out = new ArrayList<>();
        InetSocketAddress bindTo = config.local();
        try {
            for (int i = 0; i < config.sockets(); i++) {
                BatchUdpSocket s;
                try {
                    s = BatchUdpSocket.bind(bindTo).reusePort(config.sockets() > 1).receiveBatch(config.batch())
                            .messageBytes(room).receiveBufferBytes(config.receiveBufferBytes())
                            .forceBufferSizes(config.forceBufferSize()).kernelDropCounter(true).open();
                } catch (SystemCallException e) {
                    throw bindFailure(bindTo, e);
                }
                out.add(new SocketIngress(s, pool, i));
                bindTo = s.localAddress();
            }
        } catch (RuntimeException e) {
            for (SocketIngress s : out) {
                s.close();
            }
            throw e;
        }
        return List.copyOf(out);
    }

    private static RuntimeException bindFailure(InetSocketAddress a, SystemCallException e) {
        String why = switch (e.errno()) {
            case EADDRINUSE -> "the port is in use (another receiver, or an IKE daemon on 4500?)";
            case EADDRNOTAVAIL -> "the address is not one of this host's";
            case EACCES -> "a port below 1024 needs privileges";
            default -> null;
        };
        return why == null ? e : new IllegalArgumentException("socket source: cannot bind "
                + a.getAddress().getHostAddress() + ":" + a.getPort() + ": " + why);
    }

    /**
     * Hands out up to {@code budget} datagrams to {@code sink}, each as an outer IP packet (see the
     * class note). Takes them from the ring, and when the ring is empty first makes one
     * {@code recvmmsg}: with {@code wait}, blocking until at least one datagram is queued or the
     * socket is shut down. Receiving context only.
     *
     * @return datagrams taken (offered), 0 when none was queued, the wait was interrupted or the
     *         socket is shut down and empty
     */
    public int receive(StageContext ctx, PacketSink sink, int budget, boolean wait) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1, got " + budget);
        }
        if (next == count) {
            int n = wait ? socket.receive() : socket.receiveAvailable();
            next = 0;
            count = n;
            noteKernelDrops(ctx);
            if (n == 0) {
                return 0;
            }
            stamp = ctx.now();
            calls = calls + 1;
            datagrams = datagrams + n;
        }
        int end = Math.min(count, next + budget);
        int taken = end - next;
        while (next < end) {
            handOut(ctx, sink, next++);
        }
        return taken;
    }

    private void handOut(StageContext ctx, PacketSink sink, int i) {
        ctx.count(Counter.OFFERED);
        PacketBuffer p = pool.acquire();
        if (p == null) {
            ctx.counters().drop(DropReason.POOL_EXHAUSTED);
            return;
        }
        if (socket.truncated(i) || socket.copyTo(i, p) < 0) {
            ctx.drop(p, DropReason.TOO_LONG);
            return;
        }
        socket.copySourceAddress(i, sourceAddress, 0);
        frame(ctx, sink, p, socket.sourcePort(i));
    }

    /**
     * For a receiver that reads this socket's descriptor ({@link #fd()}) with its own event loop (a
     * peer implementation measured beside the models): hands one datagram it received, already copied
     * into {@code p} (a buffer of {@link #pool()}, offset and length on the UDP payload), to {@code sink}
     * exactly as {@link #receive} would: synthetic outer header, arrival {@code stamp}, ring number.
     * The caller has counted it {@code OFFERED}. Counts it in {@link #datagrams()}, so that a run's
     * drain check sees it arrive. Receiving context only.
     *
     * @param source the sender's address, 4 bytes (IPv4 socket) or 16 (IPv6)
     */
    public void handOutReceived(StageContext ctx, PacketSink sink, PacketBuffer p, byte[] source, int sourcePort,
                                long stamp) {
        System.arraycopy(source, 0, sourceAddress, 0, Math.min(source.length, sourceAddress.length));
        this.stamp = stamp;
        datagrams = datagrams + 1;
        frame(ctx, sink, p, sourcePort);
    }

    /** Counts one read of the descriptor made by a foreign receiver (see {@link #handOutReceived}). */
    public void countReceiveCall() {
        calls = calls + 1;
    }

    /** @return the pool datagrams are copied into */
    public PacketPool pool() {
        return pool;
    }

    /** @return the socket's file descriptor, for a receiver with an event loop of its own */
    public int fd() {
        return socket.fd();
    }

    /** Writes the synthetic outer header in front of the payload in {@code p}, stamps it and hands it to {@code sink}. */
    private void frame(StageContext ctx, PacketSink sink, PacketBuffer p, int sourcePort) {
        int payload = p.length();
        byte[] d = p.data();
        int udp = p.prepend(UdpDescriptor.HEADER_LENGTH);
        UdpDescriptor.write(d, udp, sourcePort, UdpDescriptor.PORT_NATT, UdpDescriptor.HEADER_LENGTH + payload, 0);
        int ip;
        int hash;
        if (ipv6) {
            long srcHi = Bytes.i64(sourceAddress, 0);
            long srcLo = Bytes.i64(sourceAddress, 8);
            ip = p.prepend(Ipv6Descriptor.HEADER_LENGTH);
            Ipv6Descriptor.write(d, ip, 0, 0, UdpDescriptor.HEADER_LENGTH + payload, IpProtocol.UDP,
                    Ipv6Descriptor.DEFAULT_HOP_LIMIT, srcHi, srcLo, localHi, localLo);
            UdpDescriptor.fillChecksumIpv6(d, udp, srcHi, srcLo, localHi, localLo);
            hash = (int) (srcLo ^ (srcLo >>> 32));
        } else {
            int src = Bytes.i32(sourceAddress, 0);
            ip = p.prepend(Ipv4Descriptor.MIN_HEADER_LENGTH);
            Ipv4Descriptor.write(d, ip, 0, p.length(), 0, Ipv4Descriptor.FLAG_DF, Ipv4Descriptor.DEFAULT_TTL,
                    IpProtocol.UDP, src, localV4);
            hash = src;
        }
        p.networkOffset(ip);
        p.linkType(linkType);
        p.arrivalNanos(stamp);
        p.queue(queue);
        // not the NIC's Toeplitz hash: the kernel already chose the ring; this only tells senders apart
        p.flowHash((hash ^ sourcePort) * 0x9E37_79B9);
        sink.accept(ctx, p);
    }

    /** Turns kernel drops newly reported by SO_RXQ_OVFL into OFFERED + KERNEL_DROP. */
    private void noteKernelDrops(StageContext ctx) {
        countKernelDrops(ctx, socket.kernelDrops());
    }

    private void countKernelDrops(StageContext ctx, long reported) {
        if (reported > dropsCounted) {
            long d = reported - dropsCounted;
            dropsCounted = reported;
            ctx.count(Counter.OFFERED, d);
            ctx.counters().drop(DropReason.KERNEL_DROP, d);
            kernelDrops = reported;
        }
    }

    /**
     * Reads the socket's drops from {@code /proc/net/udp} (which also sees drops after the last
     * datagram received, which SO_RXQ_OVFL cannot report) and counts any not yet counted as OFFERED
     * + KERNEL_DROP in {@code ctx}. End of run, after the receiving context stopped (or by it);
     * allocates (reads a file).
     *
     * @return the socket's kernel drops, all counted now
     */
    public long settleKernelDrops(StageContext ctx) {
        long proc = socket.procDrops();
        countKernelDrops(ctx, Math.max(proc, socket.kernelDrops()));
        return dropsCounted;
    }

    /**
     * Counts every datagram still in the ring or queued in the kernel as OFFERED and dropped with
     * {@code reason} (normally {@code SHUTDOWN}), without waiting. After the receiving context stopped.
     *
     * @return datagrams discarded
     */
    public int discard(StageContext ctx, DropReason reason) {
        int n = count - next;
        next = count;
        for (;;) {
            int k = socket.receiveAvailable();
            noteKernelDrops(ctx);
            if (k == 0) {
                break;
            }
            n += k;
        }
        next = 0;
        count = 0;
        ctx.count(Counter.OFFERED, n);
        ctx.counters().drop(reason, n);
        return n;
    }

    /** Wakes a receive blocked in the kernel and makes later receives return 0 once the socket is empty. Any thread. */
    public void shutdown() {
        socket.shutdownInput();
    }

    /** @return true once {@link #shutdown()} was called */
    public boolean isShutdown() {
        return socket.inputShut();
    }

    /** @return kernel drops counted so far as KERNEL_DROP (see {@link #settleKernelDrops}); any thread */
    public long kernelDrops() {
        return kernelDrops;
    }

    /** @return {@code recvmmsg} calls that returned datagrams; any thread */
    public long calls() {
        return calls;
    }

    /** @return datagrams those calls returned; any thread (with {@link #calls()}: the mean batch) */
    public long datagrams() {
        return datagrams;
    }

    /** @return this socket's receive ring number, stamped into each packet's {@code queue} */
    public int queue() {
        return queue;
    }

    /** @return the bound address (with the port the kernel chose for port 0) */
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    /** @return the receive buffer the kernel gave (after doubling and capping; report it with the run) */
    public int receiveBufferBytes() {
        return socket.receiveBufferBytes();
    }

    /** @return datagrams per {@code recvmmsg} */
    public int batch() {
        return socket.receiveBatch();
    }

    /** Closes the socket. After the receiving context stopped. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "SocketIngress{queue=" + queue + ", " + socket + '}';
    }
}
