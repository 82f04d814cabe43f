package dev.dispatchlab.cli;

import dev.dispatchlab.capture.PcapWriter;
import dev.dispatchlab.cli.DecryptRuns.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.dispatchlab.cli.DecryptRuns.capture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input ends in one line on standard error that names the file, the line or record and the
 * problem, exit status 2, no stack trace, and no output file (a partial pcap is never left behind,
 * and an existing one is not touched). A frame the receive path cannot use is not bad input: it is a
 * counted drop and the run succeeds.
 */
class DecryptBadInputTest {

    private static final Path SA = capture("openswan-klips/espfrags1.esp_sa");
    private static final Path PCAP = capture("openswan-klips/espfrags1.pcap");

    @TempDir
    Path dir;

    /** Runs decrypt with {@code -o out.pcap} in the temp folder and checks the form of a bad-input failure. */
    private String fails(String... args) throws IOException {
        Path out = dir.resolve("out.pcap");
        Files.writeString(out, "an older file that a failed run must leave alone");
        String[] full = concat(args, "-o", out.toString());
        Result r = DecryptRuns.run(full);
        assertThat(r.exit()).as("exit status; stdout %s; stderr %s", r.out(), r.err()).isEqualTo(2);
        assertThat(r.errLines()).as("stderr").hasSize(1);
        assertThat(r.err()).startsWith("dispatchlab decrypt: ").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(Files.readString(out)).isEqualTo("an older file that a failed run must leave alone");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("partial")).toList()).isEmpty();
        }
        return r.errLines().getFirst();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path text(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void notACaptureFile() throws IOException {
        Path bad = text("notes.pcap", "this is not a capture file at all\n");
        assertThat(fails("decrypt", "--sa", SA.toString(), bad.toString())).isEqualTo(
                "dispatchlab decrypt: notes.pcap: file header at byte offset 0: not a capture file this reader knows:"
                        + " first bytes 7468697320697320, expected pcap (a1b2c3d4 or a1b23c4d, either byte order),"
                        + " pcapng (0a0d0d0a) or snoop (\"snoop\\0\\0\\0\")");
    }

    @Test
    void emptyFile() throws IOException {
        Path bad = file("empty.pcap", new byte[0]);
        assertThat(fails("decrypt", "--sa", SA.toString(), bad.toString()))
                .contains("empty.pcap: file header at byte offset 0: file too short for any capture header (0 bytes)");
    }

    @Test
    void truncatedLastRecord() throws IOException {
        byte[] whole = Files.readAllBytes(PCAP);
        Path cut = file("cut.pcap", Arrays.copyOf(whole, whole.length - 10));
        assertThat(fails("decrypt", "--sa", SA.toString(), cut.toString()))
                .startsWith("dispatchlab decrypt: cut.pcap: record 16 at byte offset ")
                .contains("truncated");
    }

    @Test
    void unsupportedPcapVersion() throws IOException {
        byte[] b = Files.readAllBytes(PCAP);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(4, (short) 9);
        assertThat(fails("decrypt", "--sa", SA.toString(), file("v9.pcap", b).toString()))
                .isEqualTo("dispatchlab decrypt: v9.pcap: file header at byte offset 0: unsupported pcap version 9.4"
                        + " (expected 2.x)");
    }

    @Test
    void pcapngBlockWithAnImpossibleLength() throws IOException {
        byte[] b = Files.readAllBytes(capture("pcapng/espfrags1.pcapng"));
        int shb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(shb + 4, 7); // the IDB's length: not a multiple of 4
        assertThat(fails("decrypt", "--sa", SA.toString(), file("bad.pcapng", b).toString()))
                .startsWith("dispatchlab decrypt: bad.pcapng: block 2 at byte offset " + shb + ": ");
    }

    @Test
    void truncatedSnoop() throws IOException {
        byte[] b = Files.readAllBytes(capture("rfc7634/rfc7634-appendixB.snoop"));
        assertThat(fails("decrypt", "--sa", capture("/decrypt/rfc7634-appendixB.esp_sa").toString(),
                file("cut.snoop", Arrays.copyOf(b, b.length - 3)).toString()))
                .startsWith("dispatchlab decrypt: cut.snoop: record 3 at byte offset ");
    }

    @Test
    void saFileWithABadKey() throws IOException {
        Path sa = text("keys.esp_sa", Files.readString(SA)
                + "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x00000001\",\"AES-CBC [RFC3602]\",\"0x0011\",\"NULL\",\"\"\n");
        assertThat(fails("decrypt", "--sa", sa.toString(), PCAP.toString()))
                .startsWith("dispatchlab decrypt: " + sa + ":2: ")
                .contains("aes-cbc");
    }

    @Test
    void saFileWithAnUnknownAlgorithm() throws IOException {
        Path sa = text("keys.esp_sa",
                "# one SA\n\"IPv4\",\"*\",\"*\",\"0x00000001\",\"Rot13 [RFC0000]\",\"0x00\",\"NULL\",\"\"\n");
        assertThat(fails("decrypt", "--sa", sa.toString(), PCAP.toString()))
                .startsWith("dispatchlab decrypt: " + sa + ":2: unknown encryption algorithm 'Rot13 [RFC0000]'; supported: ");
    }

    @Test
    void saFileThatIsNotAnSaFile() throws IOException {
        assertThat(fails("decrypt", "--sa", PCAP.toString(), PCAP.toString()))
                .startsWith("dispatchlab decrypt: " + PCAP + ":");
    }

    @Test
    void theSameSaInTwoFiles() throws IOException {
        Path again = text("again.esp_sa", Files.readString(SA));
        assertThat(fails("decrypt", "--sa", SA.toString(), "--sa", again.toString(), PCAP.toString()))
                .isEqualTo("dispatchlab decrypt: " + again + ":1: SA 0x12345678 192.1.2.23 -> 192.1.2.45 is given twice"
                        + " (first at " + SA + ":1)");
    }

    @Test
    void missingFiles() throws IOException {
        assertThat(fails("decrypt", "--sa", SA.toString(), dir.resolve("nowhere.pcap").toString()))
                .isEqualTo("dispatchlab decrypt: no such file: " + dir.resolve("nowhere.pcap"));
        assertThat(fails("decrypt", "--sa", dir.resolve("nowhere.esp_sa").toString(), PCAP.toString()))
                .startsWith("dispatchlab decrypt: " + dir.resolve("nowhere.esp_sa") + ": cannot read");
    }

    @Test
    void badReplayWindow() throws IOException {
        assertThat(fails("decrypt", "--replay-window", "-1", "--sa", SA.toString(), PCAP.toString()))
                .isEqualTo("dispatchlab decrypt: --replay-window must be between 0 and 131072, got -1");
    }

    @Test
    void outputOverTheInput() throws IOException {
        Path copy = file("copy.pcap", Files.readAllBytes(PCAP));
        Result r = DecryptRuns.run("decrypt", "--sa", SA.toString(), copy.toString(), "-o", copy.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("dispatchlab decrypt: -o: " + copy + " is an input of this command (" + copy
                + "); refusing to overwrite it" + System.lineSeparator());
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(PCAP));
    }

    @Test
    void outputOverAnSaFileOrThroughALinkToItIsRefused() throws IOException {
        Path sa = file("keys.esp_sa", Files.readAllBytes(SA));
        Path link = Files.createSymbolicLink(dir.resolve("link.pcap"), sa);
        for (String[] args : List.of(new String[]{"-o", sa.toString()}, new String[]{"-o", link.toString()},
                new String[]{"--json", sa.toString()})) {
            Result r = DecryptRuns.run("decrypt", "--sa", sa.toString(), PCAP.toString(), args[0], args[1]);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err()).startsWith("dispatchlab decrypt: " + args[0] + ": " + args[1] + " is an input of this command");
            assertThat(Files.readAllBytes(sa)).isEqualTo(Files.readAllBytes(SA));
        }
    }

    @Test
    void outputOntoADirectoryIsRefusedAndTheDirectoryKept() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("empty-folder"));
        Result r = DecryptRuns.run("decrypt", "--sa", SA.toString(), PCAP.toString(), "-o", folder.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("dispatchlab decrypt: -o: " + folder + " is a directory");
        assertThat(Files.isDirectory(folder)).isTrue();
    }

    @Test
    void outputInAFolderThatDoesNotExist() {
        Result r = DecryptRuns.run("decrypt", "--sa", SA.toString(), PCAP.toString(), "-o",
                dir.resolve("no/such/folder/out.pcap").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("dispatchlab decrypt: no such folder for " + dir.resolve("no/such/folder/out.pcap"))
                .doesNotContain("\tat ");
    }

    // ---- frames the path cannot use: counted drops, not errors -------------------------------------

    @Test
    void framesThePathCannotUseAreCounted() throws IOException {
        Path wifi = dir.resolve("wifi.pcap");
        try (PcapWriter w = PcapWriter.create(wifi, 105, PcapWriter.Resolution.MICROSECONDS)) {
            w.write(new byte[40], 0, 40, 1_000_000_000L);
        }
        Path raw = dir.resolve("raw.pcap");
        try (PcapWriter w = PcapWriter.create(raw, 101, PcapWriter.Resolution.MICROSECONDS)) {
            w.write(new byte[]{(byte) 0x95, 1, 2, 3}, 0, 4, 1_000_000_000L);       // IP version 9
            w.write(new byte[70_000], 0, 70_000, 2_000_000_000L);                  // longer than any IP packet
            w.write(Arrays.copyOf(new byte[]{0x45, 0, 0, 20}, 12), 0, 12, 3_000_000_000L); // cut IPv4 header
        }
        for (Object[] c : List.of(new Object[]{wifi, "link unsupported +1 "},
                new Object[]{raw, "ip bad version +1 "}, new Object[]{raw, "too long +1 "},
                new Object[]{raw, "ip truncated +1 "})) {
            Path out = dir.resolve("out.pcap");
            Result r = DecryptRuns.run("decrypt", "--sa", SA.toString(), c[0].toString(), "-o", out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern((String) c[1]).contains("in flight 0: balanced")
                    .contains("written:           0 packets");
            assertThat(DecryptRuns.read(out)).isEmpty();
        }
    }

    /**
     * 180 first fragments of three ESP datagrams whose last fragments never come: the reassembler holds
     * every frame buffer (128) and the rest arrive with none free. Each is a counted drop, the held
     * ones become "fragment incomplete" at the end, and no buffer is left out.
     */
    @Test
    void fragmentsThatHoldEveryBufferAreCountedNotLeaked() throws IOException {
        Path frags = dir.resolve("frags.pcap");
        try (PcapWriter w = PcapWriter.create(frags, 101, PcapWriter.Resolution.MICROSECONDS)) {
            for (int i = 0; i < 180; i++) {
                byte[] b = new byte[28];
                dev.dispatchlab.proto.Ipv4Descriptor.write(b, 0, 0, 28, 100 + i % 3, 0x2000 | i / 3, 64, 50,
                        dev.dispatchlab.proto.Ipv4Descriptor.address(192, 1, 2, 23),
                        dev.dispatchlab.proto.Ipv4Descriptor.address(192, 1, 2, 45));
                w.write(b, 0, b.length, 1_000_000_000L + i);
            }
        }
        Result r = DecryptRuns.run("decrypt", "--sa", SA.toString(), frags.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("pool exhausted +52 ").containsPattern("fragment incomplete +128 ")
                .contains("accounting:        frames 180 = written 0 + ike 0 + fragments absorbed 0 + dropped 180,"
                        + " in flight 0: balanced");
    }
}
