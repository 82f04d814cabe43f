package dev.dispatchlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dispatchlab.cli.DecryptRuns.Packet;
import dev.dispatchlab.cli.DecryptRuns.Result;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.proto.InternetChecksum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static dev.dispatchlab.cli.DecryptRuns.capture;
import static dev.dispatchlab.cli.DecryptRuns.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dispatchlab decrypt} on every shared capture of {@code captures/} (real KLIPS, tcpdump and
 * RFC 7634 traffic) with its SA file: the output pcap must hold exactly the inner packets the
 * {@code *-captures.json} files list, in capture order, with the capture's times, and the accounting
 * must balance. What a written packet is, from a case of the JSON:
 * <ul>
 *   <li>tunnel mode: the {@code plaintext}, unless it is itself an ESP packet (nested ESP: the next
 *       case, the inner SA's, gives the packet written);</li>
 *   <li>transport mode, and IPComp passed through: the {@code outer_ip_header} with its protocol set to
 *       the {@code next_header}, its total length and checksum fixed, then the {@code plaintext};</li>
 *   <li>IPComp with {@code --decompress}: the plaintext after its 4-byte IPComp header, inflated (the
 *       KLIPS capture's IPComp carries whole IPv4 packets, next header 4).</li>
 * </ul>
 */
class DecryptSharedCapturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A capture, its SA file and the packets a run must write. */
    record Shared(String capture, String saFile, List<byte[]> expected, List<byte[]> decompressed) {
        @Override
        public String toString() {
            return capture;
        }
    }

    static Stream<Shared> shared() throws IOException {
        List<Shared> out = new ArrayList<>();
        JsonNode klips = json("/captures/openswan-klips-captures.json");
        JsonNode tcpdump = json("/captures/tcpdump-captures.json");
        for (String name : List.of("02-east-west-transport", "02-sunrise-sunset-esp", "08-east-west-esp-ipcomp",
                "08-sunrise-sunset-aes", "08-sunrise-sunset-aes128", "08-sunrise-sunset-esp-double",
                "08-sunrise-sunset-esp-noauth", "08-sunrise-sunset-esp-sha1", "08-sunrise-sunset-udpesp-ping",
                "espfrags1")) {
            String file = "openswan-klips/" + name + ".pcap";
            out.add(shared(file, "openswan-klips/" + name + ".esp_sa", klips, "captures/" + file));
        }
        out.add(shared("tcpdump/espudp1.pcap", "tcpdump/espudp1.esp_sa", tcpdump, "captures/tcpdump/espudp1.pcap"));
        for (String variant : List.of("espfrags1", "espfrags1-be", "espfrags1-nsec", "espfrags1-pow2")) {
            out.add(shared("pcapng/" + variant + ".pcapng", "openswan-klips/espfrags1.esp_sa", klips,
                    "captures/openswan-klips/espfrags1.pcap"));
        }
        // RFC 7634 Appendix B: cleartext ICMP, one ChaCha20-Poly1305 ESP packet (Appendix A's), IKE.
        JsonNode rfc7634 = json("/vectors/rfc7634-chacha20-poly1305-esp.json").get(0);
        List<byte[]> one = List.of(hex(rfc7634.get("plaintext").asText()));
        out.add(new Shared("rfc7634/rfc7634-appendixB.snoop", "/decrypt/rfc7634-appendixB.esp_sa", one, one));
        out.add(new Shared("rfc7634/rfc7634-appendixB.pcap", "/decrypt/rfc7634-appendixB.esp_sa", one, one));
        return out.stream();
    }

    private static Shared shared(String capture, String saFile, JsonNode cases, String captureFile) {
        List<byte[]> expected = new ArrayList<>();
        List<byte[]> decompressed = new ArrayList<>();
        for (JsonNode c : cases) {
            if (!c.get("capture_file").asText().equals(captureFile)) {
                continue;
            }
            byte[] plain = hex(c.get("plaintext").asText());
            int nh = c.get("next_header").asInt();
            if (nh == 108) {
                expected.add(rebuilt(c, nh, plain));
                decompressed.add(inflate(Arrays.copyOfRange(plain, 4, plain.length)));
            } else if (nh == 4 || nh == 41) {
                if (nh == 4 && (plain[9] & 0xFF) == 50) {
                    continue; // nested: this plaintext is the inner SA's ESP packet, decrypted in turn
                }
                expected.add(plain);
                decompressed.add(plain);
            } else {
                expected.add(rebuilt(c, nh, plain));
                decompressed.add(expected.getLast());
            }
        }
        assertThat(expected).as("cases for %s", captureFile).isNotEmpty();
        return new Shared(capture, saFile, expected, decompressed);
    }

    /** The outer IPv4 header of the case with protocol {@code nh}, lengths and checksum fixed, then the plaintext. */
    private static byte[] rebuilt(JsonNode c, int nh, byte[] plain) {
        byte[] outer = hex(c.get("outer_ip_header").asText());
        int ihl = (outer[0] & 0x0F) * 4;
        byte[] out = new byte[ihl + plain.length];
        System.arraycopy(outer, 0, out, 0, ihl);
        System.arraycopy(plain, 0, out, ihl, plain.length);
        out[9] = (byte) nh;
        Bytes.put16(out, 2, out.length);
        Bytes.put16(out, 10, 0);
        Bytes.put16(out, 10, InternetChecksum.checksum(out, 0, ihl));
        return out;
    }

    private static byte[] inflate(byte[] deflated) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(Arrays.copyOf(deflated, deflated.length + 1));
            byte[] out = new byte[65536];
            int n = inf.inflate(out);
            assertThat(inf.finished()).isTrue();
            return Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new AssertionError(e);
        } finally {
            inf.end();
        }
    }

    private static JsonNode json(String resource) throws IOException {
        try (InputStream in = DecryptSharedCapturesTest.class.getResourceAsStream(resource)) {
            return JSON.readTree(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shared")
    void writesEveryExpectedInnerPacket(Shared s, @TempDir Path dir) throws IOException {
        Path out = dir.resolve("plain.pcap");
        Path json = dir.resolve("report.json");
        Result r = DecryptRuns.run("decrypt", "--sa", capture(s.saFile()).toString(), capture(s.capture()).toString(),
                "-o", out.toString(), "--json", json.toString());

        assertThat(r.exit()).as("exit status; stderr: %s", r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(DecryptRuns.linkType(out)).isEqualTo(101);
        List<Packet> written = DecryptRuns.read(out);
        assertThat(written.stream().map(p -> hex(p.bytes())).toList())
                .containsExactlyElementsOf(s.expected().stream().map(DecryptRuns::hex).toList());
        assertThat(r.out()).contains("written:           " + s.expected().size() + " packets")
                .containsPattern("accounting: +frames \\d+ = written " + s.expected().size()
                        + " \\+ ike \\d+ \\+ fragments absorbed \\d+ \\+ dropped \\d+, in flight 0: balanced");

        JsonNode report = JSON.readTree(json.toFile());
        assertThat(report.get("written").asLong()).isEqualTo(s.expected().size());
        assertThat(report.get("accounting").get("balanced").asBoolean()).isTrue();
        assertThat(report.get("accounting").get("inFlight").asLong()).isZero();
        assertThat(report.get("frames").asLong()).isEqualTo(DecryptRuns.read(capture(s.capture())).size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shared")
    void keepsTheTimeOfTheFrameThatCarriedEachPacket(Shared s, @TempDir Path dir) {
        Path out = dir.resolve("plain.pcap");
        assertThat(DecryptRuns.run("decrypt", "--sa", capture(s.saFile()).toString(), capture(s.capture()).toString(),
                "-o", out.toString()).exit()).isZero();
        List<Packet> in = DecryptRuns.read(capture(s.capture()));
        List<Packet> written = DecryptRuns.read(out);
        for (int i = 0; i < written.size(); i++) {
            // espfrags1: two fragments a packet, the second completes it; RFC 7634: ICMP, then the ESP frame
            int carrier = s.capture().contains("espfrags1") ? 2 * i + 1 : s.capture().contains("rfc7634") ? 1 : i;
            assertThat(written.get(i).nanos()).as("time of packet %d", i).isEqualTo(in.get(carrier).nanos());
        }
    }

    @Test
    void decompressesIpcompWhenAsked(@TempDir Path dir) throws IOException {
        Shared s = shared().filter(x -> x.capture().contains("ipcomp")).findFirst().orElseThrow();
        Path out = dir.resolve("inflated.pcap");
        Result r = DecryptRuns.run("decrypt", "--decompress", "--sa", capture(s.saFile()).toString(),
                capture(s.capture()).toString(), "-o", out.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        List<Packet> written = DecryptRuns.read(out);
        assertThat(written.stream().map(p -> hex(p.bytes())).toList())
                .containsExactlyElementsOf(s.decompressed().stream().map(DecryptRuns::hex).toList());
        // what KLIPS compressed: a 1024-byte ICMP echo from 192.0.2.1 to 192.0.1.1
        for (Packet p : written) {
            assertThat(p.bytes()).hasSize(1024);
            assertThat(hex(Arrays.copyOf(p.bytes(), 20))).isEqualTo("45000400000040003f01b4fac0000201c0000101");
        }
        assertThat(r.out()).contains("IPComp:            8 decompressed, 0 written compressed");
    }

    @Test
    void nestedEspCountsBothLayersAndWritesTheInnermostPacket() {
        Result r = DecryptRuns.run("decrypt", "--sa", capture("openswan-klips/08-sunrise-sunset-esp-double.esp_sa").toString(),
                capture("openswan-klips/08-sunrise-sunset-esp-double.pcap").toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("0x12345678 192.1.2.23 -> 192.1.2.45  auto  3des-cbc/192 hmac-md5-96  window 1024  decrypted 8")
                .contains("0xabcdabcd 192.1.2.23 -> 192.0.1.1  auto  3des-cbc/192 hmac-md5-96  window 1024  decrypted 8")
                .contains("ESP decrypted:     16")
                .contains("decrypted out:     8 packets");
    }

    @Test
    void cleartextFramesAreCountedNotErrors() {
        Result r = DecryptRuns.run("decrypt", "--sa", capture("/decrypt/rfc7634-appendixB.esp_sa").toString(),
                capture("rfc7634/rfc7634-appendixB.snoop").toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("IKE passed:        1")
                .containsPattern("ip unsupported protocol +1 \\* ")
                .contains("accounting:        frames 3 = written 1 + ike 1 + fragments absorbed 0 + dropped 1, in flight 0: balanced");
    }

    @Test
    void framesThePathCannotUseAreCountedDrops() {
        // mixed.pcapng: a simple packet block cut to a 100-byte snap length (a truncated IP packet) and a
        // lone first fragment; see pcapng/README.md
        Result r = DecryptRuns.run("decrypt", "--sa", capture("openswan-klips/espfrags1.esp_sa").toString(),
                capture("pcapng/mixed.pcapng").toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("ip truncated +1 ")
                .containsPattern("fragment incomplete +1 ")
                .contains("in flight 0: balanced");
    }
}
