package dev.dispatchlab.os;

import dev.dispatchlab.packet.PacketBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A UDP socket (IPv4 or IPv6) that receives with one {@code recvmmsg(2)} and sends with one
 * {@code sendmmsg(2)} per batch, into and out of rings of native buffers built once
 * ({@link MessageRing}). Nothing is allocated per call or per datagram.
 *
 * <p>One allocation is the JDK's, not ours: every downcall that captures {@code errno} slices the
 * capture segment ({@code SharedUtils.checkCaptureSegment}), and escape analysis removes that slice
 * only when C2 compiles the call from a full profile. When C1 fell back to its partial-profile tier
 * while C2's queue was long, 8 of 17 JVMs here kept 40 bytes per {@code recvmmsg}/{@code sendmmsg};
 * the launcher's {@code -XX:Tier3DelayOn=100000} keeps C1 on the full-profile tier, and the package's
 * allocation test measures with the same flag.
 *
 * <pre>
 *   kernel socket queue ──recvmmsg──► receive ring (native) ──copyTo(i, p)──► PacketBuffer.data()
 *   PacketBuffer.data() ──fill(i, p)──► send ring (native) ──sendmmsg──► kernel
 * </pre>
 *
 * The copy between a ring and a {@link PacketBuffer}'s array is the caller's single copy: the
 * kernel copies into the ring, the caller copies into the buffer the path owns.
 *
 * <h2>Kernel drops</h2>
 * With {@link Builder#kernelDropCounter(boolean)} the socket sets {@code SO_RXQ_OVFL}; the kernel
 * then attaches its cumulative drop count for the socket (a u32 since the socket was made) to each
 * datagram received after a drop, and {@link #kernelDrops()} follows it. A drop after the last
 * datagram received is not seen this way; {@link UdpSocketTable} reads the same counter from
 * {@code /proc/net/udp}, and {@link #procDrops()} does that for this socket.
 *
 * <h2>Stopping a blocked receive</h2>
 * {@link #shutdownInput()} (any thread) marks the socket shut for reading and wakes a receiver
 * blocked in {@link #receive()}, which returns what is still queued and then 0 on every call.
 * A receive timeout ({@link Builder#receiveTimeout(Duration)}) also makes {@code receive()}
 * return 0 when nothing arrived in time.
 *
 * <h2>Threading</h2>
 * One thread receives (calls {@code receive*}, {@code length}, {@code copyTo}, ... for the
 * receive ring) and one thread sends ({@code fill}, {@code send}); they may be the same thread
 * or two. Each side has its own ring and its own errno capture. {@link #shutdownInput()} and the
 * counters may be read from any thread. {@link #close()} only after both sides have stopped.
 */
public final class BatchUdpSocket implements AutoCloseable {

    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena;
    private final int fd;
    private final int family;
    private final MessageRing rx;
    private final MessageRing tx;
    private final MemorySegment rxState;
    private final MemorySegment txState;
    private final boolean dropCounter;
    private final int receiveBufferBytes;
    private final int sendBufferBytes;
    private final InetSocketAddress local;

    private int received;
    private long lastDropWord;
    private volatile long kernelDrops;
    private volatile boolean inputShut;
    /** Set by close; read by {@link #shutdownInput()} from any thread, so that a closed fd (its number
     *  perhaps reused by another socket by now) is never shut. */
    private volatile boolean closed;

    private BatchUdpSocket(Builder b) {
        Libc.requireSupported();
        family = b.local.getAddress() instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
        arena = Arena.ofShared();
        int opened = -1;
        try {
            MemorySegment state = Libc.callState(arena);
            rxState = Libc.callState(arena);
            txState = Libc.callState(arena);
            opened = (int) H.SOCKET.invokeExact(state, family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, Libc.IPPROTO_UDP);
            if (opened < 0) {
                throw Libc.failure("socket(" + familyName(family) + ", SOCK_DGRAM)", state);
            }
            fd = opened;
            if (b.reusePort) {
                setIntOption(Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            if (family == Libc.AF_INET6 && b.v6Only != null) {
                setIntOption(Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, b.v6Only ? 1 : 0, "IPV6_V6ONLY");
            }
            if (b.receiveBufferBytes > 0) {
                setBuffer(Libc.SO_RCVBUF, Libc.SO_RCVBUFFORCE, b.receiveBufferBytes, b.forceBufferSizes, "SO_RCVBUF");
            }
            if (b.sendBufferBytes > 0) {
                setBuffer(Libc.SO_SNDBUF, Libc.SO_SNDBUFFORCE, b.sendBufferBytes, b.forceBufferSizes, "SO_SNDBUF");
            }
            dropCounter = b.kernelDropCounter;
            if (dropCounter) {
                setIntOption(Libc.SOL_SOCKET, Libc.SO_RXQ_OVFL, 1, "SO_RXQ_OVFL");
            }
            if (b.receiveTimeout != null) {
                MemorySegment tv = arena.allocate(16, 8);
                long micros = Math.max(1, b.receiveTimeout.toNanos() / 1000);
                tv.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
                tv.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
                setOption(Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, 16, "SO_RCVTIMEO");
            }
            MemorySegment addr = arena.allocate(MessageRing.NAME_BYTES, 8);
            int addrLen = writeSockaddr(addr, family, b.local);
            if ((int) H.BIND.invokeExact(state, fd, addr, addrLen) != 0) {
                throw Libc.failure("bind(" + b.local + ")", state);
            }
            local = localAddress(state);
            receiveBufferBytes = getIntOption(Libc.SO_RCVBUF, "SO_RCVBUF");
            sendBufferBytes = getIntOption(Libc.SO_SNDBUF, "SO_SNDBUF");
            rx = b.receiveBatch > 0 ? new MessageRing(arena, b.receiveBatch, b.messageBytes, true, dropCounter) : null;
            tx = b.sendBatch > 0 ? new MessageRing(arena, b.sendBatch, b.messageBytes, false, false) : null;
        } catch (Throwable t) {
            if (opened >= 0) {
                closeQuietly(opened);
            }
            arena.close();
            throw CurrentThread.rethrow(t);
        }
    }

    /** @return a builder for a socket bound to {@code local} (port 0: the kernel picks one) */
    public static Builder bind(InetSocketAddress local) {
        return new Builder(local);
    }

    // ---- receive side ------------------------------------------------------------------------

    /**
     * Waits for at least one datagram, then takes every datagram already queued, up to the batch:
     * one {@code recvmmsg(..., MSG_WAITFORONE)}.
     *
     * @return the number of datagrams now in the receive ring, or 0 when the receive timeout
     *         passed, a signal interrupted the wait, or the input was shut down
     * @throws SystemCallException for any other failure
     */
    public int receive() {
        return receive(Libc.MSG_WAITFORONE);
    }

    /** Like {@link #receive()} but never waits: 0 when nothing is queued ({@code MSG_DONTWAIT}). */
    public int receiveAvailable() {
        return receive(Libc.MSG_DONTWAIT);
    }

    private int receive(int flags) {
        MessageRing r = rxRing();
        r.resetForReceive();
        int n;
        try {
            n = (int) H.RECVMMSG.invokeExact(rxState, fd, r.headers, r.count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw CurrentThread.rethrow(t);
        }
        if (n < 0) {
            int e = Libc.errno(rxState);
            received = 0;
            if (e == Libc.EAGAIN || e == Libc.EINTR) {
                return 0;
            }
            throw new SystemCallException("recvmmsg(fd=" + fd + ", vlen=" + r.count + ")", e);
        }
        // After shutdown(SHUT_RD) each recvmsg inside recvmmsg returns 0 and is counted as a
        // "datagram" without a source address; a real datagram always has one.
        for (int i = 0; i < n; i++) {
            if (r.nameLength(i) == 0) {
                n = i;
                break;
            }
        }
        received = n;
        if (dropCounter) {
            for (int i = 0; i < n; i++) {
                noteDropCount(r, i);
            }
        }
        return n;
    }

    /** Follows the u32 drop counter of SO_RXQ_OVFL (cumulative since the socket was made, wraps). */
    private void noteDropCount(MessageRing r, int i) {
        long used = r.controlLength(i);
        long base = (long) MessageRing.CONTROL_BYTES * i;
        long off = 0;
        while (off + MessageRing.CMSG_HEADER_BYTES <= used) {
            long len = r.controls.get(ValueLayout.JAVA_LONG, base + off);
            if (len < MessageRing.CMSG_HEADER_BYTES || off + len > used) {
                return;
            }
            int level = r.controls.get(ValueLayout.JAVA_INT, base + off + 8);
            int type = r.controls.get(ValueLayout.JAVA_INT, base + off + 12);
            if (level == Libc.SOL_SOCKET && type == Libc.SO_RXQ_OVFL && len >= MessageRing.CMSG_HEADER_BYTES + 4) {
                long word = r.controls.get(ValueLayout.JAVA_INT, base + off + MessageRing.CMSG_HEADER_BYTES) & 0xFFFF_FFFFL;
                long delta = (word - lastDropWord) & 0xFFFF_FFFFL;
                if (delta != 0) {
                    lastDropWord = word;
                    kernelDrops = kernelDrops + delta; // single writer (the receiving thread)
                }
            }
            off += (len + 7) & ~7L;
        }
    }

    /** @return the number of datagrams the last receive put in the ring */
    public int received() {
        return received;
    }

    /** @return the bytes of datagram {@code i} of the last receive (truncated to the message size) */
    public int length(int i) {
        checkReceived(i);
        return rx.messageLength(i);
    }

    /** @return true when datagram {@code i} was longer than the message size and was cut (MSG_TRUNC) */
    public boolean truncated(int i) {
        checkReceived(i);
        return (rx.messageFlags(i) & Libc.MSG_TRUNC) != 0;
    }

    /** @return the source port of datagram {@code i} */
    public int sourcePort(int i) {
        checkReceived(i);
        return rx.names.get(U16_BE, rx.nameOffset(i) + 2) & 0xFFFF;
    }

    /** @return true when datagram {@code i} came from an IPv6 address (including v4-mapped ones) */
    public boolean sourceIsIpv6(int i) {
        checkReceived(i);
        return rx.names.get(ValueLayout.JAVA_SHORT, rx.nameOffset(i)) == Libc.AF_INET6;
    }

    /**
     * Copies the source address of datagram {@code i} (4 or 16 bytes, network order) to {@code dst}.
     *
     * @return the number of bytes written
     */
    public int copySourceAddress(int i, byte[] dst, int off) {
        checkReceived(i);
        boolean v6 = rx.names.get(ValueLayout.JAVA_SHORT, rx.nameOffset(i)) == Libc.AF_INET6;
        int len = v6 ? 16 : 4;
        rx.namesView.get((int) rx.nameOffset(i) + (v6 ? 8 : 4), dst, off, len);
        return len;
    }

    /** @return the source of datagram {@code i}; allocates (tools and tests, not the receive loop) */
    public InetSocketAddress source(int i) {
        byte[] a = new byte[16];
        int len = copySourceAddress(i, a, 0);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOf(a, len)), sourcePort(i));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("impossible address length " + len, e);
        }
    }

    /**
     * Appends datagram {@code i} at the end of {@code p}'s packet (its single copy).
     *
     * @return the bytes copied, or -1 when they do not fit {@code p}'s tailroom (nothing copied;
     *         the caller drops the datagram as {@code TOO_LONG})
     */
    public int copyTo(int i, PacketBuffer p) {
        int len = length(i);
        if (len > p.tailroom()) {
            return -1;
        }
        int at = p.append(len);
        rx.dataView.get((int) rx.dataOffset(i), p.data(), at, len);
        return len;
    }

    /** Copies datagram {@code i} to {@code dst[off...]}; returns its length. Throws if it does not fit. */
    public int copyTo(int i, byte[] dst, int off) {
        int len = length(i);
        rx.dataView.get((int) rx.dataOffset(i), dst, off, len);
        return len;
    }

    /**
     * @return the kernel's drops for this socket as last reported by SO_RXQ_OVFL on a received
     *         datagram (0 when the counter is off or nothing was dropped before the last datagram)
     */
    public long kernelDrops() {
        return kernelDrops;
    }

    /** @return the drops column of this socket's line in /proc/net/udp or udp6 (second source) */
    public long procDrops() {
        return UdpSocketTable.read().dropsOfInode(inode());
    }

    /**
     * Shuts the socket for reading ({@code shutdown(SHUT_RD)}) and so wakes a thread blocked in
     * {@link #receive()}. Any thread; idempotent. Linux answers ENOTCONN for an unconnected UDP
     * socket but marks it shut and wakes its waiters all the same, which is what this is for. After
     * {@link #close()} it does nothing: the socket has no waiters left and its fd may belong to another.
     */
    public void shutdownInput() {
        inputShut = true;
        if (closed) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(a);
            int rc = (int) H.SHUTDOWN.invokeExact(state, fd, Libc.SHUT_RD);
            if (rc != 0 && Libc.errno(state) != Libc.ENOTCONN) {
                throw Libc.failure("shutdown(fd=" + fd + ", SHUT_RD)", state);
            }
        } catch (Throwable t) {
            throw CurrentThread.rethrow(t);
        }
    }

    /** @return true once {@link #shutdownInput()} was called */
    public boolean inputShut() {
        return inputShut;
    }

    // ---- send side ---------------------------------------------------------------------------

    /**
     * Sets the default destination ({@code connect(2)}): {@link #send} goes there, and the kernel
     * accepts datagrams only from there. An IPv4 address on an IPv6 socket is sent v4-mapped.
     */
    public void connect(InetSocketAddress remote) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(a);
            MemorySegment addr = a.allocate(MessageRing.NAME_BYTES, 8);
            int len = writeSockaddr(addr, family, remote);
            if ((int) H.CONNECT.invokeExact(state, fd, addr, len) != 0) {
                throw Libc.failure("connect(" + remote + ")", state);
            }
        } catch (Throwable t) {
            throw CurrentThread.rethrow(t);
        }
    }

    /** Copies {@code p}'s packet into send message {@code i} (the caller's single copy). */
    public void fill(int i, PacketBuffer p) {
        fill(i, p.data(), p.offset(), p.length());
    }

    /** Copies {@code src[off, off+len)} into send message {@code i}. */
    public void fill(int i, byte[] src, int off, int len) {
        MessageRing t = txRing();
        if (i < 0 || i >= t.count) {
            throw new IndexOutOfBoundsException("send message " + i + " outside the send ring of " + t.count);
        }
        if (len < 0 || len > t.messageBytes) {
            throw new IllegalArgumentException("datagram of " + len + " bytes does not fit a message of " + t.messageBytes);
        }
        t.dataView.put((int) t.dataOffset(i), src, off, len);
        t.setPayloadLength(i, len);
    }

    /**
     * Sends messages {@code [0, count)} with one {@code sendmmsg(2)} to the connected destination.
     * Messages keep their contents: a generator fills once and sends many times.
     *
     * @return the number the kernel took, which may be fewer than {@code count}; resume with
     *         {@link #send(int, int)}
     */
    public int send(int count) {
        return send(0, count);
    }

    /** Sends messages {@code [from, from+count)}; see {@link #send(int)}. */
    public int send(int from, int count) {
        MessageRing t = txRing();
        if (from < 0 || count < 0 || from + count > t.count) {
            throw new IndexOutOfBoundsException("send [" + from + ", " + (from + count) + ") outside the ring of " + t.count);
        }
        if (count == 0) {
            return 0;
        }
        int n;
        try {
            n = (int) H.SENDMMSG.invokeExact(txState, fd, t.headerFrom[from], count, 0);
        } catch (Throwable e) {
            throw CurrentThread.rethrow(e);
        }
        if (n < 0) {
            int e = Libc.errno(txState);
            if (e == Libc.EAGAIN || e == Libc.EINTR) {
                return 0;
            }
            throw new SystemCallException("sendmmsg(fd=" + fd + ", vlen=" + count + ")", e);
        }
        return n;
    }

    // ---- facts ---------------------------------------------------------------------------------

    /** @return the receive buffer the kernel gave (getsockopt after setsockopt: Linux doubles the request) */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /** @return the send buffer the kernel gave */
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** @return the bound address, with the port the kernel chose for port 0 */
    public InetSocketAddress localAddress() {
        return local;
    }

    public int localPort() {
        return local.getPort();
    }

    /** @return the receive ring's size (0 when the socket only sends) */
    public int receiveBatch() {
        return rx == null ? 0 : rx.count;
    }

    /** @return the send ring's size (0 when the socket only receives) */
    public int sendBatch() {
        return tx == null ? 0 : tx.count;
    }

    /** @return the largest datagram a message holds */
    public int messageBytes() {
        return rx != null ? rx.messageBytes : tx != null ? tx.messageBytes : 0;
    }

    /** @return the file descriptor (for messages and /proc look-ups) */
    public int fd() {
        return fd;
    }

    /** @return the socket's inode, as /proc/net/udp lists it (read from /proc/self/fd) */
    public long inode() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (!link.startsWith("socket:[") || !link.endsWith("]")) {
                throw new IllegalStateException("fd " + fd + " is not a socket: " + link);
            }
            return Long.parseLong(link, 8, link.length() - 1, 10);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/fd/" + fd, e);
        }
    }

    /** Closes the socket and frees the rings. Only after the receiving and sending threads stopped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(a);
            int rc = (int) H.CLOSE.invokeExact(state, fd);
            if (rc != 0) {
                throw Libc.failure("close(fd=" + fd + ")", state);
            }
        } catch (Throwable t) {
            throw CurrentThread.rethrow(t);
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "BatchUdpSocket{fd=" + fd + ", local=" + local + ", rxBatch=" + receiveBatch() + ", txBatch=" + sendBatch()
                + ", rcvbuf=" + receiveBufferBytes + ", sndbuf=" + sendBufferBytes + '}';
    }

    // ---- helpers -------------------------------------------------------------------------------

    private MessageRing rxRing() {
        if (rx == null) {
            throw new IllegalStateException("socket has no receive ring: open it with receiveBatch(n > 0)");
        }
        return rx;
    }

    private MessageRing txRing() {
        if (tx == null) {
            throw new IllegalStateException("socket has no send ring: open it with sendBatch(n > 0)");
        }
        return tx;
    }

    private void checkReceived(int i) {
        if (i < 0 || i >= received) {
            throw new IndexOutOfBoundsException("datagram " + i + " not in the last receive of " + received);
        }
    }

    private void setIntOption(int level, int name, int value, String label) throws Throwable {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        setOption(level, name, v, 4, label);
    }

    private void setOption(int level, int name, MemorySegment value, int len, String label) throws Throwable {
        MemorySegment state = Libc.callState(arena);
        if ((int) H.SETSOCKOPT.invokeExact(state, fd, level, name, value, len) != 0) {
            throw Libc.failure("setsockopt(fd=" + fd + ", " + label + ")", state);
        }
    }

    /** Asks for {@code bytes}; with force, tries the privileged option first to pass net.core.*mem_max. */
    private void setBuffer(int option, int forceOption, int bytes, boolean force, String label) throws Throwable {
        if (force) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, bytes);
            MemorySegment state = Libc.callState(arena);
            if ((int) H.SETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, forceOption, v, 4) == 0) {
                return;
            }
            // EPERM without CAP_NET_ADMIN: fall back to the capped option below.
        }
        setIntOption(Libc.SOL_SOCKET, option, bytes, label);
    }

    private int getIntOption(int name, String label) throws Throwable {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
        len.set(ValueLayout.JAVA_INT, 0, 4);
        MemorySegment state = Libc.callState(arena);
        if ((int) H.GETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, name, v, len) != 0) {
            throw Libc.failure("getsockopt(fd=" + fd + ", " + label + ")", state);
        }
        return v.get(ValueLayout.JAVA_INT, 0);
    }

    private InetSocketAddress localAddress(MemorySegment state) throws Throwable {
        MemorySegment addr = arena.allocate(MessageRing.NAME_BYTES, 8);
        MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
        len.set(ValueLayout.JAVA_INT, 0, MessageRing.SOCKADDR_IN6_BYTES);
        if ((int) H.GETSOCKNAME.invokeExact(state, fd, addr, len) != 0) {
            throw Libc.failure("getsockname(fd=" + fd + ")", state);
        }
        boolean v6 = addr.get(ValueLayout.JAVA_SHORT, 0) == Libc.AF_INET6;
        byte[] a = new byte[v6 ? 16 : 4];
        MemorySegment.copy(addr, ValueLayout.JAVA_BYTE, v6 ? 8 : 4, a, 0, a.length);
        return new InetSocketAddress(InetAddress.getByAddress(a), addr.get(U16_BE, 2) & 0xFFFF);
    }

    /** Writes a sockaddr_in or sockaddr_in6 for {@code a} and returns its length. */
    static int writeSockaddr(MemorySegment s, int family, InetSocketAddress a) {
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + a);
        }
        s.fill((byte) 0);
        InetAddress ip = a.getAddress();
        if (family == Libc.AF_INET) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv6 address " + a + " on an IPv4 socket");
            }
            s.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
            s.set(U16_BE, 2, (short) a.getPort());
            MemorySegment.copy(ip.getAddress(), 0, s, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        s.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
        s.set(U16_BE, 2, (short) a.getPort());
        if (ip instanceof Inet4Address) {
            s.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xFF);
            s.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xFF);
            MemorySegment.copy(ip.getAddress(), 0, s, ValueLayout.JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(ip.getAddress(), 0, s, ValueLayout.JAVA_BYTE, 8, 16);
            s.set(ValueLayout.JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
        }
        return MessageRing.SOCKADDR_IN6_BYTES;
    }

    private static String familyName(int family) {
        return family == Libc.AF_INET6 ? "AF_INET6" : "AF_INET";
    }

    private static void closeQuietly(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) H.CLOSE.invokeExact(Libc.callState(a), fd);
        } catch (Throwable ignored) {
            // the construction failure being reported matters more
        }
    }

    /**
     * Options for {@link BatchUdpSocket}; {@link #open()} makes the socket. Defaults: receive batch
     * 64, no send ring, 2048-byte messages, kernel drop counter on, kernel default buffer sizes, no
     * receive timeout, no SO_REUSEPORT.
     */
    public static final class Builder {
        private final InetSocketAddress local;
        private boolean reusePort;
        private int receiveBufferBytes;
        private int sendBufferBytes;
        private boolean forceBufferSizes;
        private boolean kernelDropCounter = true;
        private Duration receiveTimeout;
        private int receiveBatch = 64;
        private int sendBatch;
        private int messageBytes = 2048;
        private Boolean v6Only;

        private Builder(InetSocketAddress local) {
            this.local = Objects.requireNonNull(local, "local");
        }

        /** SO_REUSEPORT: several sockets on one port, the kernel spreading flows over them. */
        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        /** SO_RCVBUF request; the kernel doubles it and caps it at net.core.rmem_max (see force). */
        public Builder receiveBufferBytes(int bytes) {
            this.receiveBufferBytes = bytes;
            return this;
        }

        /** SO_SNDBUF request; doubled and capped at net.core.wmem_max like the receive buffer. */
        public Builder sendBufferBytes(int bytes) {
            this.sendBufferBytes = bytes;
            return this;
        }

        /** Uses SO_RCVBUFFORCE / SO_SNDBUFFORCE (needs CAP_NET_ADMIN; falls back when refused). */
        public Builder forceBufferSizes(boolean on) {
            this.forceBufferSizes = on;
            return this;
        }

        /** SO_RXQ_OVFL: the kernel reports its drop count with received datagrams. */
        public Builder kernelDropCounter(boolean on) {
            this.kernelDropCounter = on;
            return this;
        }

        /** SO_RCVTIMEO: a blocking receive returns 0 after this long without a datagram. */
        public Builder receiveTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("receive timeout must be positive: " + timeout);
            }
            this.receiveTimeout = timeout;
            return this;
        }

        /** Datagrams per recvmmsg (0: no receive ring). */
        public Builder receiveBatch(int n) {
            this.receiveBatch = n;
            return this;
        }

        /** Datagrams per sendmmsg (0: no send ring). */
        public Builder sendBatch(int n) {
            this.sendBatch = n;
            return this;
        }

        /** Bytes per message buffer: the largest datagram received whole, or sent. */
        public Builder messageBytes(int n) {
            this.messageBytes = n;
            return this;
        }

        /** IPV6_V6ONLY for a socket bound to an IPv6 address (default: the system's). */
        public Builder v6Only(boolean on) {
            this.v6Only = on;
            return this;
        }

        public BatchUdpSocket open() {
            return new BatchUdpSocket(this);
        }
    }

    private static final class H {
        static final MethodHandle SOCKET = Libc.withErrno("socket",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_INT));
        static final MethodHandle BIND = Libc.withErrno("bind",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_POINTER, Libc.C_INT));
        static final MethodHandle CONNECT = Libc.withErrno("connect",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_POINTER, Libc.C_INT));
        static final MethodHandle SETSOCKOPT = Libc.withErrno("setsockopt",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_POINTER, Libc.C_INT));
        static final MethodHandle GETSOCKOPT = Libc.withErrno("getsockopt",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_POINTER, Libc.C_POINTER));
        static final MethodHandle GETSOCKNAME = Libc.withErrno("getsockname",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_POINTER, Libc.C_POINTER));
        static final MethodHandle RECVMMSG = Libc.withErrno("recvmmsg",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_POINTER, Libc.C_INT, Libc.C_INT, Libc.C_POINTER));
        static final MethodHandle SENDMMSG = Libc.withErrno("sendmmsg",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_POINTER, Libc.C_INT, Libc.C_INT));
        static final MethodHandle SHUTDOWN = Libc.withErrno("shutdown",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT));
        static final MethodHandle CLOSE = Libc.withErrno("close",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT));
    }
}
