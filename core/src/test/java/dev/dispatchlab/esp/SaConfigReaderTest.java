package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SA file readers: the capture tables, Wireshark's names, ip xfrm commands and listings, and errors. */
class SaConfigReaderTest {

    private static final String K16 = "0x14e66cdbadc70ebb6fac10e97c062ecf";
    private static final String K20 = "0xac5fe0c586635549bdf273d6aa4c081f44a75db1";

    private static SaConfig bySpi(List<SaConfig> all, int spi) {
        return all.stream().filter(c -> c.spi() == spi).findFirst().orElseThrow();
    }

    private static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    @Test
    void everyCaptureTableReads() throws IOException, SaConfigException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Vectors.resource("captures"))) {
            files = s.filter(p -> p.toString().endsWith(".esp_sa")).toList();
        }
        assertThat(files).hasSize(11);
        for (Path f : files) {
            assertThat(SaConfigReader.detect(f.toString(), Files.readString(f)))
                    .isEqualTo(SaConfigReader.Format.WIRESHARK_ESP_SA);
            for (SaConfig c : SaConfigReader.read(f)) {
                assertThat(c.source()).isEqualTo(ip("192.1.2.23"));
                assertThat(c.mode()).isNull();
                assertThat(c.replayWindow()).isEqualTo(ReplayWindow.DEFAULT_SIZE);
                assertThat(c.origin()).startsWith(f.toString() + ":");
                c.open(EspHarness.DRIVER).close();
            }
        }
        List<SaConfig> dbl = SaConfigReader.read(Vectors.resource("captures/openswan-klips/08-sunrise-sunset-esp-double.esp_sa"));
        assertThat(dbl).hasSize(2);
        assertThat(dbl.get(1).spi()).isEqualTo(0xabcdabcd);
        assertThat(dbl.get(1).destination()).isEqualTo(ip("192.0.1.1"));
        assertThat(dbl.get(1).params().encryption()).isEqualTo(EncryptionAlgorithm.TRIPLE_DES_CBC);
        assertThat(dbl.get(1).params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_MD5_96);
        SaConfig noauth = SaConfigReader.read(Vectors.resource("captures/openswan-klips/08-sunrise-sunset-esp-noauth.esp_sa")).get(0);
        assertThat(noauth.params().integrity()).isEqualTo(IntegrityAlgorithm.NONE);
        SaConfig aes = SaConfigReader.read(Vectors.resource("captures/openswan-klips/08-sunrise-sunset-aes.esp_sa")).get(0);
        assertThat(aes.params().encryption()).isEqualTo(EncryptionAlgorithm.AES_CBC);
        assertThat(aes.params().encryptionKey()).hasSize(32);
        assertThat(aes.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA1_96);
    }

    @Test
    void wiresharkNamesAndColumns() throws SaConfigException {
        List<SaConfig> all = SaConfigReader.read(Vectors.resource("sa-config/wireshark-variants.esp_sa"));
        assertThat(all).hasSize(11);
        SaConfig v6 = bySpi(all, 0xc0ffee01);
        assertThat(v6.source()).isEqualTo(ip("2001:db8::1"));
        assertThat(v6.destination()).isNull();
        assertThat(v6.params().encryption()).isEqualTo(EncryptionAlgorithm.AES_GCM_16);
        SaConfig chacha = bySpi(all, 0x102);
        assertThat(chacha.params().encryption()).isEqualTo(EncryptionAlgorithm.CHACHA20_POLY1305);
        assertThat(chacha.source()).isNull();
        assertThat(bySpi(all, 0x103).params().encryption()).isEqualTo(EncryptionAlgorithm.AES_GMAC);
        assertThat(bySpi(all, 0x104).params().encryption()).as("strongSwan's GCM with 'ANY 64 bit'")
                .isEqualTo(EncryptionAlgorithm.AES_GCM_8);
        SaConfig tdes = bySpi(all, 0x105);
        assertThat(tdes.params().encryption()).isEqualTo(EncryptionAlgorithm.TRIPLE_DES_CBC);
        assertThat(tdes.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA512_256);
        SaConfig esn = bySpi(all, 0x106);
        assertThat(esn.params().esn()).isTrue();
        assertThat(esn.inboundHighestSequence()).isEqualTo(1L << 32);
        assertThat(esn.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA384_192);
        assertThat(bySpi(all, 0x107).params().encryption()).isEqualTo(EncryptionAlgorithm.AES_GCM_12);
        assertThat(bySpi(all, 0x107).params().esn()).isFalse();
        assertThat(bySpi(all, 0x108).params().encryption()).isEqualTo(EncryptionAlgorithm.AES_GCM_8);
        assertThat(bySpi(all, 0x109).params().encryption()).isEqualTo(EncryptionAlgorithm.NULL);
        assertThat(bySpi(all, 0x10a).params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA1_96);
        assertThat(bySpi(all, 0x10b).params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_MD5_96);
        for (SaConfig c : all) {
            c.open(EspHarness.DRIVER).close();
        }
    }

    @Test
    void ipXfrmCommands() throws SaConfigException {
        List<SaConfig> all = SaConfigReader.read(Vectors.resource("sa-config/xfrm-setup.sh"));
        assertThat(all).hasSize(7);
        SaConfig gcm = bySpi(all, 0x1001);
        assertThat(gcm.mode()).isEqualTo(Mode.TUNNEL);
        assertThat(gcm.source()).isEqualTo(ip("192.0.2.1"));
        assertThat(gcm.destination()).isEqualTo(ip("192.0.2.2"));
        assertThat(gcm.params().encryption()).isEqualTo(EncryptionAlgorithm.AES_GCM_16);
        assertThat(gcm.params().esn()).isTrue();
        assertThat(gcm.replayWindow()).isEqualTo(64);
        assertThat(gcm.nattSourcePort()).isEqualTo(4500);
        assertThat(gcm.nattDestinationPort()).isEqualTo(4500);
        assertThat(gcm.reqid()).isEqualTo(1);
        assertThat(gcm.origin()).endsWith("xfrm-setup.sh:5");
        SaConfig cbc = bySpi(all, 0x1002);
        assertThat(cbc.mode()).isEqualTo(Mode.TRANSPORT);
        assertThat(cbc.params().encryption()).isEqualTo(EncryptionAlgorithm.AES_CBC);
        assertThat(cbc.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA256_128);
        assertThat(cbc.replayWindow()).isEqualTo(ReplayWindow.DEFAULT_SIZE);
        SaConfig v6 = bySpi(all, 4099);
        assertThat(v6.destination()).isEqualTo(ip("2001:db8::2"));
        assertThat(v6.params().encryption()).isEqualTo(EncryptionAlgorithm.TRIPLE_DES_CBC);
        assertThat(v6.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA1_96);
        assertThat(bySpi(all, 0x1004).params().encryption()).isEqualTo(EncryptionAlgorithm.CHACHA20_POLY1305);
        SaConfig gmac = bySpi(all, 0x1005);
        assertThat(gmac.params().encryption()).isEqualTo(EncryptionAlgorithm.AES_GMAC);
        assertThat(gmac.replayWindow()).isZero();
        SaConfig nul = bySpi(all, 0x1006);
        assertThat(nul.params().encryption()).isEqualTo(EncryptionAlgorithm.NULL);
        assertThat(nul.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_MD5_96);
        assertThat(nul.mode()).as("the kernel's default").isEqualTo(Mode.TRANSPORT);
        SaConfig seeded = bySpi(all, 0x1007);
        assertThat(seeded.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA384_192);
        assertThat(seeded.params().encryptionKey()).hasSize(32);
        assertThat(seeded.inboundHighestSequence()).isEqualTo(0x20);
        assertThat(seeded.outboundSequence()).isEqualTo(0x31);
        for (SaConfig c : all) {
            SecurityAssociation sa = c.open(EspHarness.DRIVER);
            assertThat(sa.natTraversal()).isEqualTo(c.nattDestinationPort() != 0);
            sa.close();
        }
    }

    @Test
    void ipXfrmStateListing() throws SaConfigException {
        List<SaConfig> all = SaConfigReader.read(Vectors.resource("sa-config/xfrm-state.txt"));
        assertThat(all).hasSize(3);
        SaConfig esn = all.get(0);
        assertThat(esn.spi()).isEqualTo(0xc1a2b3c4);
        assertThat(esn.params().esn()).isTrue();
        assertThat(esn.params().encryption()).isEqualTo(EncryptionAlgorithm.AES_GCM_16);
        assertThat(esn.replayWindow()).as("the ESN context's window").isEqualTo(128);
        assertThat(esn.inboundHighestSequence()).isEqualTo((1L << 32) | 0x10);
        assertThat(esn.nattDestinationPort()).isEqualTo(4500);
        SaConfig cbc = all.get(1);
        assertThat(cbc.mode()).isEqualTo(Mode.TRANSPORT);
        assertThat(cbc.replayWindow()).isEqualTo(32);
        assertThat(cbc.inboundHighestSequence()).isEqualTo(5);
        assertThat(cbc.outboundSequence()).isEqualTo(8);
        assertThat(cbc.params().integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA1_96);
        assertThat(cbc.origin()).endsWith("xfrm-state.txt:12");
        SaConfig nul = all.get(2);
        assertThat(nul.params().encryption()).isEqualTo(EncryptionAlgorithm.NULL);
        assertThat(nul.replayWindow()).isZero();
        SecurityAssociation sa = esn.open(EspHarness.DRIVER);
        assertThat(sa.replayWindow().top()).isEqualTo((1L << 32) | 0x10);
        sa.close();
    }

    /** A GCM vector decrypts with the SA an ip xfrm line describes: the reader's keys are the right bytes. */
    @Test
    void anXfrmLineDecryptsTheChaChaVector() throws SaConfigException {
        var c = Vectors.cases("vectors/rfc7634-chacha20-poly1305-esp.json").get(0);
        String line = "ip xfrm state add src 203.0.113.153 dst 203.0.113.5 proto esp spi 0x01020304 mode tunnel"
                + " aead 'rfc7539esp(chacha20,poly1305)' 0x" + Vectors.text(c, "key") + " 128";
        SaConfig cfg = SaConfigReader.read("chacha.sh", line).get(0);
        try (EspHarness h = new EspHarness()) {
            h.sas.add(cfg.open(EspHarness.DRIVER));
            EspHarness.Decap d = h.open(Vectors.hex(c, "esp_packet"));
            assertThat(d.packet()).isEqualTo(Vectors.hex(c, "plaintext"));
        }
    }

    // ---- errors -------------------------------------------------------------------------------------------

    private static String error(String name, String text) {
        try {
            SaConfigReader.read(name, text);
        } catch (SaConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for:\n" + text);
    }

    @Test
    void keyLengthErrorNamesFileLineAndLengths() {
        String text = """
                # keys
                "IPv4","10.0.0.1","10.0.0.2","0x00000001","AES-CBC [RFC3602]","%s","HMAC-SHA-1-96 [RFC2404]","%s"
                "IPv4","10.0.0.1","10.0.0.2","0x00000002","AES-GCM with 16 octet ICV [RFC4106]","%s","NULL",""
                """.formatted(K16, K20, K16);
        assertThat(error("sa.conf", text)).isEqualTo(
                "sa.conf:3: aes-gcm-16 needs keying material of 20, 28 or 36 bytes (key then 4-byte salt), got 16");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "IPv4","10.0.0.1","10.0.0.2","0x1","AES-CBC [RFC3602]","K16"                                                   | sa.conf:1: expected 8 or 10 fields (protocol, source, destination, SPI, encryption, key, authentication, key[, SN length, SN upper bits]), got 6
            "IPv5","10.0.0.1","10.0.0.2","0x1","NULL","","HMAC-SHA-1-96 [RFC2404]","K20"                                  | sa.conf:1: protocol must be IPv4, IPv6 or Any, got 'IPv5'
            "IPv4","10.0.0.300","10.0.0.2","0x1","NULL","","HMAC-SHA-1-96 [RFC2404]","K20"                                | sa.conf:1: source is not an IPv4 or IPv6 address: '10.0.0.300'
            "IPv4","2001:db8::1","10.0.0.2","0x1","NULL","","HMAC-SHA-1-96 [RFC2404]","K20"                               | sa.conf:1: source 2001:db8::1 is not an IPv4 address, as the protocol column says
            "IPv4","10.0.*.*","10.0.0.2","0x1","NULL","","HMAC-SHA-1-96 [RFC2404]","K20"                                  | sa.conf:1: partial address wildcards are not supported: '10.0.*.*' (use '*' for any source)
            "IPv4","*","*","*","NULL","","HMAC-SHA-1-96 [RFC2404]","K20"                                                  | sa.conf:1: SPI wildcards are not supported (the SA database is indexed by SPI): '*'
            "IPv4","*","*","0x1ffffffff","NULL","","HMAC-SHA-1-96 [RFC2404]","K20"                                       | sa.conf:1: SPI must be a 32-bit number (0x1234abcd or decimal), got '0x1ffffffff'
            "IPv4","*","*","0x1","NULL","","NULL",""                                                                      | sa.conf:1: null encryption without integrity protects nothing (RFC 4303 3.2)
            "IPv4","*","*","0x1","AES-CBC [RFC3602]","K16","HMAC-SHA-256-128 [RFC4868]","K20"                             | sa.conf:1: hmac-sha256-128 needs a 32-byte key, got 20
            "IPv4","*","*","0x1","AES-CBC [RFC3602]","0xzz","NULL",""                                                     | sa.conf:1: encryption key is not hexadecimal: '0xzz'
            "IPv4","*","*","0x1","AES-GCM with 16 octet ICV [RFC4106]","K20","HMAC-SHA-1-96 [RFC2404]","K20"              | sa.conf:1: AES-GCM with 16 octet ICV [RFC4106] is a combined mode: authentication must be NULL, got 'HMAC-SHA-1-96 [RFC2404]'
            "IPv4","*","*","0x1","AES-GCM [RFC4106]","K20","NULL",""                                                      | sa.conf:1: 'AES-GCM [RFC4106]' does not say its ICV length: use 'AES-GCM with 16 octet ICV [RFC4106]' (or 8, 12), or give 'ANY 128 bit authentication [no checking]' (64, 96) as the authentication
            "IPv4","*","*","0x1","AES-CBC [RFC3602]","K16","ANY 96 bit authentication [no checking]",""                   | sa.conf:1: 'ANY 96 bit authentication [no checking]' cannot be used: this datapath always verifies the ICV; give the real integrity algorithm
            "IPv4","*","*","0x1","AES-CBC [RFC3602]","K16","HMAC-SHA-1-96 [RFC2404]","K20","48-bit","0"                   | sa.conf:1: SN length must be 32-bit or 64-bit, got '48-bit'
            "IPv4","*","*","0x1","AES-CBC [RFC3602]","K16","HMAC-SHA-1-96 [RFC2404]","K20","32-bit","5"                   | sa.conf:1: SN upper bits need a 64-bit SN length
            "IPv4","*","*","0x1","AES-CBC [RFC3602]","K16","HMAC-SHA-1-96 [RFC2404]                                      | sa.conf:1: unterminated quoted field
            """)
    void wiresharkLineErrors(String line, String message) {
        assertThat(error("sa.conf", line.replace("K16", K16).replace("K20", K20))).isEqualTo(message);
    }

    @Test
    void unsupportedAlgorithmsAreNamedAsSuch() {
        assertThat(error("sa.conf", "\"IPv4\",\"*\",\"*\",\"0x1\",\"AES-CTR [RFC3686]\",\"" + K20 + "\",\"NULL\",\"\""))
                .startsWith("sa.conf:1: encryption algorithm 'AES-CTR [RFC3686]' is not supported by this datapath;"
                        + " supported: NULL, TripleDES-CBC [RFC2451], AES-CBC [RFC3602]");
        assertThat(error("sa.conf", "\"IPv4\",\"*\",\"*\",\"0x1\",\"Rot13\",\"" + K20 + "\",\"NULL\",\"\""))
                .startsWith("sa.conf:1: unknown encryption algorithm 'Rot13'; supported: ");
        assertThat(error("sa.conf", "\"IPv4\",\"*\",\"*\",\"0x1\",\"AES-CBC [RFC3602]\",\"" + K16
                + "\",\"HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]\",\"" + K20 + "\""))
                .startsWith("sa.conf:1: authentication algorithm 'HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]'"
                        + " is not supported by this datapath; supported: NULL, HMAC-SHA-1-96 [RFC2404]");
    }

    @Test
    void xfrmErrors() {
        String base = "ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x10 ";
        assertThat(error("sa.sh", base + "enc 'cbc(aes)' " + K20 + " auth-trunc 'hmac(sha1)' " + K20 + " 96"))
                .isEqualTo("sa.sh:1: aes-cbc needs keying material of 16, 24 or 32 bytes, got 20");
        assertThat(error("sa.sh", base + "enc 'rfc3686(ctr(aes))' " + K20))
                .startsWith("sa.sh:1: encryption algorithm 'rfc3686(ctr(aes))' is not supported by this datapath; supported:");
        assertThat(error("sa.sh", base + "enc 'cbc(aes)' " + K16 + " auth 'hmac(sha256)' 0x" + "00".repeat(32)))
                .isEqualTo("sa.sh:1: auth hmac(sha256) truncated to 96 bits is not supported; hmac-sha256-128 (128 bits)"
                        + " is: use auth-trunc 'hmac(sha256)' KEY 128");
        assertThat(error("sa.sh", base + "aead 'rfc4106(gcm(aes))' " + K20 + " 32"))
                .isEqualTo("sa.sh:1: rfc4106(gcm(aes)) ICV must be 64, 96 or 128 bits, got 32");
        assertThat(error("sa.sh", base + "aead 'rfc4106(gcm(aes))' " + K16 + " 128"))
                .isEqualTo("sa.sh:1: aes-gcm-16 needs keying material of 20, 28 or 36 bytes (key then 4-byte salt), got 16");
        assertThat(error("sa.sh", base + "aead 'rfc4106(gcm(aes))' " + K20 + " 128 frobnicate 3"))
                .isEqualTo("sa.sh:1: unknown keyword 'frobnicate'");
        assertThat(error("sa.sh", base + "aead 'rfc4106(gcm(aes))' " + K20 + " 128 mode beet"))
                .isEqualTo("sa.sh:1: mode 'beet' is not supported (tunnel or transport)");
        assertThat(error("sa.sh", base + "aead 'rfc4106(gcm(aes))' " + K20 + " 128 encap espintcp 4500 4500 0.0.0.0"))
                .isEqualTo("sa.sh:1: encap espintcp is not supported (only espinudp, RFC 3948)");
        assertThat(error("sa.sh", base.replace("proto esp", "proto ah") + "auth 'hmac(sha1)' " + K20))
                .isEqualTo("sa.sh:1: only proto esp is supported, got 'ah'");
        assertThat(error("sa.sh", "ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp aead 'rfc4106(gcm(aes))' " + K20 + " 128"))
                .isEqualTo("sa.sh:1: missing 'spi'");
        assertThat(error("sa.sh", base + "replay-window"))
                .isEqualTo("sa.sh:1: 'replay-window' is missing its value");
        assertThat(error("sa.sh", base + "aead 'rfc4106(gcm(aes)) " + K20 + " 128"))
                .isEqualTo("sa.sh:1: unterminated single quote");
        // the line of the offending token, inside a continued command
        assertThat(error("sa.sh", "# setup\n" + base + "\\\n  replay-window 32 \\\n  enc 'cbc(camellia)' " + K16 + "\n"))
                .startsWith("sa.sh:4: encryption algorithm 'cbc(camellia)' is not supported");
        assertThat(error("sa.sh", base + "\\")).isEqualTo("sa.sh:1: the last line ends with a continuation backslash");
        assertThat(error("sa.sh", "ls -l\n")).isEqualTo("sa.sh:1: unknown SA file format: expected a Wireshark esp_sa"
                + " line (\"IPv4\",\"src\",\"dst\",\"0xSPI\",...), an 'ip xfrm state add' command or 'ip xfrm state' output"
                + " (src ... dst ...), got: ls -l");
        assertThat(error("sa.sh", "ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 1 enc 'cbc(aes)' " + K16
                + " auth-trunc 'hmac(sha1)' " + K20 + " 96\necho done\n"))
                .startsWith("sa.sh:2: expected an 'ip xfrm state add' command, got: echo done");
    }

    @Test
    void listingErrors() {
        assertThat(error("state.txt", "src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1 reqid 1 mode tunnel\n"
                + "\tauth-trunc hmac(sha1) " + K20 + " 96\n\tenc cbc(aes) " + K20 + "\n"))
                .isEqualTo("state.txt:4: aes-cbc needs keying material of 16, 24 or 32 bytes, got 20");
        assertThat(error("state.txt", "src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1 reqid 1 mode tunnel\n"
                + "\tauth-trunc hmac(sha1) " + K20 + " 96\nnonsense here\n"))
                .isEqualTo("state.txt:4: expected 'src ADDR dst ADDR' to start an SA, got: nonsense here");
        assertThat(error("state.txt", "src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1 reqid 1 mode tunnel\n"))
                .isEqualTo("state.txt:1: missing 'enc' or 'aead'");
    }

    /** A key with an odd number of hex digits was once padded with a leading zero and installed wrong. */
    @Test
    void aKeyWithAnOddNumberOfHexDigitsIsAnErrorInEveryFormatAndField() {
        String odd16 = K16.substring(0, K16.length() - 1);
        String odd20 = K20.substring(0, K20.length() - 1);
        assertThat(error("sa.conf", "# keys\n\"IPv4\",\"*\",\"*\",\"0x1\",\"AES-CBC [RFC3602]\",\"" + odd16
                + "\",\"HMAC-SHA-1-96 [RFC2404]\",\"" + K20 + "\""))
                .startsWith("sa.conf:2: encryption key has an odd number of hex digits (31)");
        assertThat(error("sa.conf", "\"IPv4\",\"*\",\"*\",\"0x1\",\"AES-CBC [RFC3602]\",\"" + K16
                + "\",\"HMAC-SHA-1-96 [RFC2404]\",\"" + odd20 + "\""))
                .startsWith("sa.conf:1: authentication key has an odd number of hex digits (39)");
        String base = "ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x10 ";
        assertThat(error("sa.sh", base + "enc 'cbc(aes)' " + odd16 + " auth-trunc 'hmac(sha1)' " + K20 + " 96"))
                .startsWith("sa.sh:1: enc key has an odd number of hex digits (31)");
        assertThat(error("sa.sh", base + "enc 'cbc(aes)' " + K16 + " auth-trunc 'hmac(sha1)' " + odd20 + " 96"))
                .startsWith("sa.sh:1: auth key has an odd number of hex digits (39)");
        assertThat(error("sa.sh", base + "aead 'rfc4106(gcm(aes))' " + odd20 + " 128"))
                .startsWith("sa.sh:1: aead key has an odd number of hex digits (39)");
        assertThat(error("state.txt", "src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1 reqid 1 mode tunnel\n"
                + "\tauth-trunc hmac(sha1) " + K20 + " 96\n\tenc cbc(aes) " + odd16 + "\n"))
                .startsWith("state.txt:4: enc key has an odd number of hex digits (31)");
    }

    @Test
    void aByteOrderMarkBeforeTheFirstLineIsAccepted() throws SaConfigException {
        String line = "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x1\",\"AES-CBC [RFC3602]\",\"" + K16
                + "\",\"HMAC-SHA-1-96 [RFC2404]\",\"" + K20 + "\"\n";
        assertThat(SaConfigReader.read("bom.conf", "\uFEFF" + line)).singleElement()
                .satisfies(c -> assertThat(c.spi()).isEqualTo(1));
        assertThat(SaConfigReader.read("bom.sh", "\uFEFFip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x10"
                + " aead 'rfc4106(gcm(aes))' " + K20 + " 128\n")).hasSize(1);
    }

    @Test
    void emptyAndUnreadableFiles() {
        assertThat(error("empty.conf", "# nothing\n\n")).isEqualTo("empty.conf: no security association in the file");
        assertThatThrownBy(() -> SaConfigReader.read(Path.of("/nonexistent/sa.conf")))
                .isInstanceOf(SaConfigException.class).hasMessageStartingWith("/nonexistent/sa.conf: cannot read: ")
                .satisfies(e -> assertThat(((SaConfigException) e).line()).isZero());
        assertThat(error("only-policies.sh", "ip xfrm policy flush\n"))
                .isEqualTo("only-policies.sh: no security association in the file");
    }
}
