package dev.dispatchlab.report;

import dev.dispatchlab.run.RunResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {

    private static final Instant WHEN = Instant.parse("2025-01-02T03:04:05Z");

    @Test
    void aComparePageHasEveryTableAndChartAsEmbeddedPngs() throws Exception {
        ResultFiles.Document doc = ResultFiles.load(ReportPages.fixture("compare-small.json"));
        String html = HtmlReport.render(List.of(new HtmlReport.Source("compare-small.json", doc)), WHEN);
        String text = ReportPages.text(html);

        assertThat(text).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("Made 2025-01-02T03:04:05Z from compare-small.json")
                .contains("<pre>dispatchlab compare --models push,puller,kcont --rate 20000")
                .contains("id=\"set-1-environment\"", "id=\"set-1-settings\"", "id=\"set-1-table\"",
                        "id=\"set-1-drops\"", "id=\"set-1-checks\"", "id=\"set-1-charts\"", "id=\"method\"")
                .contains("<th>CPU</th><td>" + doc.runs().getFirst().environment().cpuModel() + "</td>")
                .contains("<th>JDK</th><td>" + doc.runs().getFirst().environment().jdk())
                .contains("<th>ringCapacity</th>", "<th>offload.engines</th>", "<th>placement</th>")
                .contains("bare cipher");
        // the side-by-side table has the terminal table's columns and each run's figures as it prints them
        for (String head : ResultTable.HEAD) {
            assertThat(text).contains("<th>" + head + "</th>");
        }
        for (RunResult r : doc.runs()) {
            String[] row = ResultTable.row(r);
            assertThat(text).contains("<td>" + row[0] + "</td><td>" + row[1] + "</td><td class=\"n\">" + row[2]
                    + "</td><td class=\"n\">" + row[3] + "</td>");
            assertThat(text).contains(r.modelDescription().replace(">", "&gt;"));
        }
        // no script, no outside resource: one file that reads the same anywhere
        assertThat(text).doesNotContain("<script", "http://", "https://", "<link");
        for (String id : List.of("throughput", "switches", "handoffs", "cpu", "latency")) {
            assertThat(text).contains("<figure id=\"set-1-" + id + "\">\n<img");
        }
        assertThat(text).contains("/proc/self/task/*/status", "HdrHistogram", "per delivered packet");
        int images = ReportPages.checkImages(html);
        boolean anyDrops = doc.runs().stream().anyMatch(r -> ResultTable.totalDrops(r) > 0);
        assertThat(images).isEqualTo(anyDrops ? 6 : 5);
    }

    @Test
    void aSweepPageDrawsTheLivelockCurveAndUnfoldsEachRate() throws Exception {
        ResultFiles.Document doc = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        assertThat(doc.command()).isEqualTo("sweep");
        String html = HtmlReport.render(List.of(new HtmlReport.Source("sweep-small.json", doc)), WHEN);
        String text = ReportPages.text(html);

        assertThat(text).contains("1. Sweep: 2 models over 3 offered rates (sweep-small.json)")
                .contains("<figure id=\"set-1-livelock\">\n<img", "<figure id=\"set-1-switches-rate\">\n<img",
                        "<figure id=\"set-1-wakeups-rate\">\n<img", "<figure id=\"set-1-cpu-rate\">\n<img",
                        "<figure id=\"set-1-p99-rate\">\n<img")
                .contains("The livelock curve.", "bare-cipher baseline")
                .contains("<details id=\"set-1-rate-5k\">", "<details id=\"set-1-rate-50k\">",
                        "<details id=\"set-1-rate-max\">")
                .contains("<td>push @ 5k pps</td>", "<td>puller @ max (saturation)</td>");
        // rate by rate in the table, lowest first
        assertThat(text.indexOf("<td>push @ 5k pps</td>")).isLessThan(text.indexOf("<td>push @ 50k pps</td>"));
        assertThat(text.indexOf("<td>puller @ 50k pps</td>")).isLessThan(text.indexOf("<td>push @ max (saturation)</td>"));
        // five charts against the rate, and per rate: switches, handoffs, CPU, latency (+ drops where there were some)
        long ratesWithDrops = doc.runs().stream().filter(r -> ResultTable.totalDrops(r) > 0)
                .map(SweepTable::nominalRate).distinct().count();
        assertThat(ReportPages.checkImages(html)).isEqualTo(5 + 3 * 4 + (int) ratesWithDrops);
    }

    @Test
    void runsThatFailedTheirChecksAreMarkedAndLeftOutOfTheCharts() throws Exception {
        ResultFiles.Document doc = ResultFiles.load(ReportPages.fixture("compare-small.json"));
        List<RunResult> runs = new ArrayList<>(doc.runs());
        runs.set(0, failed(runs.getFirst()));
        ResultFiles.Document bad = new ResultFiles.Document(doc.command(), doc.arguments(), runs, doc.baselines());
        String text = ReportPages.text(HtmlReport.render(List.of(new HtmlReport.Source("bad.json", bad)), WHEN));

        String model = runs.getFirst().model();
        assertThat(text).contains("1 of 3 runs failed their checks")
                .contains("<tr class=\"failed\"><td>" + model + " FAILED</td>")
                .contains("accounting does not balance (offered 10, delivered 7, dropped 1, in flight 2)")
                .contains("Left out, as they failed their checks: " + model + ".");
    }

    @Test
    void severalDocumentsMakeOneSectionEachAndRunDocumentsShareOne() throws Exception {
        ResultFiles.Document compare = ResultFiles.load(ReportPages.fixture("compare-small.json"));
        ResultFiles.Document sweep = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        ResultFiles.Document one = new ResultFiles.Document("run", List.of("run", "--model", "push"),
                List.of(compare.runs().get(0)), List.of());
        ResultFiles.Document two = new ResultFiles.Document("run", List.of("run", "--model", "puller"),
                List.of(compare.runs().get(1)), List.of());
        String text = ReportPages.text(HtmlReport.render(List.of(new HtmlReport.Source("a.json", one),
                new HtmlReport.Source("s.json", sweep), new HtmlReport.Source("b.json", two),
                new HtmlReport.Source("c.json", compare)), WHEN));

        assertThat(text).contains("<section id=\"set-1\">", "<section id=\"set-2\">", "<section id=\"set-3\">")
                .doesNotContain("<section id=\"set-4\">")
                .contains("1. Runs: push, puller at 20k pps (a.json, b.json)", "2. Sweep:", "3. Compare:")
                .contains("<pre>dispatchlab run --model push</pre>", "<pre>dispatchlab run --model puller</pre>");
    }

    private static RunResult failed(RunResult r) {
        RunResult.AccountingResult a = new RunResult.AccountingResult(10, 7, 0, 0, 1, 2, false, r.accounting().drops());
        return new RunResult(r.model(), r.modelDescription(), r.crypto(), r.workload(), r.settings(), r.environment(),
                r.seconds(), r.offeredPps(), r.deliveredPps(), r.payloadGbps(), r.host(), r.device(), r.other(),
                r.perPacket(), r.latency(), r.drops(), r.events(), a,
                new RunResult.Checks(false, 0, List.of(), null), r.wire(), r.cryptoStats(), r.threads(), r.notes(),
                r.sentBad());
    }
}
