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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.dispatchlab.cli.DecryptRuns.capture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code decrypt} on {@code decrypt/offload-natt.pcap}: NAT-T ESP as a capture on the sending host holds
 * it, the UDP checksums partial (the pseudo-header sum transmit offload leaves for the device), one
 * IPv4 header checksum left at 0 as well. {@code make-offload-capture.py} builds it with scapy; the
 * expected packets in {@code offload-natt.expected.json} are the inner packets it gave scapy.
 */
class DecryptOffloadCaptureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PCAP = capture("/decrypt/offload-natt.pcap");
    private static final Path DIR = PCAP.getParent();
    private static final String SA = DIR.resolve("offload-natt.esp_sa").toString();

    private static JsonNode expected() throws IOException {
        return JSON.readTree(DIR.resolve("offload-natt.expected.json").toFile());
    }

    @Test
    void partialChecksumsAreCountedAndEveryPacketDecryptsByteExact(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("plain.pcap");
        Path json = dir.resolve("report.json");
        Result r = DecryptRuns.run("decrypt", "--sa", SA, PCAP.toString(), "-o", out.toString(), "--json", json.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode want = expected();
        List<String> packets = new ArrayList<>();
        want.get("written").forEach(w -> packets.add(w.get("packet").asText()));
        assertThat(DecryptRuns.read(out).stream().map(Packet::bytes).map(DecryptRuns::hex).toList())
                .containsExactlyElementsOf(packets);
        long unverified = want.get("checksum_not_verified").asLong();
        assertThat(r.out()).contains("checksum not verified: " + unverified).contains("dropped:           none")
                .contains(": balanced");
        JsonNode report = JSON.readTree(json.toFile());
        assertThat(report.get("checksumNotVerified").asLong()).isEqualTo(unverified);
        assertThat(report.get("ikePassed").asLong()).isEqualTo(want.get("ike_passed").asLong());
        assertThat(report.get("settings").get("verifyChecksums").asBoolean()).isFalse();
    }

    @Test
    void verifyChecksumsDropsThemUnderTheirReasons(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("report.json");
        Result r = DecryptRuns.run("decrypt", "--verify-checksums", "--sa", SA, PCAP.toString(), "--json", json.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode report = JSON.readTree(json.toFile());
        JsonNode strict = expected().get("strict_drops");
        strict.properties().forEach(e -> assertThat(report.get("drops").get(e.getKey()).asLong())
                .as(e.getKey()).isEqualTo(e.getValue().asLong()));
        assertThat(report.has("checksumNotVerified")).isFalse();
        assertThat(report.get("written").asLong()).isEqualTo(2);
        assertThat(r.out()).contains("checksums:         verified").contains(": balanced");
    }

    @Test
    void theScriptMakesTheCommittedFiles(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder(DecryptScapyCapturesTest.python(), DIR.resolve("make-offload-capture.py").toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("make-offload-capture.py finished").isTrue();
        assertThat(p.exitValue()).as("make-offload-capture.py failed (python3-scapy installed?): %s", log).isZero();
        for (String f : List.of("offload-natt.pcap", "offload-natt.esp_sa", "offload-natt.expected.json")) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(Files.readAllBytes(DIR.resolve(f)));
        }
    }
}
