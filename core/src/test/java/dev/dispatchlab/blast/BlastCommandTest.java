package dev.dispatchlab.blast;

import dev.dispatchlab.cli.Main;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaConfigReader;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The blast command's flags: bad ones exit 2 with one line; the SA file it writes reads back. */
class BlastCommandTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--packets 5                                   | --to HOST:PORT is required",
            "--to 127.0.0.1                                 | must be HOST:PORT, got '127.0.0.1' (no port)",
            "--to 127.0.0.1:0                               | give the receiver's port",
            "--to nowhere.example:4500                      | is not an IPv4 or IPv6 address",
            "--to 127.0.0.1:99999                           | port must be 0..65535",
            "--to 127.0.0.1:4500 --rate fast                | --rate must be packets per second or max",
            "--to 127.0.0.1:4500 --rate -3                  | --rate must be a positive number",
            "--to 127.0.0.1:4500 --rate 1e12                | --rate must be a positive number of packets per second below 1e9",
            "--to 127.0.0.1:4500 --duration 1 --packets 9   | give --duration or --packets, not both",
            "--to 127.0.0.1:4500 --duration 0               | --duration must be a positive number",
            "--to 127.0.0.1:4500 --packets -1               | --packets must be >= 0",
            "--to 127.0.0.1:4500 --size huge                | size 'huge' is not a number",
            "--to 127.0.0.1:4500 --suite rot13              | unknown --suite 'rot13'",
            "--to 127.0.0.1:4500 --sas 0                    | sas must be 1..4096",
            "--to 127.0.0.1:4500 --malformed-share 0.9      | malformed share must be between 0 and 0.5",
            "--to 127.0.0.1:4500 --batch 0                  | batch must be 1..1024",
            "--to 127.0.0.1:4500 --sockets 9                | sockets must be 1..4",
            "--to 127.0.0.1:4500 --threads 5                | threads must be 1..4",
            "--to 127.0.0.1:4500 --sa-format pem            | --sa-format must be esp_sa or xfrm",
            "--to 127.0.0.1:4500 --replay-window -1         | --replay-window must be 0..",
            "--to 127.0.0.1:4500 --flows many               | Invalid value for option '--flows'",
            "--to 127.0.0.1:4500 --frobnicate               | Unknown option: '--frobnicate'",
    })
    void aBadFlagExitsWith2AndOneLine(String args, String message) {
        Run r = run(("blast " + args.strip()).split("\\s+"));
        assertThat(r.status()).as("exit status; err=%s", r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("dispatchlab blast: ").contains(message).doesNotContain("\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void writeSaOntoADirectoryIsRefusedAndLeavesNoStrayFile(@TempDir Path dir) throws Exception {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("keys"));
        Run r = run("blast", "--to", "127.0.0.1:4500", "--packets", "0", "--write-sa", folder.toString());
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("dispatchlab blast: --write-sa: " + folder
                + " is a directory; give the name of a file to write");
        try (var listing = java.nio.file.Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("keys");
        }
        assertThat(java.nio.file.Files.isDirectory(folder)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"esp_sa", "xfrm"})
    void theSaFileReadsBackAsTheSasTheGeneratorSendsWith(String format, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("sa." + format);
        Run r = run("blast", "--to", "127.0.0.1:4500", "--packets", "0", "--sas", "3", "--flows", "6", "--suite",
                "aes256cbc-sha1", "--esn", "--seed", "42", "--sockets", "2", "--write-sa", file.toString(),
                "--sa-format", format, "--replay-window", "4096");
        assertThat(r.status()).as("err=%s", r.err()).isZero();
        assertThat(r.out()).contains("wrote 6 SAs to " + file);
        List<SaConfig> read = SaConfigReader.read(file);

        Workload w = new Workload(SizeMix.fixed(64), 6, 3, CipherSuite.AES256_CBC_SHA1, true, true, 0, 0, 0, 42,
                Workload.DEFAULT_PORT);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4500);
        try (Blaster same = new Blaster(new BlastConfig(target, w, 0, 0, 0, 64, 2, 1), Clock.SYSTEM)) {
            List<SaConfig> made = same.saConfigs(4096);
            assertThat(read).hasSameSizeAs(made);
            for (int i = 0; i < made.size(); i++) {
                SaConfig a = made.get(i);
                SaConfig b = read.get(i);
                assertThat(b.spi()).isEqualTo(a.spi());
                assertThat(b.params()).as("algorithms and keys of SPI %x", a.spi()).isEqualTo(a.params());
                assertThat(b.params().esn()).isTrue();
                assertThat(b.source()).isEqualTo(InetAddress.getLoopbackAddress());
                assertThat(b.destination()).isEqualTo(InetAddress.getLoopbackAddress());
                if (format.equals("xfrm")) {
                    assertThat(b.replayWindow()).isEqualTo(4096);
                    assertThat(b.nattDestinationPort()).isEqualTo(4500);
                    assertThat(b.nattSourcePort()).isPositive();
                }
            }
        }
    }
}
