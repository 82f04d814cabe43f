package dev.dispatchlab.cli;

import dev.dispatchlab.report.ChartFiles;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SweepChartsTest {

    @TempDir
    Path dir;

    /** A short sweep on a tiny workload: every chart as PNG and SVG, an HdrHistogram log per run. */
    @Test
    void aShortSweepWritesEveryChartAsPngAndSvgAndAHistogramLogPerRun() throws Exception {
        Path charts = dir.resolve("charts");
        Path logs = dir.resolve("hlog");
        Path json = dir.resolve("sweep.json");
        Cli c = Cli.run("sweep", "--models", "puller,busypoll", "--rates", "2k,4k", "--warmup", "100ms", "--measure",
                "200ms", "--flows", "2", "--sas", "1", "--no-baseline", "--charts", charts.toString(), "--hdr-log",
                logs.toString(), "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        for (String name : ChartFiles.SWEEP_CHARTS) {
            byte[] png = Files.readAllBytes(charts.resolve(name + ".png"));
            assertThat(Arrays.copyOf(png, 4)).as(name + ".png").isEqualTo(new byte[]{(byte) 0x89, 'P', 'N', 'G'});
            String svg = Files.readString(charts.resolve(name + ".svg"), StandardCharsets.UTF_8);
            assertThat(svg).as(name + ".svg").startsWith("<?xml").contains("<svg", "</svg>", "puller", "busypoll",
                    "offered (packets per second, log scale)");
        }
        // the titles are text; the rotated value-axis labels are drawn as outlines, as JFreeSVG draws rotated text
        assertThat(Files.readString(charts.resolve("livelock.svg"))).contains(">Delivered against offered rate<");
        assertThat(Files.readString(charts.resolve("p99-vs-offered.svg"))).contains(">p99 latency, arrival to user<");
        assertThat(Files.readString(charts.resolve("cpu-vs-offered.svg"))).contains(">Host CPU time per delivered packet<");
        ResultFiles.Document doc = ResultFiles.load(json);
        assertThat(doc.runs()).hasSize(4);
        for (RunResult r : doc.runs()) {
            Path log = logs.resolve(r.model() + "-" + (((Number) r.settings().get("rate")).intValue() / 1000) + "k.hlog");
            assertThat(BenchCommandTest.totalCount(log)).as(log.toString()).isEqualTo(r.latency().count());
        }
        assertThat(c.err()).contains("sweep: 4 runs, about ", "[1/4] offered 2k: puller");
    }

    /** With --rates auto each model runs from a tenth to three times its saturation rate. */
    @Test
    void anAutomaticSweepRunsEachModelFromATenthToThreeTimesItsSaturation() throws Exception {
        Path json = dir.resolve("auto.json");
        Cli c = Cli.run("sweep", "--models", "puller", "--saturation", "4k", "--warmup", "50ms", "--measure", "100ms",
                "--flows", "2", "--sas", "1", "--no-baseline", "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(ResultFiles.load(json).runs()).extracting(r -> ((Number) r.settings().get("rate")).doubleValue())
                .containsExactly(400.0, 1000.0, 2000.0, 3000.0, 4000.0, 6000.0, 8000.0, 12000.0);
        assertThat(c.err()).contains("puller: saturation 4k pps, ladder 400,1k,2k,3k,4k,6k,8k,12k");
    }

    @Test
    void runAndCompareWriteAHistogramLogPerModelToo() throws Exception {
        Path logs = dir.resolve("hlog");
        Cli run = Cli.run("run", "--model", "puller", "--rate", "2000", "--warmup", "100ms", "--measure", "200ms",
                "--flows", "2", "--sas", "1", "--hdr-log", logs.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(BenchCommandTest.totalCount(logs.resolve("puller-2k.hlog"))).isPositive();
        Cli compare = Cli.run("compare", "--models", "busypoll,puller", "--rate", "3000", "--warmup", "100ms",
                "--measure", "200ms", "--flows", "2", "--sas", "1", "--no-baseline", "--hdr-log", logs.toString());
        assertThat(compare.status()).as(compare.err()).isZero();
        assertThat(logs.resolve("busypoll-3k.hlog")).exists();
        assertThat(logs.resolve("puller-3k.hlog")).exists();
    }

    @Test
    void theAutomaticLadderIsRoundedAndEndsAtThreeTimesSaturation() {
        assertThat(SweepCommand.autoLadder(123_456)).containsExactly(12_300, 30_900, 61_700, 92_600, 123_000,
                185_000, 247_000, 370_000);
        assertThat(SweepCommand.autoLadder(3)).containsExactly(1, 2, 3, 5, 6, 9);
    }

    @Test
    void theDefaultSweepOfAllModelsIsPlannedToFinishWithinTenMinutes() {
        RunOptions defaults = picocli.CommandLine.populateCommand(new RunOptions());
        RunSpec s = defaults.spec(dev.dispatchlab.dispatch.models.DispatchModels.PULLER, defaults.workload());
        int models = dev.dispatchlab.dispatch.models.DispatchModels.values().length;
        double perRun = s.warmup().toMillis() / 1e3 + s.measure().toMillis() / 1e3 + SweepCommand.RUN_OVERHEAD_SECONDS;
        double probe = (SweepCommand.PROBE_WARMUP.toMillis() + SweepCommand.PROBE_MEASURE.toMillis()) / 1e3
                + SweepCommand.RUN_OVERHEAD_SECONDS;
        double planned = models * (SweepCommand.AUTO_FACTORS.length * perRun + probe) + 2; // + the bare cipher
        assertThat(planned).as("seconds planned for 'dispatchlab sweep' on its defaults").isLessThan(600);
        assertThat(SweepCommand.AUTO_FACTORS[SweepCommand.AUTO_FACTORS.length - 1]).isGreaterThanOrEqualTo(3.0);
    }
}
