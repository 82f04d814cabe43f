package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;

import java.io.IOException;

/**
 * libpcap files: a 24-byte file header, then records of a 16-byte header and the packet bytes.
 * Every field is in the byte order of the machine that wrote the file, which the magic number
 * shows; the magic also says whether the fraction of a second counts micro- or nanoseconds.
 *
 * <pre>
 *  File header                                     Record header
 *  0      4      6      8          12         16   0          4             8          12         16
 *  +------+------+------+----------+----------+    +----------+-------------+----------+----------+-- - -
 *  |magic |major |minor | thiszone | sigfigs  |    | ts_sec   | ts_usec or  | incl_len | orig_len | data
 *  |      | =2   | =4   | (0)      | (0)      |    | u32      | ts_nsec u32 | u32      | u32      | incl_len
 *  +------+------+------+----------+----------+    +----------+-------------+----------+----------+-- - -
 *  16 snaplen u32 | 20 linktype u32: bits 0-15 LINKTYPE_*, bits 26-31 FCS information
 *
 *  magic a1b2c3d4: microseconds; a1b23c4d: nanoseconds; read as d4c3b2a1 / 4d3cb2a1: other byte order
 * </pre>
 *
 * Checks: the magic, the major version (2), each record header complete, {@code incl_len} at most
 * the larger of the snapshot length and 262144 (libpcap's own bound), the packet bytes present.
 */
final class PcapReader extends RecordReader {

    static final long MAGIC_MICROS = 0xA1B2C3D4L;
    static final long MAGIC_NANOS = 0xA1B23C4DL;
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;
    /** libpcap's MAXIMUM_SNAPLEN. */
    static final long MAX_SNAPLEN = 262_144;
    /** Largest record accepted even when the header announces a larger snapshot length. */
    static final long MAX_CAPTURE = 1 << 24;

    private final boolean bigEndian;
    private final boolean nanos;
    private final long captureLimit;

    PcapReader(CaptureInput in, boolean bigEndian) throws IOException {
        super(in, magicIsNanos(in, bigEndian) ? CaptureFormat.PCAP_NANOS : CaptureFormat.PCAP);
        this.bigEndian = bigEndian;
        this.nanos = format() == CaptureFormat.PCAP_NANOS;
        if (!in.require(FILE_HEADER)) {
            throw headerError(0, "truncated file header: " + in.available() + " of " + FILE_HEADER + " bytes");
        }
        int major = in.u16(4, bigEndian);
        int minor = in.u16(6, bigEndian);
        if (major != 2) {
            throw headerError(0, "unsupported pcap version " + major + "." + minor + " (expected 2.x)");
        }
        long snap = in.u32(16, bigEndian);
        snapLength = (int) Math.min(snap, Integer.MAX_VALUE);
        linkType = (int) (in.u32(20, bigEndian) & 0xFFFF);
        captureLimit = Math.max(Math.min(snap, MAX_CAPTURE), MAX_SNAPLEN);
        in.advance(FILE_HEADER);
    }

    private static boolean magicIsNanos(CaptureInput in, boolean bigEndian) {
        return in.u32(0, bigEndian) == MAGIC_NANOS;
    }

    @Override
    public int read(PacketBuffer p) throws IOException {
        long offset = in.position();
        long number = recordNumber + 1;
        if (!in.require(RECORD_HEADER)) {
            if (in.available() == 0) {
                return END;
            }
            throw error("record", number, offset, "truncated record header: " + in.available() + " of " + RECORD_HEADER + " bytes");
        }
        long seconds = in.u32(0, bigEndian);
        long fraction = in.u32(4, bigEndian);
        int captured = length(in.u32(8, bigEndian), captureLimit, "captured length", "record", number, offset);
        long original = in.u32(12, bigEndian);
        in.advance(RECORD_HEADER);
        recordNumber = number;
        recordOffset = offset;
        timestampNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        capturedLength = captured;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        return deliver(p, captured, "record", number, offset);
    }
}
