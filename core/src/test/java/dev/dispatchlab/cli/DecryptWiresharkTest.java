package dev.dispatchlab.cli;

import dev.dispatchlab.cli.DecryptRuns.Packet;
import dev.dispatchlab.cli.DecryptRuns.Result;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.dispatchlab.cli.DecryptRuns.capture;
import static dev.dispatchlab.cli.DecryptRuns.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-check with Wireshark's own ESP decryption (tshark 4.0, Debian's): for every capture with an
 * SA file, tshark decrypts with the same SAs ({@code -o esp.enable_encryption_decode:TRUE} and one
 * {@code -o uat:esp_sa:LINE} per SA), prints every data source of every frame ({@code -x}: the frame,
 * "Reassembled IPv4", "Decrypted Data", "IPcomp inflated data"), and each packet {@code decrypt}
 * wrote must be one of them, found in the frames with the packet's capture time: a tunnel-mode
 * packet equal to the decrypted plaintext (Wireshark's "Decrypted Data" less padding, pad length and
 * next header), a transport-mode packet's payload after its IP header equal to it; with
 * {@code --decompress}, to "IPcomp inflated data" (Wireshark inflates IPComp by itself).
 *
 * <p>What tshark 4.0 cannot cross-check: ChaCha20-Poly1305 (RFC 7634). Its esp_sa table has no such
 * algorithm and rejects the line, so those SAs are left out of tshark's table and the packets they
 * protect (one in the RFC 7634 capture, one in scapy-esp.pcap) are counted as not cross-checked; the
 * test requires exactly that many, so a packet of any other SA that tshark does not confirm fails it.
 * Wireshark also checks neither anti-replay nor, for AES-GCM, the tag, so it shows packets that
 * {@code decrypt} rightly drops (the duplicate and the damaged frame of scapy-esp.pcap): the check
 * goes from our packets to Wireshark's, not back.
 *
 * <p>No tshark is a failure saying what to install, never a skip ({@code ./run-tests} installs it).
 */
class DecryptWiresharkTest {

    private static final Pattern TITLE = Pattern.compile("^(.+) \\((\\d+) bytes\\):$");

    /** A capture, its Wireshark SA file, and how many written packets tshark cannot confirm (ChaCha20). */
    record Case(String capture, String saFile, int notCrossCheckable) {
        @Override
        public String toString() {
            return capture;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        // One capture per feature (tshark takes seconds to start; the shared captures' plaintexts were
        // confirmed with Wireshark when they were added, see captures/README.md, and every shared
        // capture is compared with them in DecryptSharedCapturesTest).
        for (String name : List.of("02-east-west-transport", "02-sunrise-sunset-esp", "08-east-west-esp-ipcomp",
                "08-sunrise-sunset-aes", "08-sunrise-sunset-esp-double", "08-sunrise-sunset-esp-noauth",
                "08-sunrise-sunset-udpesp-ping", "espfrags1")) {
            out.add(new Case("openswan-klips/" + name + ".pcap", "openswan-klips/" + name + ".esp_sa", 0));
        }
        out.add(new Case("rfc7634/rfc7634-appendixB.pcap", "/decrypt/rfc7634-appendixB.esp_sa", 1));
        out.add(new Case("/decrypt/scapy-esp.pcap", "/decrypt/scapy-esp.esp_sa", 1));
        // partial (offload) UDP checksums: Wireshark, like decrypt by default, decrypts them all the same
        out.add(new Case("/decrypt/offload-natt.pcap", "/decrypt/offload-natt.esp_sa", 0));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wiresharkDecryptsTheSamePackets(Case c, @TempDir Path dir) throws Exception {
        List<List<byte[]>> tshark = tshark(c, dir);
        List<Packet> frames = DecryptRuns.read(capture(c.capture()));
        assertThat(tshark).as("one group of data sources per frame in tshark -x").hasSize(frames.size());

        for (boolean decompress : new boolean[]{false, true}) {
            Path out = dir.resolve("plain-" + decompress + ".pcap");
            List<String> args = new ArrayList<>(List.of("decrypt", "--sa", capture(c.saFile()).toString(),
                    capture(c.capture()).toString(), "-o", out.toString()));
            if (decompress) {
                args.add("--decompress");
            }
            Result r = DecryptRuns.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            List<Packet> written = DecryptRuns.read(out);
            assertThat(written).isNotEmpty();
            int unconfirmed = 0;
            for (Packet w : written) {
                List<byte[]> candidates = new ArrayList<>();
                boolean anyDecrypted = false;
                for (int f = 0; f < frames.size(); f++) {
                    if (frames.get(f).nanos() == w.nanos()) {
                        List<byte[]> decrypted = tshark.get(f);
                        anyDecrypted |= !decrypted.isEmpty();
                        candidates.addAll(decrypted);
                    }
                }
                if (candidates.stream().noneMatch(t -> matches(w.bytes(), t))) {
                    assertThat(anyDecrypted).as("tshark decrypted a frame at %d ns, but not to %s", w.nanos(),
                            hex(w.bytes())).isFalse();
                    unconfirmed++;
                }
            }
            assertThat(unconfirmed).as("written packets tshark could not decrypt (ChaCha20-Poly1305 only)")
                    .isEqualTo(c.notCrossCheckable());
        }
    }

    /** @return true if {@code written} is {@code theirs}, or its payload after the IP header is */
    private static boolean matches(byte[] written, byte[] theirs) {
        if (Arrays.equals(written, theirs)) {
            return true;
        }
        int header = (written[0] & 0xF0) == 0x40 ? (written[0] & 0x0F) * 4 : 40;
        return written.length > header && Arrays.equals(Arrays.copyOfRange(written, header, written.length), theirs);
    }

    /**
     * Runs tshark and returns, per frame, the plaintexts it found: each "Decrypted Data" without its
     * ESP trailer, and each "IPcomp inflated data".
     */
    private static List<List<byte[]>> tshark(Case c, Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tsharkBinary(), "-n", "-r", capture(c.capture()).toString(),
                "-o", "esp.enable_encryption_decode:TRUE"));
        for (String line : Files.readAllLines(capture(c.saFile()))) {
            // tshark 4.0 rejects ChaCha20-Poly1305 SA lines: it cannot decrypt them (see the class note)
            if (line.startsWith("\"") && !line.contains("ChaCha20")) {
                cmd.add("-o");
                cmd.add("uat:esp_sa:" + line);
            }
        }
        cmd.add("-x");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("tshark.err").toFile());
        pb.environment().put("HOME", dir.toString()); // no user preferences or profiles
        pb.environment().put("XDG_CONFIG_HOME", dir.toString());
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
        assertThat(p.exitValue()).as("tshark: %s", Files.readString(dir.resolve("tshark.err"))).isZero();

        List<List<byte[]>> frames = new ArrayList<>();
        for (String group : text.split("\n\n")) {
            if (group.isBlank()) {
                continue;
            }
            List<byte[]> plaintexts = new ArrayList<>();
            String title = null;
            StringBuilder hexBytes = new StringBuilder();
            for (String line : (group + "\nEnd (0 bytes):").split("\n")) {
                Matcher m = TITLE.matcher(line);
                if (m.matches()) {
                    if (title != null) {
                        byte[] b = hex(hexBytes.toString());
                        if (title.equals("Decrypted Data") && b.length >= 2) {
                            plaintexts.add(Arrays.copyOf(b, Math.max(0, b.length - 2 - (b[b.length - 2] & 0xFF))));
                        } else if (title.startsWith("IPcomp inflated")) {
                            plaintexts.add(b);
                        }
                    }
                    title = m.group(1);
                    hexBytes.setLength(0);
                } else if (line.length() > 6) {
                    // "0010  c0 a8 02 01 ...   ascii": the hex column is 47 characters after the offset
                    hexBytes.append(line.substring(6, Math.min(line.length(), 6 + 47)).replace(" ", ""));
                }
            }
            frames.add(plaintexts);
        }
        return frames;
    }

    private static String tsharkBinary() {
        for (String p : List.of("/usr/bin/tshark", "/usr/local/bin/tshark")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new AssertionError("tshark is needed for the Wireshark cross-check: install it (Debian: apt-get install"
                + " tshark; ./run-tests does)");
    }
}
