package dev.dispatchlab.device;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * How the socket source listens: the address its UDP sockets bind, how many sockets share it
 * (SO_REUSEPORT, one per receive ring), the datagrams one {@code recvmmsg} takes, and the kernel
 * receive buffer asked for. The same settings serve {@link SocketIngress} and
 * {@link SocketReceiveBaseline}, so a model and its baseline listen alike.
 *
 * @param local              the address and port to bind; a specific address, never a wildcard
 *                           (the synthetic outer header needs the destination address, see
 *                           {@link SocketIngress}); port 0 lets the kernel choose
 * @param sockets            sockets bound to the address with SO_REUSEPORT (1 to 64); the kernel
 *                           spreads senders (by address and port) over them
 * @param batch              datagrams per {@code recvmmsg}, 1 to 1024 (1: one datagram a call)
 * @param receiveBufferBytes SO_RCVBUF asked for per socket (the kernel doubles it and caps the
 *                           request at {@code net.core.rmem_max}; see {@code forceBufferSize})
 * @param forceBufferSize    use SO_RCVBUFFORCE, which passes the cap with CAP_NET_ADMIN (falls
 *                           back to the capped request without it)
 */
public record SocketConfig(InetSocketAddress local, int sockets, int batch, int receiveBufferBytes,
                           boolean forceBufferSize) {

    /** RFC 3948's port: where IKE daemons listen for ESP-in-UDP. */
    public static final int NATT_PORT = 4500;
    public static final int DEFAULT_BATCH = 64;
    /** 4 MiB: about 4000 small datagrams of kernel buffer (a datagram costs its truesize, ~1 KiB). */
    public static final int DEFAULT_RECEIVE_BUFFER = 4 << 20;

    public SocketConfig {
        if (local == null || local.isUnresolved()) {
            throw new IllegalArgumentException("socket source: the address to bind is missing or unresolved: " + local);
        }
        if (local.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("socket source: bind a specific address (e.g. 127.0.0.1:4500), not "
                    + local.getAddress().getHostAddress() + ": the packet's outer destination would be unknown"
                    + " (learning it per datagram needs IP_PKTINFO, not implemented)");
        }
        if (sockets < 1 || sockets > 64) {
            throw new IllegalArgumentException("socket source: sockets must be 1..64, got " + sockets);
        }
        if (batch < 1 || batch > 1024) {
            throw new IllegalArgumentException("socket source: batch must be 1..1024 datagrams, got " + batch);
        }
        if (receiveBufferBytes < 0) {
            throw new IllegalArgumentException("socket source: receive buffer must be >= 0 bytes (0: the kernel's"
                    + " default), got " + receiveBufferBytes);
        }
    }

    /** 127.0.0.1:4500, one socket, batches of 64, a 4 MiB receive buffer asked for (not forced). */
    public static SocketConfig defaults() {
        return new SocketConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), NATT_PORT), 1, DEFAULT_BATCH,
                DEFAULT_RECEIVE_BUFFER, false);
    }

    public SocketConfig withLocal(InetSocketAddress a) {
        return new SocketConfig(a, sockets, batch, receiveBufferBytes, forceBufferSize);
    }

    public SocketConfig withSockets(int n) {
        return new SocketConfig(local, n, batch, receiveBufferBytes, forceBufferSize);
    }

    public SocketConfig withBatch(int n) {
        return new SocketConfig(local, sockets, n, receiveBufferBytes, forceBufferSize);
    }

    public SocketConfig withReceiveBuffer(int bytes, boolean force) {
        return new SocketConfig(local, sockets, batch, bytes, force);
    }

    /**
     * Parses {@code HOST:PORT}, {@code [V6]:PORT} or {@code PORT} (on 127.0.0.1) as a literal
     * address; never looks a name up except {@code localhost}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InetSocketAddress parseAddress(String s, String what) {
        String t = s.strip();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(what + " must be HOST:PORT or [IPV6]:PORT, got '" + s + "'");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                if (t.isEmpty() || !t.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException(what + " must be HOST:PORT, got '" + s + "' (no port)");
                }
                host = "127.0.0.1";
                port = t;
            } else if (t.indexOf(':') != colon) {
                throw new IllegalArgumentException(what + ": write an IPv6 address in brackets, [" + t + "]:PORT");
            } else {
                host = t.substring(0, colon);
                port = t.substring(colon + 1);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": port '" + port + "' is not a number (HOST:PORT)");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(what + ": port must be 0..65535, got " + p);
        }
        InetAddress a;
        try {
            a = host.equalsIgnoreCase("localhost") ? InetAddress.getLoopbackAddress() : InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + host + "' is not an IPv4 or IPv6 address");
        }
        return new InetSocketAddress(a, p);
    }
}
