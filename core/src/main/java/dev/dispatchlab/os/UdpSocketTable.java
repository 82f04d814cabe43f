package dev.dispatchlab.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's table of UDP sockets in this network namespace, read from {@code /proc/net/udp}
 * and {@code /proc/net/udp6}: the second source for kernel drops, beside SO_RXQ_OVFL.
 *
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 *   12: 0100007F:1194 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 40961 2 ffff... 17
 *       └addr┘ └port┘                    └tx┘     └rx┘                                    └inode┘          └drops┘
 *   field:  1                        3   4                                        7        9              12
 * </pre>
 *
 * Addresses are hex of the kernel's in-memory words (IPv6: four 32-bit words); ports and queue
 * sizes are hex; inode, uid and drops are decimal. Only the port, queues, inode and drops are used.
 *
 * <p>A snapshot of the table; reading allocates (once per measured interval, never per packet).
 * Threading: immutable after {@link #read()}.
 */
public final class UdpSocketTable {

    /** One socket's line. {@code rxQueueBytes} is what waits in the receive buffer now. */
    public record Entry(boolean ipv6, int localPort, long inode, long txQueueBytes, long rxQueueBytes, long drops) {
    }

    private final List<Entry> entries;

    private UdpSocketTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads both tables; a missing udp6 table (IPv6 disabled) counts as empty. */
    public static UdpSocketTable read() {
        Libc.requireSupported();
        List<Entry> out = new ArrayList<>();
        parseInto(Path.of("/proc/net/udp"), false, out);
        parseInto(Path.of("/proc/net/udp6"), true, out);
        return new UdpSocketTable(out);
    }

    /** Parses one table's text (exposed for tests with recorded tables). */
    static List<Entry> parse(String text, boolean ipv6, String source) {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 13) {
                throw new IllegalStateException(source + " line " + (n + 1) + ": expected at least 13 fields, found "
                        + f.length + ": '" + line + "'");
            }
            try {
                int colon = f[1].lastIndexOf(':');
                int port = Integer.parseInt(f[1].substring(colon + 1), 16);
                int q = f[4].indexOf(':');
                long tx = Long.parseLong(f[4].substring(0, q), 16);
                long rx = Long.parseLong(f[4].substring(q + 1), 16);
                long inode = Long.parseLong(f[9]);
                long drops = Long.parseLong(f[12]);
                out.add(new Entry(ipv6, port, inode, tx, rx, drops));
            } catch (RuntimeException e) {
                throw new IllegalStateException(source + " line " + (n + 1) + ": cannot parse '" + line + "'", e);
            }
        }
        return out;
    }

    private static void parseInto(Path table, boolean ipv6, List<Entry> out) {
        try {
            out.addAll(parse(Files.readString(table), ipv6, table.toString()));
        } catch (NoSuchFileException e) {
            // no IPv6 in this kernel or namespace
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + table, e);
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** @return the drops of the socket with this inode, or -1 when no such socket is listed */
    public long dropsOfInode(long inode) {
        for (Entry e : entries) {
            if (e.inode() == inode) {
                return e.drops();
            }
        }
        return -1;
    }

    /** @return the drops of every socket bound to {@code port} (SO_REUSEPORT groups: the sum), IPv4 and IPv6 */
    public long dropsOfPort(int port) {
        long sum = 0;
        for (Entry e : entries) {
            if (e.localPort() == port) {
                sum += e.drops();
            }
        }
        return sum;
    }
}
