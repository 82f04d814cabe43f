package dev.dispatchlab.capture;

import dev.dispatchlab.packet.Bytes;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes libpcap files (layout drawn in {@link PcapReader}), little-endian, microsecond or
 * nanosecond timestamps, one link type. A packet longer than the snapshot length is cut to it, with
 * its full length kept as the original length, as libpcap does.
 *
 * <p>Allocates nothing per record: the 16-byte record header is one reused array.
 * Threading: one thread.
 */
public final class PcapWriter implements Closeable {

    /** The fraction of a second the records count. */
    public enum Resolution {
        MICROSECONDS,
        NANOSECONDS
    }

    private final OutputStream out;
    private final Resolution resolution;
    private final int snapLength;
    private final byte[] header = new byte[PcapReader.RECORD_HEADER];
    private long records;

    /**
     * @param linkType   pcap LINKTYPE_* number (1 Ethernet, 101 raw IP, ...)
     * @param snapLength the longest record kept (e.g. 262144)
     */
    public PcapWriter(OutputStream out, int linkType, int snapLength, Resolution resolution) throws IOException {
        if (snapLength <= 0) {
            throw new IllegalArgumentException("snapshot length must be positive: " + snapLength);
        }
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 64 * 1024);
        this.resolution = resolution;
        this.snapLength = snapLength;
        byte[] h = new byte[PcapReader.FILE_HEADER];
        putLe32(h, 0, resolution == Resolution.NANOSECONDS ? PcapReader.MAGIC_NANOS : PcapReader.MAGIC_MICROS);
        putLe16(h, 4, 2);
        putLe16(h, 6, 4);
        putLe32(h, 16, snapLength);
        putLe32(h, 20, linkType & 0xFFFF);
        this.out.write(h);
    }

    /** Creates (or replaces) {@code file}. */
    public static PcapWriter create(Path file, int linkType, Resolution resolution) throws IOException {
        return new PcapWriter(Files.newOutputStream(file), linkType, (int) PcapReader.MAX_SNAPLEN, resolution);
    }

    /** Writes {@code b[off, off+len)} as a packet of original length {@code len}. */
    public void write(byte[] b, int off, int len, long timestampNanos) throws IOException {
        write(b, off, len, len, timestampNanos);
    }

    /**
     * @param originalLength the packet's length on the wire (at least {@code len})
     * @param timestampNanos nanoseconds since 1970; must fit pcap's unsigned 32-bit seconds
     */
    public void write(byte[] b, int off, int len, int originalLength, long timestampNanos) throws IOException {
        if (timestampNanos < 0 || timestampNanos / 1_000_000_000L > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamp " + timestampNanos + " ns is outside pcap's 1970-2106 range");
        }
        if (originalLength < len) {
            throw new IllegalArgumentException("original length " + originalLength + " below captured length " + len);
        }
        int captured = Math.min(len, snapLength);
        long seconds = timestampNanos / 1_000_000_000L;
        long fraction = timestampNanos % 1_000_000_000L;
        putLe32(header, 0, seconds);
        putLe32(header, 4, resolution == Resolution.NANOSECONDS ? fraction : fraction / 1_000L);
        putLe32(header, 8, captured);
        putLe32(header, 12, originalLength);
        out.write(header);
        out.write(b, off, captured);
        records++;
    }

    /** @return the records written */
    public long records() {
        return records;
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static void putLe32(byte[] b, int at, long v) {
        Bytes.put32(b, at, Integer.reverseBytes((int) v));
    }

    private static void putLe16(byte[] b, int at, int v) {
        Bytes.put16(b, at, Short.reverseBytes((short) v));
    }
}
