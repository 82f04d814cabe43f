package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InternetChecksumTest {

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 after end-around carry
        byte[] b = Bytes.fromHex("0001f203f4f5f6f7");
        assertThat(InternetChecksum.fold(InternetChecksum.add(0, b, 0, b.length))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.checksum(b, 0, b.length)).isEqualTo(0x220d);
    }

    @Test
    void capturedIpv4HeaderVerifiesAndRecomputes() {
        byte[] h = Bytes.fromHex("45000088ff6700004032f695c0010217c001022d"); // openswan sunrise-sunset frame 1
        assertThat(InternetChecksum.verifies(0, h, 0, 20)).isTrue();
        h[10] = 0;
        h[11] = 0;
        assertThat(InternetChecksum.checksum(h, 0, 20)).isEqualTo(0xf695);
    }

    @Property
    void agreesWithTheWordAtATimeLoop(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 7) int skip) {
        int off = Math.min(skip, data.length);
        int len = data.length - off;
        assertThat(InternetChecksum.checksum(data, off, len)).isEqualTo(Packets.referenceChecksum(data, off, len));
    }

    @Property
    void ipv6PseudoHeaderFromBytesEqualsFromLongs(@ForAll long sHi, @ForAll long sLo, @ForAll long dHi, @ForAll long dLo,
                                                  @ForAll @IntRange(max = 65535) int length) {
        byte[] b = new byte[32];
        Bytes.put64(b, 0, sHi);
        Bytes.put64(b, 8, sLo);
        Bytes.put64(b, 16, dHi);
        Bytes.put64(b, 24, dLo);
        assertThat(InternetChecksum.fold(InternetChecksum.ipv6PseudoHeader(b, 0, 16, 17, length)))
                .isEqualTo(InternetChecksum.fold(InternetChecksum.ipv6PseudoHeader(sHi, sLo, dHi, dLo, 17, length)));
    }

    @Property
    void ipv4PseudoHeaderEqualsItsTwelveBytes(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 65535) int length) {
        byte[] b = new byte[12];
        Bytes.put32(b, 0, src);
        Bytes.put32(b, 4, dst);
        b[9] = 17;
        Bytes.put16(b, 10, length);
        assertThat(InternetChecksum.fold(InternetChecksum.ipv4PseudoHeader(src, dst, 17, length)))
                .isEqualTo(InternetChecksum.fold(InternetChecksum.add(0, b, 0, 12)));
    }
}
