package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;

import java.io.IOException;

/**
 * What the three format readers share: the input, the last record's facts, the copy of a
 * record's bytes into a packet buffer, and the error messages that say where.
 */
abstract class RecordReader implements CaptureReader {

    final CaptureInput in;
    private final CaptureFormat format;

    long timestampNanos = NO_TIMESTAMP;
    int originalLength;
    int capturedLength;
    int linkType;
    int snapLength;
    long recordNumber;
    long recordOffset;

    RecordReader(CaptureInput in, CaptureFormat format) {
        this.in = in;
        this.format = format;
    }

    @Override
    public final CaptureFormat format() {
        return format;
    }

    @Override
    public final String name() {
        return in.name;
    }

    @Override
    public final long timestampNanos() {
        return timestampNanos;
    }

    @Override
    public final int originalLength() {
        return originalLength;
    }

    @Override
    public final int capturedLength() {
        return capturedLength;
    }

    @Override
    public final int linkType() {
        return linkType;
    }

    @Override
    public final int snapLength() {
        return snapLength;
    }

    @Override
    public final long recordNumber() {
        return recordNumber;
    }

    @Override
    public final long recordOffset() {
        return recordOffset;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The file header is bad. */
    CaptureFormatException headerError(long offset, String problem) {
        return new CaptureFormatException(in.name, "file header", 0, offset, problem);
    }

    /** A record (pcap, snoop) or block (pcapng) is bad. */
    CaptureFormatException error(String unit, long number, long offset, String problem) {
        return new CaptureFormatException(in.name, unit, number, offset, problem);
    }

    /**
     * Moves the next {@code len} bytes of the file into {@code p} (appended, link type set), or
     * skips them when they do not fit.
     *
     * @return {@code len} or {@link #TOO_LONG}
     */
    final int deliver(PacketBuffer p, int len, String unit, long number, long offset) throws IOException {
        if (len > p.tailroom()) {
            long skipped = in.skip(len);
            if (skipped < len) {
                throw truncated(unit, number, offset, len, skipped);
            }
            return TOO_LONG;
        }
        int at = p.end();
        int got = in.copyTo(p.data(), at, len);
        if (got < len) {
            throw truncated(unit, number, offset, len, got);
        }
        p.append(len);
        p.linkType(linkType);
        return len;
    }

    private CaptureFormatException truncated(String unit, long number, long offset, int len, long got) {
        return error(unit, number, offset, "truncated " + unit + ": packet data of " + len + " bytes, but the file ends after " + got);
    }

    /** @return {@code v} as an int length, or an error when it is beyond any plausible record */
    final int length(long v, long limit, String what, String unit, long number, long offset) throws CaptureFormatException {
        if (v > limit) {
            throw error(unit, number, offset, what + " " + v + " exceeds the limit of " + limit + " bytes");
        }
        return (int) v;
    }
}
