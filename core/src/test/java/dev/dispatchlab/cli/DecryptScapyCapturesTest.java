package dev.dispatchlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dispatchlab.cli.DecryptRuns.Packet;
import dev.dispatchlab.cli.DecryptRuns.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.dispatchlab.cli.DecryptRuns.capture;
import static dev.dispatchlab.cli.DecryptRuns.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code decrypt} on {@code decrypt/scapy-esp.pcap} (test resources), which {@code make-captures.py} builds
 * with scapy's ESP: AES-GCM, AES-CBC + HMAC-SHA-256 and ChaCha20-Poly1305; tunnel and transport;
 * IPv4 and IPv6 outside and inside; NAT-T; IP-fragmented ESP in and out of order; ESP carrying
 * IPComp; and what a capture also holds (ARP, plain UDP, IKE on 500 and 4500, a keepalive, ICMP, a
 * duplicate frame, an unknown SPI, a damaged packet). The expected packets and counts are in
 * {@code scapy-esp.expected.json}, computed by the script from what it gave scapy, not by decrypting.
 */
class DecryptScapyCapturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = capture("/decrypt/scapy-esp.pcap").getParent();
    private static final Path PCAP = DIR.resolve("scapy-esp.pcap");

    private static JsonNode expected() throws IOException {
        return JSON.readTree(DIR.resolve("scapy-esp.expected.json").toFile());
    }

    /** @return the packets a run must write, in order, with the frame that carries each */
    private static List<Map.Entry<Integer, String>> packets(boolean replayWindow0, boolean decompress) throws IOException {
        List<Map.Entry<Integer, String>> out = new ArrayList<>();
        for (JsonNode w : expected().get("written")) {
            if (w.path("replay_window_0_only").asBoolean() && !replayWindow0) {
                continue;
            }
            String bytes = decompress && w.has("decompressed") ? w.get("decompressed").asText() : w.get("packet").asText();
            out.add(Map.entry(w.get("frame").asInt(), bytes));
        }
        return out;
    }

    private static void assertWritten(Path out, List<Map.Entry<Integer, String>> want) {
        List<Packet> in = DecryptRuns.read(PCAP);
        List<Packet> written = DecryptRuns.read(out);
        assertThat(written.stream().map(p -> hex(p.bytes())).toList())
                .containsExactlyElementsOf(want.stream().map(Map.Entry::getValue).toList());
        for (int i = 0; i < written.size(); i++) {
            assertThat(written.get(i).nanos()).as("time of packet %d", i)
                    .isEqualTo(in.get(want.get(i).getKey() - 1).nanos());
        }
    }

    private static Map<String, Long> drops(JsonNode report) {
        Map<String, Long> m = new LinkedHashMap<>();
        report.get("drops").properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
        return m;
    }

    @Test
    void decryptsEveryAlgorithmModeAndFamily(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("plain.pcap");
        Path json = dir.resolve("report.json");
        Result r = DecryptRuns.run("decrypt", "--sa", DIR.resolve("scapy-esp.esp_sa").toString(), PCAP.toString(),
                "-o", out.toString(), "--json", json.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertWritten(out, packets(false, false));
        JsonNode want = expected();
        JsonNode report = JSON.readTree(json.toFile());
        Map<String, Long> wantDrops = new LinkedHashMap<>();
        want.get("drops").properties().forEach(e -> wantDrops.put(e.getKey(), e.getValue().asLong()));
        assertThat(drops(report)).containsExactlyInAnyOrderEntriesOf(wantDrops);
        assertThat(report.get("ikePassed").asLong()).isEqualTo(want.get("ike_passed").asLong());
        assertThat(report.get("fragmentsAbsorbed").asLong()).isEqualTo(want.get("fragments_absorbed").asLong());
        assertThat(report.get("reassembled").asLong()).isEqualTo(want.get("reassembled").asLong());
        assertThat(report.get("cleartext").asLong()).isEqualTo(4);
        assertThat(report.get("ipcompWritten").asLong()).isEqualTo(2);
        assertThat(report.get("accounting").get("balanced").asBoolean()).isTrue();
        assertThat(report.get("frames").asLong()).isEqualTo(want.get("frames").size());
        // per SA: what each decrypted, and the two rejections of SA 0xa001
        Map<String, JsonNode> sas = new LinkedHashMap<>();
        report.get("sas").forEach(s -> sas.put(s.get("spi").asText(), s));
        assertThat(sas.get("0x0000a001").get("decrypted").asLong()).isEqualTo(4);
        assertThat(sas.get("0x0000a001").get("integrityFailures").asLong()).isEqualTo(1);
        assertThat(sas.get("0x0000a001").get("replayDrops").asLong()).isEqualTo(1);
        assertThat(sas.get("0x0000c001").get("encryption").asText()).isEqualTo("chacha20-poly1305");
        assertThat(sas.get("0x0000c001").get("source").asText()).isEqualTo("2001:db8::1");
        assertThat(sas.get("0x0000c001").get("decrypted").asLong()).isEqualTo(1);
        assertThat(r.out()).contains("0x0000a001 10.0.0.1 -> 10.0.0.2  auto  aes-gcm-16/128 none  window 1024"
                + "  decrypted 4, integrity failures 1, replayed 1");
    }

    @Test
    void twoSaFilesInTwoFormatsGiveTheSamePackets(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("plain.pcap");
        Result r = DecryptRuns.run("decrypt", "--sa", DIR.resolve("scapy-esp-v4.esp_sa").toString(),
                "--sa", DIR.resolve("scapy-esp-v6.xfrm").toString(), PCAP.toString(), "-o", out.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertWritten(out, packets(false, false));
        // the xfrm file says the mode and a window of 64
        assertThat(r.out()).contains("0x0000f001 2001:db8::1 -> 2001:db8::2  transport  aes-gcm-16/128 none  window 64");
    }

    @Test
    void replayWindowZeroWritesTheDuplicateAndDecompressInflatesIpcomp(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("plain.pcap");
        Path json = dir.resolve("report.json");
        Result r = DecryptRuns.run("decrypt", "--replay-window", "0", "--decompress", "--sa",
                DIR.resolve("scapy-esp.esp_sa").toString(), PCAP.toString(), "-o", out.toString(), "--json",
                json.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertWritten(out, packets(true, true));
        JsonNode report = JSON.readTree(json.toFile());
        assertThat(drops(report)).doesNotContainKey("replay").containsEntry("integrity", 1L);
        assertThat(report.get("ipcompDecompressed").asLong()).isEqualTo(2);
        assertThat(report.get("ipcompWritten").asLong()).isZero();
        assertThat(report.get("settings").get("replayWindow").asInt()).isZero();
    }

    /** The committed files are what the committed script makes (it fixes keys and IVs, so it is repeatable). */
    @Test
    void theScriptMakesTheCommittedFiles(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder(python(), DIR.resolve("make-captures.py").toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("make-captures.py finished").isTrue();
        assertThat(p.exitValue()).as("make-captures.py failed (python3-scapy installed?): %s", log).isZero();
        for (String f : List.of("scapy-esp.pcap", "scapy-esp.esp_sa", "scapy-esp-v4.esp_sa", "scapy-esp-v6.xfrm",
                "scapy-esp.expected.json")) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(Files.readAllBytes(DIR.resolve(f)));
        }
    }

    /** {@code -Dinterop.python=...}, else Debian's interpreter (which has python3-scapy), else python3 on the PATH. */
    static String python() {
        String chosen = System.getProperty("interop.python");
        if (chosen != null) {
            return chosen;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
