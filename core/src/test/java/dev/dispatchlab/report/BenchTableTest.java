package dev.dispatchlab.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BenchTableTest {

    @TempDir
    Path dir;

    static BenchTable table() {
        return new BenchTable(List.of("64", "1400"),
                List.of(new BenchTable.Limit("bare JCA cipher", "pps", List.of(3.5e6, 2.1e6), "one CPU"),
                        new BenchTable.Limit("openssl speed", "pps", List.of(Double.NaN, 1.5e6), "one core"),
                        new BenchTable.Limit("wakeup, same CPU (one way)", "ns", List.of(3600.0, 3600.0), "ping-pong")),
                List.of(new BenchTable.Gateway("puller", "dispatchlab", List.of(340e3, 330e3), List.of(1570.0, 2160.0),
                                List.of(0.02, 0.03), 171e3, 159_000, true),
                        new BenchTable.Gateway("netty", "peer", List.of(190e3, 200e3), List.of(2470.0, 3620.0),
                                List.of(0.1, 0.1), 96e3, 1_071_000, false)),
                List.of(new BenchTable.Ratio("puller", "netty", List.of(1.79, 1.65), 0.15),
                        new BenchTable.Ratio("puller", "openssl speed", List.of(Double.NaN, 0.22), Double.NaN)),
                List.of(new BenchTable.Target("puller / netty delivered at 64 B", 1.79, 2.0, false, false)),
                List.of("openssl speed at 64 B not measured"));
    }

    @Test
    void aBenchDocumentRoundTripsThroughJsonNotANumberIncluded() throws Exception {
        ResultFiles.Document fixture = ResultFiles.load(ReportPages.fixture("bench-small.json"));
        ResultFiles.Document doc = new ResultFiles.Document("bench", List.of("bench", "--sizes", "64,1400"),
                fixture.runs(), fixture.baselines(), table());
        Path f = dir.resolve("bench.json");
        ResultFiles.write(f, doc);
        ResultFiles.Document back = ResultFiles.load(f);
        assertThat(back.bench()).isEqualTo(table());
        assertThat(back.runs()).isEqualTo(fixture.runs());
        assertThat(back.baselines()).isEqualTo(fixture.baselines());
        assertThat(back.bench().limits().get(1).bySize().getFirst()).isNaN();
    }

    @Test
    void theTablePrintsLimitsGatewaysRatiosAndTargets() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        table().print(new PrintStream(b, true, StandardCharsets.UTF_8));
        String out = b.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("bare JCA cipher", "3500.0 kpps", "3.60 us", "puller", "netty", "FAILED",
                "1.79x", "NOT MET", "note: openssl speed at 64 B not measured");
        assertThat(out).containsPattern("openssl speed\\s+-\\s+1500\\.0 kpps");
    }
}
