package dev.dispatchlab.esp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.Transform;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of {@code vectors/*.json}: ESP packets decrypted through {@link EspInput} and, where the
 * case fixes the IV, encrypted through {@link EspOutput} and compared byte for byte; bare AES-CBC
 * and HMAC cases through the crypto transforms and the integrity algorithms.
 */
class EspVectorTest {

    static final List<String> FILES = List.of(
            "vectors/rfc3602-aes-cbc-esp.json",
            "vectors/draft-mcgrew-gcm-test-01-aes-gcm-gmac-esp.json",
            "vectors/rfc7634-chacha20-poly1305-esp.json",
            "vectors/hmac-rfc2404-rfc2202-rfc4868.json");
    private static final String HMAC_FILE = "vectors/hmac-rfc2404-rfc2202-rfc4868.json";
    /** Outer addresses for vectors that give no IP header (the GCM draft starts at the SPI). */
    private static final String SYNTH_SRC = "192.0.2.1";
    private static final String SYNTH_DST = "192.0.2.2";

    static Stream<Arguments> espCases() {
        return FILES.stream().filter(f -> !f.equals(HMAC_FILE)).flatMap(f -> Vectors.cases(f).stream())
                .filter(c -> Vectors.text(c, "kind").equals("esp-packet"))
                .map(c -> Arguments.of(Vectors.text(c, "name"), c));
    }

    static Stream<Arguments> primitiveCases() {
        return FILES.stream().filter(f -> !f.equals(HMAC_FILE)).flatMap(f -> Vectors.cases(f).stream())
                .filter(c -> Vectors.text(c, "kind").equals("primitive"))
                .map(c -> Arguments.of(Vectors.text(c, "name"), c));
    }

    static Stream<Arguments> hmacCases() {
        return Vectors.cases(HMAC_FILE).stream().map(c -> Arguments.of(Vectors.text(c, "name"), c));
    }

    @Test
    void everyVectorFileIsRead() throws IOException {
        try (Stream<Path> files = Files.list(Vectors.resource("vectors"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json"))
                    .map(f -> "vectors/" + f.getFileName()).sorted().toList())
                    .as("a vector file nobody runs").containsExactlyInAnyOrderElementsOf(FILES);
        }
        // the README's counts: 8 AES-CBC, 17 GCM/GMAC, 1 ChaCha20, 19 HMAC
        assertThat(espCases().count() + primitiveCases().count()).isEqualTo(8 + 17 + 1);
        assertThat(hmacCases().count()).isEqualTo(19);
    }

    /** @return the packet on the wire, with an outer IPv4 header (made up where the vector has none) */
    private static byte[] wire(JsonNode c) {
        if (Vectors.text(c, "outer_ip_header") != null) {
            return Vectors.hex(c, "esp_packet");
        }
        return EspHarness.ipv4(EspDescriptor.PROTO_ESP, Vectors.hex(c, "esp_only"), SYNTH_SRC, SYNTH_DST);
    }

    private static byte[] outerHeader(JsonNode c) {
        byte[] h = Vectors.hex(c, "outer_ip_header");
        return h != null ? h : Arrays.copyOf(wire(c), 20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("espCases")
    void decrypts(String name, JsonNode c) {
        long seq = Vectors.seq(c);
        byte[] outer = outerHeader(c);
        int nh = c.get("next_header").asInt();
        byte[] plaintext = Vectors.hex(c, "plaintext");
        byte[] padding = Vectors.hex(c, "padding");
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = SecurityAssociation.builder(Vectors.spi(c),
                            new CryptoSession(Vectors.params(c), EspHarness.DRIVER))
                    .mode(Vectors.mode(c))
                    .destination(InetAddress.ofLiteral(addressText(outer, 16)))
                    .inboundHighestSequence(seq - 1)
                    .build();
            h.sas.add(sa);
            EspHarness.Decap d = h.open(wire(c));
            assertThat(d.drop()).as("dropped").isNull();
            boolean tunnel = nh == EspDescriptor.NEXT_IPV4 || nh == EspDescriptor.NEXT_IPV6;
            if (tunnel) {
                assertThat(Bytes.hex(d.packet())).isEqualTo(Bytes.hex(plaintext));
            } else {
                int hdr = 20;
                assertThat(d.packet()[9] & 0xFF).as("next header as the rebuilt protocol").isEqualTo(nh);
                assertThat(Bytes.u16(d.packet(), 2)).isEqualTo(hdr + plaintext.length);
                assertThat(IpHeaders.ipv4ChecksumValid(d.packet(), 0, hdr)).isTrue();
                assertThat(Bytes.hex(Arrays.copyOfRange(d.packet(), hdr, d.packet().length)))
                        .isEqualTo(Bytes.hex(plaintext));
            }
            // the decrypted trailer stays right after the packet in the buffer
            assertThat(Bytes.hex(Arrays.copyOf(d.after(), padding.length))).isEqualTo(Bytes.hex(padding));
            assertThat(d.after()[padding.length] & 0xFF).isEqualTo(c.get("pad_length").asInt());
            assertThat(d.after()[padding.length + 1] & 0xFF).isEqualTo(nh);
            assertThat(sa.replayWindow().top()).isEqualTo(seq);
            assertThat(d.depth()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("espCases")
    void encryptsByteForByte(String name, JsonNode c) {
        byte[] iv = Vectors.hex(c, "iv");
        assertThat(iv).as("every ESP vector fixes its IV").isNotNull();
        Mode mode = Vectors.mode(c) == null ? Mode.TRANSPORT : Vectors.mode(c);
        byte[] outer = outerHeader(c);
        int nh = c.get("next_header").asInt();
        byte[] plaintext = Vectors.hex(c, "plaintext");
        byte[] ip;
        if (mode == Mode.TUNNEL) {
            ip = plaintext;
        } else {
            ip = new byte[20 + plaintext.length];
            System.arraycopy(outer, 0, ip, 0, 20);
            ip[9] = (byte) nh;
            Bytes.put16(ip, 2, ip.length);
            IpHeaders.ipv4Checksum(ip, 0, 20);
            System.arraycopy(plaintext, 0, ip, 20, plaintext.length);
        }
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = SecurityAssociation.builder(Vectors.spi(c),
                            new CryptoSession(Vectors.params(c), EspHarness.DRIVER))
                    .mode(mode)
                    .source(InetAddress.ofLiteral(addressText(outer, 12)))
                    .destination(InetAddress.ofLiteral(addressText(outer, 16)))
                    .outboundSequence(Vectors.seq(c))
                    .build();
            byte[] out = h.seal(sa, ip, iv);
            assertThat(out).as("sealed").isNotNull();
            byte[] espOnly = Vectors.hex(c, "esp_only");
            assertThat(Bytes.hex(Arrays.copyOfRange(out, 20, out.length))).isEqualTo(Bytes.hex(espOnly));
            if (mode == Mode.TRANSPORT && Vectors.text(c, "outer_ip_header") != null) {
                assertThat(Bytes.hex(out)).isEqualTo(Vectors.text(c, "esp_packet"));
            } else if (mode == Mode.TUNNEL) {
                // a new outer header: all as printed except the identification (ours counts from a random start)
                byte[] mine = Arrays.copyOf(out, 20);
                byte[] theirs = Arrays.copyOf(outer, 20);
                assertThat(IpHeaders.ipv4ChecksumValid(mine, 0, 20)).isTrue();
                for (int i : new int[] {4, 5, 10, 11}) {
                    mine[i] = 0;
                    theirs[i] = 0;
                }
                assertThat(Bytes.hex(mine)).isEqualTo(Bytes.hex(theirs));
            }
        }
    }

    private static String addressText(byte[] ipv4Header, int at) {
        return (ipv4Header[at] & 0xFF) + "." + (ipv4Header[at + 1] & 0xFF) + "." + (ipv4Header[at + 2] & 0xFF) + "."
                + (ipv4Header[at + 3] & 0xFF);
    }

    /** RFC 3602 cases 1-4: bare AES-CBC, through the ESP transform (NULL integrity) in both directions. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("primitiveCases")
    void aesCbcPrimitiveThroughTheTransform(String name, JsonNode c) {
        byte[] key = Vectors.hex(c, "key");
        byte[] iv = Vectors.hex(c, "iv");
        byte[] pt = Vectors.hex(c, "plaintext");
        byte[] ct = Vectors.hex(c, "ciphertext");
        SessionParams sp = new SessionParams(EncryptionAlgorithm.AES_CBC, key, IntegrityAlgorithm.NONE, null, false);
        Transform t = Transform.create(sp);
        PacketBuffer p = PacketBuffer.unpooled(1024, 64);
        p.append(new byte[8], 0, 8);
        p.append(iv, 0, iv.length);
        p.append(pt, 0, pt.length);
        int a = p.offset();
        CryptoRequest r = new CryptoRequest().describe(null, CryptoOp.SEAL, p, a, a + 8, a + 24, pt.length,
                a + 24 + pt.length, 0);
        assertThat(t.process(r)).isEqualTo(CryptoStatus.OK);
        assertThat(Bytes.hex(p.data(), a + 24, ct.length)).isEqualTo(Bytes.hex(ct));
        r.describe(null, CryptoOp.OPEN, p, a, a + 8, a + 24, pt.length, a + 24 + pt.length, 0);
        assertThat(t.process(r)).isEqualTo(CryptoStatus.OK);
        assertThat(r.swapped()).isTrue();
        assertThat(Bytes.hex(p.data(), a + 24, pt.length)).isEqualTo(Bytes.hex(pt));
    }

    /**
     * RFC 2202 / RFC 4868 HMAC cases through the JCA MAC an {@link IntegrityAlgorithm} names, truncated
     * to its ICV; where the key has the length ESP requires and the data has ESP's shape, also as the
     * ICV the NULL-encryption transform computes over it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hmacCases")
    void hmacThroughTheIntegrityAlgorithms(String name, JsonNode c) throws Exception {
        IntegrityAlgorithm ia = IntegrityAlgorithm.byLabel(Vectors.text(c, "algorithm").split(" ")[0]);
        assertThat(ia).isNotNull();
        byte[] key = Vectors.hex(c, "key");
        byte[] data = Vectors.hex(c, "data");
        assertThat(ia.icvLength() * 8).isEqualTo(c.get("truncation_bits").asInt());
        byte[] full = mac(ia, key, data);
        assertThat(Bytes.hex(full)).isEqualTo(Vectors.text(c, "full_mac"));
        assertThat(Bytes.hex(full, 0, ia.icvLength())).isEqualTo(Vectors.text(c, "truncated_mac"));

        if (key.length == ia.keyLength() && data.length >= 8 && (data.length - 8) % 4 == 0) {
            SessionParams sp = new SessionParams(EncryptionAlgorithm.NULL, null, ia, key, false);
            PacketBuffer p = PacketBuffer.unpooled(1024, 64);
            p.append(data, 0, data.length);
            p.append(ia.icvLength());
            int a = p.offset();
            CryptoRequest r = new CryptoRequest().describe(null, CryptoOp.SEAL, p, a, a + 8, a + 8, data.length - 8,
                    a + data.length, 0);
            assertThat(Transform.create(sp).process(r)).isEqualTo(CryptoStatus.OK);
            assertThat(Bytes.hex(p.data(), a + data.length, ia.icvLength())).isEqualTo(Vectors.text(c, "truncated_mac"));
        }
    }

    private static byte[] mac(IntegrityAlgorithm ia, byte[] key, byte[] data) throws Exception {
        Mac m = Mac.getInstance(ia.jcaName());
        m.init(new SecretKeySpec(key, ia.jcaName()));
        return m.doFinal(data);
    }

    /** The two RFC 4868 misprints the vector notes describe, shown to be what the notes say. */
    @Test
    void rfc4868Misprints() throws Exception {
        JsonNode auth384 = find("rfc4868-auth384-1");
        // printed under the label HMAC-SHA-384-128, but the value is 192 bits: the -192 truncation
        assertThat(Vectors.hex(auth384, "truncated_mac")).hasSize(24);
        assertThat(Bytes.hex(mac(IntegrityAlgorithm.HMAC_SHA384_192, Vectors.hex(auth384, "key"),
                Vectors.hex(auth384, "data")), 0, 24)).isEqualTo(Vectors.text(auth384, "truncated_mac"));

        JsonNode auth512 = find("rfc4868-auth512-4");
        byte[] printedKey = Vectors.hex(auth512, "key_as_printed");
        byte[] key = Vectors.hex(auth512, "key");
        assertThat(printedKey).hasSize(80);
        assertThat(key).hasSize(64);
        byte[] data = Vectors.hex(auth512, "data");
        // the printed 80-byte key does not give the printed MAC; its last 64 bytes do
        assertThat(Bytes.hex(mac(IntegrityAlgorithm.HMAC_SHA512_256, printedKey, data)))
                .isNotEqualTo(Vectors.text(auth512, "full_mac"));
        assertThat(key).isEqualTo(Arrays.copyOfRange(printedKey, 16, 80));
        assertThat(Bytes.hex(mac(IntegrityAlgorithm.HMAC_SHA512_256, key, data)))
                .isEqualTo(Vectors.text(auth512, "full_mac"));
    }

    private static JsonNode find(String name) {
        return Vectors.cases(HMAC_FILE).stream().filter(c -> Vectors.text(c, "name").equals(name)).findFirst()
                .orElseThrow();
    }
}
