package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** What the writer writes, the reader reads back: every algorithm, with and without ESN, both formats. */
class SaConfigWriterTest {

    private static byte[] key(SplittableRandom r, int n) {
        byte[] k = new byte[n];
        for (int i = 0; i < n; i++) {
            k[i] = (byte) r.nextInt(256);
        }
        return k;
    }

    /** Every encryption algorithm with every integrity algorithm it accepts, ESN on and off, v4 and v6. */
    private static List<SaConfig> everyKind() {
        SplittableRandom r = new SplittableRandom(7);
        List<SaConfig> out = new ArrayList<>();
        int spi = 0x100;
        for (EncryptionAlgorithm e : EncryptionAlgorithm.values()) {
            for (IntegrityAlgorithm i : IntegrityAlgorithm.values()) {
                if ((e.isAead() && i != IntegrityAlgorithm.NONE) || (e == EncryptionAlgorithm.NULL && i == IntegrityAlgorithm.NONE)) {
                    continue;
                }
                for (boolean esn : new boolean[] {false, true}) {
                    boolean v6 = (spi & 1) == 1;
                    InetAddress src = InetAddress.ofLiteral(v6 ? "2001:db8::1" : "192.0.2.1");
                    InetAddress dst = InetAddress.ofLiteral(v6 ? "2001:db8::2" : "198.51.100.7");
                    int keyLen = e.keyLengths().length == 0 ? 0 : e.keyLengths()[e.keyLengths().length - 1];
                    SessionParams p = new SessionParams(e, key(r, keyLen), i, key(r, i.keyLength()), esn);
                    out.add(new SaConfig("test", spi++, src, dst, Mode.TUNNEL, p, 2048, 0, 1, 40000 + spi, 4500, 3));
                }
            }
        }
        return out;
    }

    /** SPI, addresses and algorithms with keys read back as written. */
    private static void assertSameSa(SaConfig back, SaConfig written) {
        assertThat(back.spi()).isEqualTo(written.spi());
        assertThat(back.source()).isEqualTo(written.source());
        assertThat(back.destination()).isEqualTo(written.destination());
        assertThat(back.params()).as("params of %s", written).isEqualTo(written.params());
    }

    @Test
    void wiresharkTablesReadBackAsWritten() throws SaConfigException {
        List<SaConfig> sas = everyKind();
        String text = SaConfigWriter.wireshark(sas, "written by a test\nsecond line");
        assertThat(SaConfigReader.detect("t.esp_sa", text)).isEqualTo(SaConfigReader.Format.WIRESHARK_ESP_SA);
        List<SaConfig> back = SaConfigReader.read("t.esp_sa", text);
        assertThat(back).hasSameSizeAs(sas);
        for (int n = 0; n < sas.size(); n++) {
            SaConfig a = sas.get(n);
            SaConfig b = back.get(n);
            assertSameSa(b, a);
            assertThat(b.mode()).as("the table has no mode column: inferred on input").isNull();
        }
    }

    @Test
    void xfrmCommandsReadBackAsWritten() throws SaConfigException {
        List<SaConfig> sas = everyKind();
        String text = SaConfigWriter.xfrm(sas, "written by a test");
        assertThat(SaConfigReader.detect("t.sh", text)).isEqualTo(SaConfigReader.Format.IP_XFRM_COMMANDS);
        List<SaConfig> back = SaConfigReader.read("t.sh", text);
        assertThat(back).hasSameSizeAs(sas);
        for (int n = 0; n < sas.size(); n++) {
            SaConfig a = sas.get(n);
            SaConfig b = back.get(n);
            assertSameSa(b, a);
            assertThat(b.mode()).isEqualTo(Mode.TUNNEL);
            assertThat(b.replayWindow()).isEqualTo(2048);
            assertThat(b.reqid()).isEqualTo(3);
            assertThat(b.nattSourcePort()).isEqualTo(a.nattSourcePort());
            assertThat(b.nattDestinationPort()).isEqualTo(4500);
        }
    }
}
