package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the packets of a capture file one record at a time into the caller's
 * {@link PacketBuffer}s, whatever the format ({@link CaptureFormat}, detected from the first bytes).
 *
 * <pre>
 *   try (CaptureReader r = CaptureReader.open(path)) {
 *       for (int n; (n = r.read(p)) != CaptureReader.END; ) {
 *           if (n == CaptureReader.TOO_LONG) { drop(p, TOO_LONG); continue; }
 *           p.arrivalNanos(...); r.timestampNanos(); r.originalLength();   // the record's facts
 *       }
 *   }
 * </pre>
 *
 * A record is appended at the end of the buffer's packet (at {@code offset + length}), so a caller
 * that wants the frame at the headroom mark passes a freshly acquired buffer. {@link #read} sets
 * {@link PacketBuffer#linkType(int)} to the record's pcap {@code LINKTYPE_*} number. Reading
 * allocates nothing per record: bytes go from the file's window straight into the buffer's array.
 *
 * <p>Threading: one thread at a time; the record facts describe the last {@link #read}.
 */
public interface CaptureReader extends Closeable {

    /** {@link #read} at the end of the capture. */
    int END = -1;
    /** {@link #read} when the record did not fit the buffer's tailroom: it was skipped, the buffer is unchanged. */
    int TOO_LONG = -2;
    /** {@link #timestampNanos()} of a record without a time (pcapng simple packet block). */
    long NO_TIMESTAMP = Long.MIN_VALUE;

    /** Opens a capture file; the format is told by its first bytes. */
    static CaptureReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return open(in, file.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads a capture from a stream (closed with the reader).
     *
     * @param name for messages, usually the file name
     * @throws CaptureFormatException when the first bytes are no capture file this package reads
     */
    static CaptureReader open(InputStream in, String name) throws IOException {
        CaptureInput input = new CaptureInput(in, name);
        input.require(8);
        int have = input.available();
        if (have >= 4) {
            long le = input.u32(0, false);
            if (le == PcapReader.MAGIC_MICROS || le == PcapReader.MAGIC_NANOS) {
                return new PcapReader(input, false);
            }
            long be = input.u32(0, true);
            if (be == PcapReader.MAGIC_MICROS || be == PcapReader.MAGIC_NANOS) {
                return new PcapReader(input, true);
            }
            if (be == PcapngReader.SHB_TYPE) {
                return new PcapngReader(input);
            }
            if (have >= 8 && input.i64(0, true) == SnoopReader.MAGIC) {
                return new SnoopReader(input);
            }
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(have, 8); i++) {
            hex.append(String.format("%02x", input.u8(i)));
        }
        throw new CaptureFormatException(name, "file header", 0, 0, have < 4
                ? "file too short for any capture header (" + have + " bytes)"
                : "not a capture file this reader knows: first bytes " + hex
                + ", expected pcap (a1b2c3d4 or a1b23c4d, either byte order), pcapng (0a0d0d0a) or snoop (\"snoop\\0\\0\\0\")");
    }

    /** @return the format detected */
    CaptureFormat format();

    /** @return the name given at open, for messages */
    String name();

    /**
     * Appends the next packet record to {@code p} and sets its link type.
     *
     * @return the bytes appended (the captured length, possibly 0), {@link #END}, or
     *         {@link #TOO_LONG} when the record exceeds {@code p.tailroom()}
     * @throws CaptureFormatException when the file breaks its format at this record
     */
    int read(PacketBuffer p) throws IOException;

    /** @return the last record's capture time, nanoseconds since 1970 (UTC), or {@link #NO_TIMESTAMP} */
    long timestampNanos();

    /** @return the last record's length on the wire (may exceed the captured length) */
    int originalLength();

    /** @return the last record's captured length */
    int capturedLength();

    /** @return the last record's link type (pcap LINKTYPE_* number) */
    int linkType();

    /** @return the snapshot length that applied to the last record (0 when the file gives none) */
    int snapLength();

    /** @return the number of packet records read so far (the last one's number, from 1) */
    long recordNumber();

    /** @return the byte offset in the file where the last record (pcapng: its block) starts */
    long recordOffset();
}
