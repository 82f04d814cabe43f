package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;

import java.io.IOException;
import java.util.Arrays;

/**
 * pcapng files (draft-ietf-opsawg-pcapng): one or more sections, each a section header block
 * (SHB) that fixes the byte order, interface description blocks (IDB) that give each interface's
 * link type, snapshot length and timestamp resolution, and packet blocks that refer to an
 * interface by its index in the section.
 *
 * <pre>
 *  Every block                         Section Header Block (type 0a0d0d0a, same in both orders)
 *  0          4          8             0          4          8          12     14     16
 *  +----------+----------+---- - -     +----------+----------+----------+------+------+-----------+
 *  | type u32 | total    | body        | 0a0d0d0a | total    | 1a2b3c4d | major| minor| section   |
 *  |          | length   | ...         |          | length   | (order!) | = 1  |      | length i64|
 *  +----------+----------+---- - -     +----------+----------+----------+------+------+-----------+
 *   - - ----------+                    24 options ... | total length
 *    ... | total length (again): the trailer; total length is a multiple of 4, at least 12
 *
 *  Interface Description (1)           Enhanced Packet (6)                        Simple Packet (3)
 *  8  linktype u16 | reserved u16      8  interface id u32                        8  original length u32
 *  12 snaplen u32                      12 timestamp high u32 | 16 low u32         12 data: min(original,
 *  16 options: if_tsresol (9, 1 byte): 20 captured length | 24 original length       snaplen of IDB 0)
 *     bit 7 = 0: 10^-n s, 1: 2^-n s    28 data, padded to 4 | options                 padded to 4
 *     if_tsoffset (14, i64 seconds)
 *                                      Packet (2, obsolete): as EPB but 8 interface id u16 | 10 drops u16
 *  Option: code u16 | length u16 | value padded to 4; code 0 ends the list.
 * </pre>
 *
 * Other blocks (name resolution, interface statistics, decryption secrets, custom, unknown) are
 * skipped by their length, with the trailer checked. Timestamps are units of the interface's
 * resolution since 1970 (plus {@code if_tsoffset} seconds), converted to nanoseconds without
 * overflow for every resolution from 10^0 to 2^-127.
 */
final class PcapngReader extends RecordReader {

    static final long SHB_TYPE = 0x0A0D0D0AL;
    static final long BYTE_ORDER_MAGIC = 0x1A2B3C4DL;
    static final long IDB_TYPE = 1;
    static final long PB_TYPE = 2;
    static final long SPB_TYPE = 3;
    static final long EPB_TYPE = 6;
    static final int OPT_END = 0;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;
    /** Largest packet accepted (the format sets none; real link types stay far below). */
    static final long MAX_PACKET = 1 << 24;
    /** The resolution when an IDB has no if_tsresol: microseconds. */
    static final int DEFAULT_RESOLUTION = 6;

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private boolean bigEndian;
    private long blockNumber;
    private int interfaces;
    private int[] ifLinkType = new int[4];
    private int[] ifSnapLength = new int[4];
    private int[] ifResolution = new int[4];
    private long[] ifOffsetSeconds = new long[4];

    PcapngReader(CaptureInput in) throws IOException {
        super(in, CaptureFormat.PCAPNG);
        long offset = in.position();
        if (!in.require(8)) {
            throw headerError(offset, "truncated section header block: " + in.available() + " bytes");
        }
        blockNumber = 1;
        readSectionHeader(offset);
    }

    @Override
    public int read(PacketBuffer p) throws IOException {
        while (true) {
            long offset = in.position();
            if (!in.require(8)) {
                if (in.available() == 0) {
                    return END;
                }
                throw error("block", blockNumber + 1, offset, "truncated block header: " + in.available() + " of 8 bytes");
            }
            blockNumber++;
            long type = in.u32(0, bigEndian);
            if (type == SHB_TYPE) {
                readSectionHeader(offset);
                continue;
            }
            long length = blockLength(offset, 12);
            if (type == EPB_TYPE) {
                return readPacket(p, offset, length, false);
            } else if (type == PB_TYPE) {
                return readPacket(p, offset, length, true);
            } else if (type == SPB_TYPE) {
                return readSimplePacket(p, offset, length);
            } else if (type == IDB_TYPE) {
                readInterface(offset, length);
            } else {
                in.advance(8);
                skipTo(offset, length);
            }
        }
    }

    /** Section Header Block at {@code offset} (its first 8 bytes in the window): byte order, version. */
    private void readSectionHeader(long offset) throws IOException {
        if (!in.require(12)) {
            throw error("block", blockNumber, offset, "truncated section header block: " + in.available() + " of 12 bytes");
        }
        if (in.u32(8, false) == BYTE_ORDER_MAGIC) {
            bigEndian = false;
        } else if (in.u32(8, true) == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else {
            throw error("block", blockNumber, offset, String.format(
                    "section header byte-order magic %08x is neither 1a2b3c4d nor 4d3c2b1a", in.u32(8, true)));
        }
        long length = blockLength(offset, 28);
        if (!in.require(16)) {
            throw error("block", blockNumber, offset, "truncated section header block: " + in.available() + " of 16 bytes");
        }
        int major = in.u16(12, bigEndian);
        int minor = in.u16(14, bigEndian);
        if (major != 1) {
            throw error("block", blockNumber, offset, "unsupported pcapng version " + major + "." + minor + " (expected 1.x)");
        }
        interfaces = 0; // interface ids are per section
        in.advance(16);
        skipTo(offset, length);
    }

    /** Interface Description Block: link type, snapshot length, if_tsresol, if_tsoffset. */
    private void readInterface(long offset, long length) throws IOException {
        if (length < 20) {
            throw error("block", blockNumber, offset, "interface description block length " + length + " is below its minimum of 20");
        }
        if (length > CaptureInput.WINDOW) {
            throw error("block", blockNumber, offset, "interface description block of " + length
                    + " bytes is longer than this reader's window of " + CaptureInput.WINDOW);
        }
        int len = (int) length;
        if (!in.require(len)) {
            throw error("block", blockNumber, offset, "truncated block: length " + len + ", but the file ends after " + in.available());
        }
        int link = in.u16(8, bigEndian);
        long snap = in.u32(12, bigEndian);
        int resolution = DEFAULT_RESOLUTION;
        long offsetSeconds = 0;
        int o = 16;
        int end = len - 4;
        while (o + 4 <= end) {
            int code = in.u16(o, bigEndian);
            int optLength = in.u16(o + 2, bigEndian);
            if (code == OPT_END) {
                break;
            }
            if (o + 4 + optLength > end) {
                throw error("block", blockNumber, offset, "option " + code + " of " + optLength + " bytes at block offset " + o
                        + " runs past the block's end at " + end);
            }
            if (code == IF_TSRESOL) {
                if (optLength != 1) {
                    throw error("block", blockNumber, offset, "if_tsresol option has length " + optLength + ", expected 1");
                }
                resolution = in.u8(o + 4);
            } else if (code == IF_TSOFFSET) {
                if (optLength != 8) {
                    throw error("block", blockNumber, offset, "if_tsoffset option has length " + optLength + ", expected 8");
                }
                offsetSeconds = in.i64(o + 4, bigEndian);
            }
            o += 4 + ((optLength + 3) & ~3);
        }
        if (interfaces == ifLinkType.length) {
            int n = interfaces * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, n);
            ifSnapLength = Arrays.copyOf(ifSnapLength, n);
            ifResolution = Arrays.copyOf(ifResolution, n);
            ifOffsetSeconds = Arrays.copyOf(ifOffsetSeconds, n);
        }
        ifLinkType[interfaces] = link;
        ifSnapLength[interfaces] = (int) Math.min(snap, Integer.MAX_VALUE);
        ifResolution[interfaces] = resolution;
        ifOffsetSeconds[interfaces] = offsetSeconds;
        interfaces++;
        checkTrailer(offset, length);
    }

    /** Enhanced Packet Block, or with {@code obsolete} the Packet Block. */
    private int readPacket(PacketBuffer p, long offset, long length, boolean obsolete) throws IOException {
        String kind = obsolete ? "packet block" : "enhanced packet block";
        if (length < 32) {
            throw error("block", blockNumber, offset, kind + " length " + length + " is below its minimum of 32");
        }
        if (!in.require(28)) {
            throw error("block", blockNumber, offset, "truncated " + kind + ": " + in.available() + " of 28 header bytes");
        }
        long ifId = obsolete ? in.u16(8, bigEndian) : in.u32(8, bigEndian);
        long units = (in.u32(12, bigEndian) << 32) | in.u32(16, bigEndian);
        long captured = in.u32(20, bigEndian);
        long original = in.u32(24, bigEndian);
        if (ifId >= interfaces) {
            throw error("block", blockNumber, offset, kind + " names interface " + ifId + ", but the section has "
                    + interfaces + " interface description block(s)");
        }
        if (28 + ((captured + 3) & ~3L) + 4 > length) {
            throw error("block", blockNumber, offset, "captured length " + captured + " does not fit the block length " + length);
        }
        int cap = length(captured, MAX_PACKET, "captured length", "block", blockNumber, offset);
        int i = (int) ifId;
        in.advance(28);
        return finishPacket(p, offset, length, 28, cap, original, i,
                toNanos(units, ifResolution[i], ifOffsetSeconds[i]));
    }

    /** Simple Packet Block: interface 0, no timestamp, captured length implied. */
    private int readSimplePacket(PacketBuffer p, long offset, long length) throws IOException {
        if (length < 16) {
            throw error("block", blockNumber, offset, "simple packet block length " + length + " is below its minimum of 16");
        }
        if (interfaces == 0) {
            throw error("block", blockNumber, offset, "simple packet block before any interface description block in its section");
        }
        if (!in.require(12)) {
            throw error("block", blockNumber, offset, "truncated simple packet block: " + in.available() + " of 12 header bytes");
        }
        long original = in.u32(8, bigEndian);
        long captured = Math.min(original, length - 16);
        if (ifSnapLength[0] > 0) {
            captured = Math.min(captured, ifSnapLength[0]);
        }
        int cap = length(captured, MAX_PACKET, "captured length", "block", blockNumber, offset);
        in.advance(12);
        return finishPacket(p, offset, length, 12, cap, original, 0, NO_TIMESTAMP);
    }

    private int finishPacket(PacketBuffer p, long offset, long length, int header, int cap, long original, int ifIndex,
                             long nanos) throws IOException {
        recordNumber++;
        recordOffset = offset;
        linkType = ifLinkType[ifIndex];
        snapLength = ifSnapLength[ifIndex];
        capturedLength = cap;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        timestampNanos = nanos;
        int n = deliver(p, cap, "block", blockNumber, offset);
        skipTo(offset, length);
        return n;
    }

    /** Reads the total length at offset 4 and checks it: a multiple of 4, at least {@code minimum}. */
    private long blockLength(long offset, int minimum) throws CaptureFormatException {
        long length = in.u32(4, bigEndian);
        if (length < minimum || (length & 3) != 0) {
            throw error("block", blockNumber, offset, "block total length " + length + " is not a multiple of 4 of at least " + minimum);
        }
        return length;
    }

    /** Skips to the trailer of the block at {@code offset} and checks it. */
    private void skipTo(long offset, long length) throws IOException {
        long rest = offset + length - 4 - in.position();
        if (rest < 0) {
            throw error("block", blockNumber, offset, "block contents run " + -rest + " bytes past its length " + length);
        }
        long skipped = in.skip(rest);
        if (skipped < rest) {
            throw error("block", blockNumber, offset, "truncated block: length " + length + ", but the file ends "
                    + (rest - skipped) + " bytes before its trailer");
        }
        checkTrailer(offset, length);
    }

    private void checkTrailer(long offset, long length) throws IOException {
        long at = offset + length - 4;
        long gap = at - in.position();
        if (gap > 0 && in.skip(gap) < gap || !in.require(4)) {
            throw error("block", blockNumber, offset, "truncated block: the file ends before the trailing length at byte offset " + at);
        }
        long trailer = in.u32(0, bigEndian);
        if (trailer != length) {
            throw error("block", blockNumber, offset, "trailing block length " + trailer + " differs from the leading " + length);
        }
        in.advance(4);
    }

    /**
     * @param units      the 64-bit timestamp in the interface's units (unsigned)
     * @param resolution if_tsresol: bit 7 clear, 10^-n seconds; set, 2^-n seconds
     * @return nanoseconds since 1970, with {@code offsetSeconds} added
     */
    static long toNanos(long units, int resolution, long offsetSeconds) {
        int exp = resolution & 0x7F;
        long ns;
        if ((resolution & 0x80) == 0) {
            if (exp <= 9) {
                ns = units * POW10[9 - exp];
            } else if (exp - 9 < POW10.length) {
                ns = Long.divideUnsigned(units, POW10[exp - 9]);
            } else {
                ns = 0;
            }
        } else if (exp == 0) {
            ns = units * 1_000_000_000L;
        } else if (exp < 64) {
            long seconds = units >>> exp;
            long fraction = units & ((1L << exp) - 1);
            ns = seconds * 1_000_000_000L + Math.unsignedMultiplyHigh(fraction << (64 - exp), 1_000_000_000L);
        } else {
            ns = Math.unsignedMultiplyHigh(units, 1_000_000_000L) >>> (exp - 64);
        }
        return ns + offsetSeconds * 1_000_000_000L;
    }
}
