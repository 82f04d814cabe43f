package dev.dispatchlab.cli;

import dev.dispatchlab.report.ReportPages;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.SweepTable;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepCommandTest {

    @TempDir
    Path dir;

    @Test
    void ratesParseWithSuffixesAndMaxAndComeBackLowestFirst() {
        assertThat(SweepCommand.parseRates("--rates", "max, 20k,5000,1.5M,2_500"))
                .containsExactly(2500, 5000, 20000, 1_500_000, RunSpec.MAX_RATE);
        assertThat(SweepCommand.parseRates("--rates", SweepCommand.DEFAULT_RATES)).hasSize(6);
    }

    @Test
    void aBadRateListIsAUsageErrorNamingTheWord() {
        assertBadRates("", "--rates: give at least one rate");
        assertBadRates("5000,abc", "--rates: 'abc' is not a rate");
        assertBadRates("5000,,20000", "--rates: '' is not a rate");
        assertBadRates("5k,-5", "--rates: '-5' is not a rate");
        assertBadRates("1e5", "--rates: '1e5' is not a rate");
        assertBadRates("0", "--rates: '0' is out of range");
        assertBadRates("2000M", "--rates: '2000M' is out of range");
        assertBadRates("5k,5000", "--rates: rate '5000' is given twice");
        assertBadRates("max,MAX", "--rates: rate 'MAX' is given twice");
    }

    @Test
    void aBadRateListOnTheCommandLineIsOneLineAndStatus2BeforeAnythingRuns() {
        Cli c = Cli.run("sweep", "--rates", "5000,fast", "--json", dir.resolve("s.json").toString());
        assertThat(c.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(c.err().strip()).isEqualTo("dispatchlab sweep: --rates: 'fast' is not a rate (packets per second "
                + "such as 5000, 20k or 1.5M, or 'max')");
        assertThat(dir.resolve("s.json")).doesNotExist();
    }

    @Test
    void theSingleRateFlagAndRepeatedModelsAreRefused() {
        Cli rate = Cli.run("sweep", "--rate", "5000");
        assertThat(rate.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(rate.err()).startsWith("dispatchlab sweep: --rate: a sweep offers several rates; give them with --rates");
        Cli twice = Cli.run("sweep", "--models", "push,puller,push");
        assertThat(twice.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(twice.err()).startsWith("dispatchlab sweep: --models: each model once in a sweep");
        Cli unknown = Cli.run("sweep", "--models", "napi");
        assertThat(unknown.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(unknown.err()).startsWith("dispatchlab sweep: --models: unknown model 'napi'");
    }

    /** A real sweep, as short as a run can be: one model, two rates, the baseline, JSON and HTML. */
    @Test
    void aShortSweepWritesItsRunsAndItsReport() throws Exception {
        Path json = dir.resolve("sweep.json");
        Path html = dir.resolve("sweep.html");
        Cli c = Cli.run("sweep", "--models", "puller", "--rates", "4000,2k", "--warmup", "100ms", "--measure", "200ms",
                "--json", json.toString(), "--html", html.toString());
        assertThat(c.status()).as(c.err()).isZero();
        ResultFiles.Document doc = ResultFiles.load(json);
        assertThat(doc.command()).isEqualTo("sweep");
        assertThat(doc.arguments()).contains("--rates", "4000,2k");
        assertThat(doc.runs()).extracting(r -> r.settings().get("rate")).containsExactly(2000.0, 4000.0);
        assertThat(doc.runs()).allSatisfy(r -> {
            assertThat(r.model()).isEqualTo("puller");
            assertThat(r.checks().passed()).isTrue();
            assertThat(r.deliveredPps()).isPositive();
        });
        assertThat(doc.baselines()).hasSize(1);
        String page = Files.readString(html);
        assertThat(page).contains("<figure id=\"set-1-livelock\">", "<details id=\"set-1-rate-2k\">",
                "<details id=\"set-1-rate-4k\">");
        assertThat(ReportPages.checkImages(page)).isGreaterThanOrEqualTo(5 + 2 * 4);
    }

    /**
     * A run that fails its checks does not stop the sweep: every rate is still run, the JSON and
     * HTML hold every run, the failed one marked, and only then the command exits with status 1.
     * The runs are the committed fixture's (push and puller at 5k and 50k), push at 50k made to fail.
     */
    @Test
    void aFailedRunIsWrittenWithTheRestAndTheExitStatusIs1() throws Exception {
        ResultFiles.Document fixture = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        SweepCommand sweep = cl.getSubcommands().get("sweep").getCommand();
        sweep.runner = (spec, traffic) -> {
            RunResult r = fixture.runs().stream().filter(f -> f.model().equals(spec.model().label())
                    && SweepTable.nominalRate(f) == spec.ratePps()).findFirst().orElseThrow();
            return r.model().equals("push") && spec.ratePps() == 50_000 ? failed(r) : r;
        };
        Path json = dir.resolve("sweep.json");
        Path html = dir.resolve("sweep.html");
        int status = cl.execute("sweep", "--models", "push,puller", "--rates", "5k,50k", "--no-baseline",
                "--json", json.toString(), "--html", html.toString());

        assertThat(status).as(err.toString()).isEqualTo(Main.EXIT_FAILED);
        // progress lines first, then the one-line error
        assertThat(err.toString().strip()).endsWith("\ndispatchlab sweep: 1 of 4 runs failed their checks (push @ 50k; "
                + "see above); their figures are not results").contains("[4/4] offered 50k: puller");
        ResultFiles.Document doc = ResultFiles.load(json);
        assertThat(doc.runs()).extracting(r -> r.model() + "@" + SweepTable.rateLabel(SweepTable.nominalRate(r))
                + (r.checks().passed() ? "" : " failed"))
                .containsExactly("push@5k", "puller@5k", "push@50k failed", "puller@50k");
        assertThat(Files.readString(html)).contains("1 of 4 runs failed their checks",
                "Left out, as they failed their checks: push @ 50k.");
    }

    private static RunResult failed(RunResult r) {
        return new RunResult(r.model(), r.modelDescription(), r.crypto(), r.workload(), r.settings(), r.environment(),
                r.seconds(), r.offeredPps(), r.deliveredPps(), r.payloadGbps(), r.host(), r.device(), r.other(),
                r.perPacket(), r.latency(), r.drops(), r.events(), r.accounting(),
                new RunResult.Checks(true, 3, List.of(), null), r.wire(), r.cryptoStats(), r.threads(), r.notes(),
                r.sentBad());
    }

    private static void assertBadRates(String list, String start) {
        assertThatThrownBy(() -> SweepCommand.parseRates("--rates", list)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith(start);
    }
}
