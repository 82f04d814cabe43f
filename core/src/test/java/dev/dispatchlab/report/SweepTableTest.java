package dev.dispatchlab.report;

import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SweepTableTest {

    @Test
    void ratesReadAsPeopleWriteThem() {
        assertThat(SweepTable.rateLabel(5000)).isEqualTo("5k");
        assertThat(SweepTable.rateLabel(2500)).isEqualTo("2.5k");
        assertThat(SweepTable.rateLabel(800)).isEqualTo("800");
        assertThat(SweepTable.rateLabel(1_500_000)).isEqualTo("1.5M");
        assertThat(SweepTable.rateLabel(RunSpec.MAX_RATE)).isEqualTo("max");
    }

    @Test
    void theNominalRateIsTheRunsRateSetting() throws Exception {
        ResultFiles.Document doc = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        assertThat(doc.runs()).extracting(SweepTable::nominalRate)
                .containsExactly(5000.0, 5000.0, 50000.0, 50000.0, RunSpec.MAX_RATE, RunSpec.MAX_RATE);
    }

    @Test
    void theCurveHasAColumnPerRateAndARowPerModel() throws Exception {
        ResultFiles.Document doc = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        String out = print(s -> SweepTable.printCurve(s, doc.runs(), doc.baselines()));
        List<String> lines = out.lines().toList();
        assertThat(lines.get(1)).startsWith("livelock curve");
        assertThat(lines.get(2)).matches("model\\s+5k\\s+50k\\s+max");
        RunResult push5k = doc.runs().getFirst();
        assertThat(lines.get(3)).startsWith("push").contains(ResultTable.fmt(push5k.deliveredPps() / 1e3, 1) + "/"
                + ResultTable.fmt(push5k.offeredPps() / 1e3, 1));
        assertThat(lines.get(4)).startsWith("puller");
        assertThat(lines.get(5)).startsWith("bare-cipher: ");
    }

    @Test
    void aStepTableShowsEachModelAtThatRate() throws Exception {
        ResultFiles.Document doc = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        String out = print(s -> SweepTable.printStep(s, 5000, doc.runs().subList(0, 2)));
        assertThat(out).contains("offered 5k pps").contains("deliv").contains("host sw");
        assertThat(out.lines().filter(l -> l.startsWith("push ") || l.startsWith("puller ")).count()).isEqualTo(2);
    }

    private static String print(java.util.function.Consumer<PrintStream> body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (PrintStream s = new PrintStream(b, true, StandardCharsets.UTF_8)) {
            body.accept(s);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
