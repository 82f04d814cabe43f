package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;

import java.io.IOException;

/**
 * RFC 1761 snoop files (Solaris): a 16-byte header, then records padded to a 4-byte multiple.
 * Big-endian throughout.
 *
 * <pre>
 *  File header                                  Record
 *  0                 8          12         16   0          4          8              12
 *  +-----------------+----------+----------+    +----------+----------+--------------+------------+
 *  | "snoop\0\0\0"   | version  | datalink |    | original | included | record length| cumulative |
 *  |                 | u32 = 2  | u32      |    | length   | length   | (24 + data + | drops      |
 *  +-----------------+----------+----------+    |          |          |  padding)    |            |
 *                                               +----------+----------+--------------+------------+
 *                                              16 seconds u32 | 20 microseconds u32 | 24 data ... padding
 *
 *  datalink (RFC 1761): 0 IEEE 802.3, 2 IEEE 802.5, 4 Ethernet, 8 FDDI; read as pcap LINKTYPE 1, 6, 1, 10
 * </pre>
 *
 * Checks: the identification pattern, version 1 or 2, a known datalink, record length at least
 * 24 + included length, every byte present.
 */
final class SnoopReader extends RecordReader {

    /** "snoop\0\0\0" as a big-endian long. */
    static final long MAGIC = 0x736E6F6F70000000L;
    static final int FILE_HEADER = 16;
    static final int RECORD_HEADER = 24;
    /** A snoop record is at most this long here (records are packets; the format sets no bound). */
    static final long MAX_RECORD = 1 << 20;

    SnoopReader(CaptureInput in) throws IOException {
        super(in, CaptureFormat.SNOOP);
        if (!in.require(FILE_HEADER)) {
            throw headerError(0, "truncated file header: " + in.available() + " of " + FILE_HEADER + " bytes");
        }
        long version = in.u32(8, true);
        if (version != 1 && version != 2) {
            throw headerError(0, "unsupported snoop version " + version + " (expected 2)");
        }
        long datalink = in.u32(12, true);
        linkType = switch ((int) datalink) {
            case 0, 4 -> 1;
            case 2 -> 6;
            case 8 -> 10;
            default -> throw headerError(0, "snoop datalink " + datalink + " has no pcap link type here (known: 0, 2, 4, 8)");
        };
        in.advance(FILE_HEADER);
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
        long original = in.u32(0, true);
        int included = length(in.u32(4, true), MAX_RECORD, "included length", "record", number, offset);
        long recordLength = in.u32(8, true);
        if (recordLength < RECORD_HEADER + (long) included || recordLength > MAX_RECORD + RECORD_HEADER + 4) {
            throw error("record", number, offset, "record length " + recordLength + " cannot hold its 24-byte header and "
                    + included + " bytes of data");
        }
        long seconds = in.u32(16, true);
        long micros = in.u32(20, true);
        in.advance(RECORD_HEADER);
        recordNumber = number;
        recordOffset = offset;
        timestampNanos = seconds * 1_000_000_000L + micros * 1_000L;
        capturedLength = included;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        int n = deliver(p, included, "record", number, offset);
        long pad = recordLength - RECORD_HEADER - included;
        long skipped = in.skip(pad);
        if (skipped < pad) {
            throw error("record", number, offset, "truncated record: " + pad + " bytes of padding, but the file ends after " + skipped);
        }
        return n;
    }
}
