package dev.dispatchlab.cli;

import dev.dispatchlab.report.BenchTable;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.workload.CipherSuite;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void opensslSpeedMachineReadableOutputIsReadAsOperationsPerSecond() throws IOException {
        String out = "+DT:AES-128-GCM:1:64\n+R:2436917:AES-128-GCM:1.000000\n+H:64\n+F:25:AES-128-GCM:155962688.00\n";
        assertThat(BenchCommand.parseOpensslSpeed(out, 64)).isCloseTo(155962688.0 / 64, within(1e-6));
        assertThatThrownBy(() -> BenchCommand.parseOpensslSpeed("Error: unknown cipher\n", 64))
                .isInstanceOf(IOException.class).hasMessageContaining("no +F: line");
        assertThat(BenchCommand.opensslName(CipherSuite.AES128_GCM)).isEqualTo("aes-128-gcm");
        assertThat(BenchCommand.opensslName(CipherSuite.AES128_CBC_SHA256)).isNull();
    }

    @Test
    void badFlagsAreOneLineAndStatus2() {
        Cli rate = Cli.run("bench", "--rate", "5000");
        assertThat(rate.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(rate.err().strip()).startsWith("dispatchlab bench: --rate: bench runs the socket source");
        Cli peer = Cli.run("bench", "--peers", "grpc");
        assertThat(peer.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(peer.err().strip()).isEqualTo("dispatchlab bench: --peers: unknown peer 'grpc' (netty, disruptor, or none)");
        Cli sizes = Cli.run("bench", "--sizes", "64,big");
        assertThat(sizes.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(sizes.err().strip()).startsWith("dispatchlab bench: --sizes: 'big' is not a payload size");
        assertThat(Cli.run("bench", "--sizes", "64,64").err()).contains("--sizes: 64 is given twice");
    }

    /**
     * A real bench, as short as runs can be: the limits, puller and both peers at 64 B, the half-load
     * points; the JSON round-trips and holds the table, every run passed its checks, and each run's
     * HdrHistogram log reads back with the run's latency count.
     */
    @Test
    void aShortBenchWritesItsTableRunsAndHistogramLogs() throws Exception {
        Path json = dir.resolve("bench.json");
        Path logs = dir.resolve("hlog");
        Path html = dir.resolve("bench.html");
        Cli c = Cli.run("bench", "--sizes", "64", "--warmup", "200ms", "--measure", "300ms", "--no-openssl",
                "--json", json.toString(), "--hdr-log", logs.toString(), "--html", html.toString());
        assertThat(c.status()).as(c.err()).isZero();
        ResultFiles.Document doc = ResultFiles.load(json);
        assertThat(doc.command()).isEqualTo("bench");
        BenchTable t = doc.bench();
        assertThat(t).isNotNull();
        assertThat(t.sizes()).containsExactly("64");
        assertThat(t.gateways()).extracting(BenchTable.Gateway::name).containsExactly("puller", "netty", "disruptor");
        assertThat(t.gateways()).extracting(BenchTable.Gateway::kind).containsExactly("dispatchlab", "peer", "peer");
        assertThat(t.limits()).extracting(BenchTable.Limit::name).contains("bare JCA cipher", "bare recvmmsg loop",
                "wakeup, same CPU (one way)", "virtual thread park/unpark");
        assertThat(t.ratios()).extracting(r -> r.ours() + "/" + r.against()).contains("puller/netty", "puller/disruptor",
                "puller/bare JCA cipher");
        assertThat(t.notes()).contains("openssl speed skipped (--no-openssl)");
        assertThat(doc.runs()).hasSize(6).allSatisfy(r -> {
            assertThat(r.checks().passed()).as(r.model() + " " + r.checks()).isTrue();
            assertThat(r.deliveredPps()).as(r.model()).isPositive();
            assertThat(r.accounting().balanced()).isTrue();
        });
        for (RunResult r : doc.runs()) {
            String point = r.settings().get("rate").equals("max") ? "max" : "half";
            Path log = logs.resolve(r.model() + "-64B-" + point + ".hlog");
            assertThat(log).exists();
            assertThat(totalCount(log)).as(log.toString()).isEqualTo(r.latency().count());
        }
        assertThat(Files.readString(html)).contains("Limits of this machine", "Ratios, ours over theirs");
        // the table as written is the table as read
        ResultFiles.write(dir.resolve("again.json"), doc);
        assertThat(ResultFiles.load(dir.resolve("again.json")).bench()).isEqualTo(t);
    }

    static long totalCount(Path hlog) throws IOException {
        HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        long n = 0;
        int intervals = 0;
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            n += ((org.HdrHistogram.Histogram) h).getTotalCount();
            intervals++;
        }
        reader.close();
        assertThat(intervals).as("intervals in " + hlog).isEqualTo(1);
        return n;
    }
}
