package dev.dispatchlab.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the gateway sends each decrypted datagram's payload: inner UDP destination port to a local
 * UDP address, written {@code 5001=127.0.0.1:5001} (or {@code 5001=5001} for loopback).
 */
public final class PortMap {

    private final Map<Integer, InetSocketAddress> byPort;

    private PortMap(Map<Integer, InetSocketAddress> byPort) {
        this.byPort = Collections.unmodifiableMap(byPort);
    }

    /**
     * @param entries e.g. {@code ["5001=127.0.0.1:5001", "5002=5003"]}
     * @throws IllegalArgumentException naming the bad entry
     */
    public static PortMap parse(List<String> entries) {
        Map<Integer, InetSocketAddress> m = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--map " + e + ": expected PORT=HOST:PORT or PORT=PORT");
            }
            int inner = port(e, e.substring(0, eq).strip());
            String to = e.substring(eq + 1).strip();
            int colon = to.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : to.substring(0, colon).replace("[", "").replace("]", "");
            int port = port(e, colon < 0 ? to : to.substring(colon + 1));
            InetAddress a;
            try {
                a = InetAddress.getByName(host);
            } catch (UnknownHostException ex) {
                throw new IllegalArgumentException("--map " + e + ": unknown host '" + host + "'");
            }
            if (m.put(inner, new InetSocketAddress(a, port)) != null) {
                throw new IllegalArgumentException("--map " + e + ": inner port " + inner + " is mapped twice");
            }
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("--map: give at least one PORT=HOST:PORT");
        }
        return new PortMap(m);
    }

    private static int port(String entry, String s) {
        try {
            int p = Integer.parseInt(s.strip());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("--map " + entry + ": '" + s + "' is not a port (1..65535)");
        }
    }

    public Map<Integer, InetSocketAddress> entries() {
        return byPort;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        byPort.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(" -> ")
                .append(v.getAddress().getHostAddress()).append(':').append(v.getPort()));
        return sb.toString();
    }
}
