package dev.dispatchlab.cli;

import dev.dispatchlab.os.BatchUdpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway command's refusals: one line naming the flag or the file and line, exit status 2. */
class GatewayCommandTest {

    @TempDir
    Path dir;

    private Path saFile() {
        Path sa = dir.resolve("sa.conf");
        Cli w = Cli.run("blast", "--to", "127.0.0.1:4500", "--packets", "0", "--sas", "1", "--write-sa", sa.toString());
        assertThat(w.status()).as(w.err()).isZero();
        return sa;
    }

    /**
     * Another process's gateway holds the port with an SO_REUSEPORT group (here a socket of this one
     * with SO_REUSEPORT, which Linux treats alike): a second gateway would join the group and take
     * part of the traffic.
     */
    @Test
    void aPortHeldByAnotherReusePortGroupIsRefused() {
        Path sa = saFile();
        try (BatchUdpSocket held = BatchUdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .reusePort(true).open()) {
            int port = held.localAddress().getPort();
            Cli c = Cli.run("gateway", "--listen", "127.0.0.1:" + port, "--rings", "2", "--sa", sa.toString(),
                    "--map", "5001=127.0.0.1:5001", "--duration", "100ms", "--status", "0");
            assertThat(c.status()).as(c.err()).isEqualTo(Main.EXIT_USAGE);
            assertThat(c.err().strip()).isEqualTo("dispatchlab gateway: --listen 127.0.0.1:" + port
                    + ": the port is in use by another socket (another gateway, or an IKE daemon on 4500?); refusing"
                    + " to join its SO_REUSEPORT group and split its traffic");
        }
    }

    @Test
    void aPcapOutputOverTheSaFileIsRefused() throws Exception {
        Path sa = saFile();
        byte[] keys = Files.readAllBytes(sa);
        Cli c = Cli.run("gateway", "--listen", "127.0.0.1:0", "--sa", sa.toString(), "--pcap", sa.toString(),
                "--duration", "100ms", "--status", "0");
        assertThat(c.status()).as(c.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(c.err().strip()).isEqualTo("dispatchlab gateway: --pcap: " + sa + " is an input of this command ("
                + sa + "); refusing to overwrite it");
        assertThat(Files.readAllBytes(sa)).isEqualTo(keys);
    }

    @Test
    void aDuplicateSaIsRefusedWithFileAndLine() throws Exception {
        Path sa = saFile();
        List<String> lines = Files.readAllLines(sa).stream().filter(l -> l.startsWith("\"")).toList();
        Path twice = dir.resolve("twice.conf");
        Files.write(twice, List.of(lines.getFirst(), lines.getFirst()));
        Cli c = Cli.run("gateway", "--listen", "127.0.0.1:0", "--sa", twice.toString(), "--map", "5001=127.0.0.1:5001",
                "--duration", "100ms", "--status", "0");
        assertThat(c.status()).as(c.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(c.err().strip()).startsWith("dispatchlab gateway: " + twice + ":2: SA 0x")
                .endsWith("is given twice (first at " + twice + ":1)").doesNotContain("\n");
    }
}
