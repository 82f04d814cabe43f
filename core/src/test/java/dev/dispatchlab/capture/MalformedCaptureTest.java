package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Broken files fail with a CaptureFormatException that says which file, which record and where. */
class MalformedCaptureTest {

    private static final byte[] PCAP = Captures.bytes(Captures.resource("openswan-klips/02-east-west-transport.pcap"));
    private static final byte[] PCAPNG = Captures.bytes(Captures.resource("pcapng/mixed.pcapng"));
    private static final byte[] SNOOP = Captures.bytes(Captures.resource("rfc7634/rfc7634-appendixB.snoop"));

    private static CaptureFormatException failure(byte[] file, String name) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Captures.readAll(file, name));
        assertThat(t).isInstanceOf(CaptureFormatException.class);
        return (CaptureFormatException) t;
    }

    private static byte[] cut(byte[] b, int len) {
        return Arrays.copyOf(b, len);
    }

    private static byte[] putLe32(byte[] b, int at, int v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        return c;
    }

    @Test
    void truncatedPcapHeader() {
        CaptureFormatException e = failure(cut(PCAP, 10), "t.pcap");
        assertThat(e.getMessage()).isEqualTo("t.pcap: file header at byte offset 0: truncated file header: 10 of 24 bytes");
        assertThat(e.file()).isEqualTo("t.pcap");
        assertThat(e.recordNumber()).isZero();
    }

    @Test
    void truncatedPcapRecordHeaderAndRecordData() {
        // first record: header at 24, 16 bytes, then its data
        CaptureFormatException header = failure(cut(PCAP, 24 + 10), "h.pcap");
        assertThat(header.getMessage()).isEqualTo("h.pcap: record 1 at byte offset 24: truncated record header: 10 of 16 bytes");
        CaptureFormatException data = failure(cut(PCAP, 24 + 16 + 5), "d.pcap");
        assertThat(data.recordNumber()).isEqualTo(1);
        assertThat(data.byteOffset()).isEqualTo(24);
        assertThat(data.getMessage()).contains("d.pcap: record 1 at byte offset 24: truncated record", "file ends after 5");
        int second = 24 + 16 + ByteBuffer.wrap(PCAP).order(ByteOrder.LITTLE_ENDIAN).getInt(24 + 8);
        CaptureFormatException two = failure(cut(PCAP, PCAP.length - 1), "2.pcap");
        assertThat(two.recordNumber()).isEqualTo(2);
        assertThat(two.byteOffset()).isEqualTo(second);
    }

    @Test
    void badMagicNamesWhatWasExpected() {
        byte[] b = PCAP.clone();
        b[0] = 0x12;
        assertThat(failure(b, "m.pcap").getMessage()).contains("m.pcap: file header at byte offset 0: not a capture file",
                "first bytes 12c3b2a1", "pcapng (0a0d0d0a)");
        assertThat(failure(new byte[2], "empty").getMessage()).contains("too short");
    }

    @Test
    void unsupportedPcapVersionAndImpossibleCapturedLength() {
        byte[] v = PCAP.clone();
        v[4] = 3;
        assertThat(failure(v, "v.pcap").getMessage()).contains("unsupported pcap version 3.4");
        byte[] big = putLe32(PCAP, 24 + 8, 0x7fff_0000);
        assertThat(failure(big, "l.pcap").getMessage()).contains("record 1", "captured length 2147418112 exceeds the limit of 262144");
    }

    @Test
    void pcapngBlockLengthsAreChecked() {
        // mixed.pcapng: SHB (block 1, offset 0), IDB (block 2) ...
        int shbLength = ByteBuffer.wrap(PCAPNG).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        assertThat(failure(putLe32(PCAPNG, shbLength + 4, 30), "n.pcapng").getMessage())
                .isEqualTo("n.pcapng: block 2 at byte offset " + shbLength + ": block total length 30 is not a multiple of 4 of at least 12");
        assertThat(failure(putLe32(PCAPNG, shbLength + 4, 8), "n.pcapng").getMessage()).contains("block total length 8");
        assertThat(failure(putLe32(PCAPNG, shbLength - 4, shbLength + 4), "t.pcapng").getMessage())
                .isEqualTo("t.pcapng: block 1 at byte offset 0: trailing block length " + (shbLength + 4) + " differs from the leading " + shbLength);
        CaptureFormatException cut = failure(cut(PCAPNG, PCAPNG.length - 2), "c.pcapng");
        assertThat(cut.getMessage()).contains("truncated block");
        assertThat(failure(putLe32(PCAPNG, 8, 0x11223344), "o.pcapng").getMessage())
                .contains("byte-order magic 44332211 is neither 1a2b3c4d nor 4d3c2b1a");
    }

    @Test
    void pcapngPacketsMustNameAnInterfaceOfTheirSection() throws IOException {
        // the first EPB follows SHB and two IDBs; point it at interface 7
        int at = firstBlockOfType(PCAPNG, 6);
        CaptureFormatException e = failure(putLe32(PCAPNG, at + 8, 7), "i.pcapng");
        assertThat(e.getMessage()).contains("block 4 at byte offset " + at, "names interface 7, but the section has 2");
        // an EPB whose captured length overruns its block
        assertThat(failure(putLe32(PCAPNG, at + 20, 5000), "x.pcapng").getMessage())
                .contains("captured length 5000 does not fit the block length");
    }

    @Test
    void snoopRecordLengthMustHoldTheRecord() {
        byte[] b = SNOOP.clone();
        ByteBuffer.wrap(b).putInt(16 + 8, 30);
        assertThat(failure(b, "s.snoop").getMessage())
                .isEqualTo("s.snoop: record 1 at byte offset 16: record length 30 cannot hold its 24-byte header and 98 bytes of data");
        assertThat(failure(cut(SNOOP, 12), "h.snoop").getMessage()).contains("truncated file header: 12 of 16");
    }

    @Test
    void aRecordTooLongForTheBufferIsSkippedAndTheNextOneRead() throws IOException {
        try (CaptureReader r = CaptureReader.open(Captures.resource("openswan-klips/espfrags1.pcap"))) {
            PacketBuffer small = PacketBuffer.unpooled(200, 0);
            assertThat(r.read(small)).isEqualTo(CaptureReader.TOO_LONG);
            assertThat(small.length()).isZero();
            assertThat(r.capturedLength()).isEqualTo(1514);
            assertThat(r.read(small)).isEqualTo(78);
            assertThat(r.recordNumber()).isEqualTo(2);
        }
    }

    static int firstBlockOfType(byte[] ng, int type) {
        ByteBuffer b = ByteBuffer.wrap(ng).order(ByteOrder.LITTLE_ENDIAN);
        int off = 0;
        while (off < ng.length) {
            if (b.getInt(off) == type) {
                return off;
            }
            off += b.getInt(off + 4);
        }
        throw new AssertionError("no block of type " + type);
    }
}
