package dev.dispatchlab.cli;

import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.SimulationSection;
import dev.dispatchlab.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SimulateCommandTest {

    private static String resource(String name) {
        try {
            return Path.of(SimulateCommandTest.class.getResource("/sim/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void simulatedResultsAreCompareDocumentsMarkedSimulated(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sim.json");
        Cli c = Cli.run("simulate", "--profile", resource("testbox.json"), "--rate", "2000", "--warmup", "10ms",
                "--measure", "50ms", "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        ResultFiles.Document d = ResultFiles.load(json);
        assertThat(d.command()).isEqualTo("compare");
        assertThat(d.runs()).hasSize(7);
        for (RunResult r : d.runs()) {
            assertThat(r.settings()).containsEntry("simulated", true).containsEntry("profile", "testbox");
            assertThat(r.environment().host()).isEqualTo("simulated");
            assertThat(r.checks().passed()).isTrue();
            assertThat(r.deliveredPps()).isCloseTo(2000, org.assertj.core.api.Assertions.within(100.0));
        }
    }

    @Test
    void theShortIdleIsAnOptionKeptInEachRunsSettings(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sim.json");
        Cli c = Cli.run("simulate", "--profile", resource("testbox.json"), "--models", "kcont", "--rate", "2000",
                "--warmup", "10ms", "--measure", "50ms", "--short-idle", "0", "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(ResultFiles.load(json).runs().getFirst().settings()).containsEntry("shortIdleNs", 0);
        c = Cli.run("simulate", "--profile", resource("testbox.json"), "--models", "kcont", "--rate", "2000",
                "--warmup", "10ms", "--measure", "50ms", "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(ResultFiles.load(json).runs().getFirst().settings()).containsEntry("shortIdleNs", 25_000);
        c = Cli.run("simulate", "--profile", resource("testbox.json"), "--short-idle", "-5us");
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--short-idle").doesNotContain("at dev.");
    }

    @Test
    void aSweepIsASweepDocumentAndTheReportShowsIt(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sweep.json");
        Path html = dir.resolve("r.html");
        Cli c = Cli.run("simulate", "--profile", resource("testbox.json"), "--models", "push,classic", "--rates",
                "1000,100k", "--warmup", "5ms", "--measure", "20ms", "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(ResultFiles.load(json).runs()).hasSize(4);
        assertThat(ResultFiles.load(json).command()).isEqualTo("sweep");
        assertThat(Cli.run("report", json.toString(), "--html", html.toString()).status()).isZero();
        assertThat(Files.readString(html)).contains("simulated");
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "");
        c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured",
                resource("measured-compare.json"), "--sim-seconds", "0.05", "--predicted-out",
                notADirectory.resolve("predicted.json").toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--predicted-out: cannot write").doesNotContain("at dev.");
    }

    /**
     * Each profile's sweep covers its own curve: packets delivered whole at the low end and the
     * livelock past saturation at the high end. One ladder for all (500 packets/s to 2 million) had the
     * VAX past its livelock at every point, delivering nothing.
     */
    @Test
    void everyProfilesSweepRisesAndFallsWithinItsLadder(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sweep.json");
        Cli c = Cli.run("simulate", "--profile", "all", "--sweep", "--models", "classic", "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        java.util.Map<Object, java.util.List<RunResult>> byProfile = new java.util.LinkedHashMap<>();
        for (RunResult r : ResultFiles.load(json).runs()) {
            byProfile.computeIfAbsent(r.settings().get("profile"), k -> new java.util.ArrayList<>()).add(r);
        }
        assertThat(byProfile).containsKeys("this-machine", "vax780", "sun3", "sun4m", "decstation", "pentium-pro");
        byProfile.forEach((profile, runs) -> {
            assertThat(runs).as("%s", profile).hasSize(SimulateCommand.SWEEP_POINTS);
            assertThat(runs.getFirst().deliveredPps() / runs.getFirst().offeredPps()).as("%s at its lowest rate", profile)
                    .isGreaterThanOrEqualTo(0.99);
            RunResult last = runs.getLast();
            assertThat(last.deliveredPps()).as("%s at its highest rate", profile).isLessThan(0.9 * last.offeredPps());
            for (int i = 1; i < runs.size(); i++) {
                assertThat(runs.get(i).offeredPps()).isGreaterThan(runs.get(i - 1).offeredPps());
            }
        });
    }

    @Test
    void aSweepOverSeveralProfilesIsChartedOneProfileAtATime(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sweep.json");
        Path html = dir.resolve("r.html");
        Cli c = Cli.run("simulate", "--profile", "vax780,sun3", "--models", "push,classic", "--rates", "50,500",
                "--json", json.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(Cli.run("report", json.toString(), "--html", html.toString()).status()).isZero();
        String report = Files.readString(html);
        assertThat(report).contains("id=\"set-1-profile-vax780\"").contains("id=\"set-1-profile-sun3\"")
                .contains("id=\"set-1-vax780-livelock\"").contains("id=\"set-1-sun3-livelock\"")
                .doesNotContain("id=\"set-1-livelock\"");
    }

    @Test
    void badProfilesAreOneLineUsageErrors(@TempDir Path dir) throws Exception {
        Cli c = Cli.run("simulate", "--profile", "pdp11");
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("no such profile").doesNotContain("Exception");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(Path.of(resource("testbox.json"))).replace("\"ns\"", "\"parsecs\""));
        c = Cli.run("simulate", "--profile", bad.toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains(bad.toString()).contains("unit: 'parsecs'").doesNotContain("at dev.");
        assertThat(c.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void validateAndAnswerTablesGoIntoTheReport(@TempDir Path dir) throws Exception {
        Path v = dir.resolve("validation.json");
        Cli c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured",
                resource("measured-compare.json"), "--sim-seconds", "0.05", "--json", v.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(Files.readString(v)).contains("\"validate\"").contains("near saturation");
        Path a = dir.resolve("answer.json");
        c = Cli.run("simulate", "--answer", "--no-sensitivity", "--profile", resource("testbox.json"), "--models",
                "puller", "--json", a.toString());
        assertThat(c.status()).as(c.err()).isZero();
        Path html = dir.resolve("report.html");
        c = Cli.run("report", v.toString(), a.toString(), "--html", html.toString());
        assertThat(c.status()).as(c.err()).isZero();
        String page = Files.readString(html);
        assertThat(page).contains("Validation: predicted against measured").contains("The answer")
                .contains("testbox").contains("classic");
    }

    /**
     * Each row's prediction written as a simulated run, in the measured runs' order, with what the table
     * judged (its delivered rate and switches), so that its drops and threads can be read beside the run's.
     */
    @Test
    void predictionsAreWrittenAsSimulatedRunsBesideTheMeasuredOnes(@TempDir Path dir) throws Exception {
        Path v = dir.resolve("validation.json");
        Path p = dir.resolve("predicted.json");
        Cli c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured",
                resource("measured-compare.json"), "--sim-seconds", "0.05", "--json", v.toString(),
                "--predicted-out", p.toString());
        assertThat(c.status()).as(c.err()).isZero();
        var rows = ResultFiles.mapper().readTree(v.toFile()).path("rows");
        ResultFiles.Document measured = ResultFiles.load(Path.of(resource("measured-compare.json")));
        ResultFiles.Document predicted = ResultFiles.load(p);
        assertThat(predicted.command()).isEqualTo("compare");
        assertThat(predicted.runs()).hasSize(rows.size()).hasSize(measured.runs().size());
        for (int i = 0; i < rows.size(); i++) {
            var run = predicted.runs().get(i);
            assertThat(run.model()).isEqualTo(measured.runs().get(i).model()).isEqualTo(rows.get(i).path("model").asText());
            assertThat(run.settings()).containsEntry("simulated", true);
            assertThat(run.deliveredPps()).isEqualTo(rows.get(i).path("predictedDelivered").asDouble());
            assertThat(run.perPacket().hostSwitches()).isEqualTo(rows.get(i).path("predictedSwitches").asDouble());
        }
        Path html = dir.resolve("report.html");
        c = Cli.run("report", resource("measured-compare.json"), p.toString(), "--html", html.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(Files.readString(html)).contains("simulated");
    }

    /** --ranges: a table of each row's span over the estimates, the same in the JSON and in the report's table. */
    @Test
    void theSpansOverTheEstimatesAreShownAndKept(@TempDir Path dir) throws Exception {
        Path v = dir.resolve("validation.json");
        var out = new java.io.ByteArrayOutputStream();
        var was = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        Cli c;
        try {
            c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured",
                    resource("measured-compare.json"), "--sim-seconds", "0.05", "--ranges", "--json", v.toString());
        } finally {
            System.setOut(was);
        }
        assertThat(c.status()).as(c.err()).isZero();
        String table = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(table).contains("the prediction with each estimated cost at either end of its range")
                .containsPattern("of the \\d+ rows that fail, \\d+ pass at some end");
        var rows = ResultFiles.mapper().readTree(v.toFile()).path("rows");
        assertThat(rows).hasSize(6).allSatisfy(r -> assertThat(r.path("span").path("variants").asInt()).isPositive());
        Path html = dir.resolve("report.html");
        assertThat(Cli.run("report", v.toString(), "--html", html.toString()).status()).isZero();
        assertThat(Files.readString(html)).contains("switches/pkt over the estimates' ranges");
    }

    /** The same file given as the runs measured again: every row reproduces itself, and the table and report say so. */
    @Test
    void runsMeasuredAgainAreJudgedBesideThePrediction(@TempDir Path dir) throws Exception {
        Path v = dir.resolve("validation.json");
        Cli c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured",
                resource("measured-compare.json"), "--measured-again", resource("measured-compare.json"),
                "--sim-seconds", "0.05", "--json", v.toString());
        assertThat(c.status()).as(c.err()).isZero();
        var rows = ResultFiles.mapper().readTree(v.toFile()).path("rows");
        assertThat(rows).hasSize(6).allSatisfy(r -> {
            assertThat(r.path("repeat").path("deliveredError").asDouble()).isZero();
            assertThat(r.path("repeat").path("switchesPass").asBoolean()).isTrue();
        });
        Path html = dir.resolve("report.html");
        assertThat(Cli.run("report", v.toString(), "--html", html.toString()).status()).isZero();
        assertThat(Files.readString(html)).contains("measured again").contains("6 of 6 rows reproduce");
    }

    @Test
    void runsMeasuredAgainMustBeTheSameRuns(@TempDir Path dir) throws Exception {
        ResultFiles.Document d = ResultFiles.load(Path.of(resource("measured-compare.json")));
        Path fewer = dir.resolve("fewer.json");
        ResultFiles.write(fewer, new ResultFiles.Document("compare", d.arguments(), d.runs().subList(0, 5), java.util.List.of()));
        Cli c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured",
                resource("measured-compare.json"), "--measured-again", fewer.toString(), "--sim-seconds", "0.05");
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--measured-again:").contains("has 3 runs in --measured but 2 measured again");
        c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured",
                resource("measured-compare.json"), "--repeat");
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--repeat: only when measuring here");
        c = Cli.run("validate", "--calibration", resource("calibration.json"), "--measured-again",
                resource("measured-compare.json"));
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--measured-again: only with --measured");
    }

    /** A validation of three rows, one of them off on switches and one on both, as 'validate --json' writes them. */
    private static Path handValidation(Path dir) throws Exception {
        Path v = dir.resolve("val-by-hand.json");
        Files.writeString(v, """
                {"command": "validate", "arguments": [], "profile": "this-machine", "rows": [
                 {"model": "push", "load": "low", "deliveredPass": true, "switchesPass": true,
                  "deliveredError": -0.002, "switchesError": -0.106},
                 {"model": "push", "load": "overload", "deliveredPass": true, "switchesPass": false,
                  "deliveredError": -0.101, "switchesError": 0.831},
                 {"model": "puller", "load": "near saturation", "deliveredPass": false, "switchesPass": false,
                  "deliveredError": -0.265, "switchesError": -0.678}]}
                """);
        return v;
    }

    @Test
    void theAnswerStatesTheValidationItStandsOn(@TempDir Path dir) throws Exception {
        Path v = handValidation(dir);
        SimulationSection.ValidationOutcome o = SimulationSection.outcome(SimulationSection.load(v));
        assertThat(o.rows()).isEqualTo(3);
        assertThat(o.pass()).isEqualTo(1);
        assertThat(o.failing()).containsExactly("push overload: switches +83.1 %",
                "puller near saturation: delivered -26.5 %, switches -67.8 %");
        assertThat(o.statement()).startsWith("checked first against this machine (val-by-hand.json, profile "
                + "this-machine): 1 of 3 rows pass (delivered within 15 %, switches per packet within 20 % or 0.02)")
                .contains("\n  not passing: push overload: switches +83.1 %; puller near saturation");

        Path a = dir.resolve("answer.json");
        Path html = dir.resolve("answer.html");
        Cli c = Cli.run("simulate", "--answer", "--no-sensitivity", "--profile", resource("testbox.json"), "--models",
                "puller", "--validation", v.toString(), "--json", a.toString(), "--html", html.toString());
        assertThat(c.status()).as(c.err()).isZero();
        var checked = ResultFiles.mapper().readTree(a.toFile()).path("validation");
        assertThat(checked.path("file").asText()).isEqualTo("val-by-hand.json");
        assertThat(checked.path("profile").asText()).isEqualTo("this-machine");
        assertThat(checked.path("rows").asInt()).isEqualTo(3);
        assertThat(checked.path("pass").asInt()).isEqualTo(1);
        assertThat(checked.path("notPassing")).hasSize(2);
        assertThat(Files.readString(html)).contains("Checked first against this machine (val-by-hand.json")
                .contains("<strong>1 of 3 rows pass</strong>").contains("puller near saturation: delivered -26.5 %");

        c = Cli.run("simulate", "--answer", "--no-sensitivity", "--profile", resource("testbox.json"), "--models",
                "puller", "--json", a.toString(), "--html", html.toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(ResultFiles.mapper().readTree(a.toFile()).has("validation")).isFalse();
        assertThat(Files.readString(html)).contains("without a validation of this machine");
    }

    @Test
    void aValidationThatIsNotOneIsAUsageError(@TempDir Path dir) throws Exception {
        Cli c = Cli.run("simulate", "--profile", resource("testbox.json"), "--validation", dir.resolve("none.json").toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--validation: no such file").doesNotContain("Exception");
        Path answer = dir.resolve("answer.json");
        assertThat(Cli.run("simulate", "--answer", "--no-sensitivity", "--profile", resource("testbox.json"),
                "--models", "classic", "--json", answer.toString()).status()).isZero();
        c = Cli.run("simulate", "--profile", resource("testbox.json"), "--validation", answer.toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--validation: ").contains("is a simulate-answer document, not one 'validate --json' wrote");
        c = Cli.run("simulate", "--profile", resource("testbox.json"), "--validation", resource("calibration.json"));
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("calibration.json names no command, not one 'validate --json' wrote");
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"command\": \"validate\"");
        c = Cli.run("simulate", "--profile", resource("testbox.json"), "--validation", garbage.toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--validation: ").contains("garbage.json");
        assertThat(c.err().strip().lines().count()).isEqualTo(1);
    }
}
