package dev.dispatchlab.cli;

import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.sim.SimFixtures;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dispatchlab.sim.profile.CalibratedProfile;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Profile;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** validate's measuring at the calibration's CPU distance (ValidateCommand#measuredAtDistance). */
class ValidateDistanceTest {

    private static RunResult withWire(Map<String, Object> extra) throws Exception {
        RunResult r = ResultFiles.load(SimFixtures.resource("measured-compare.json")).runs().getFirst();
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            r = r.withWire(e.getKey(), e.getValue());
        }
        return r;
    }

    /** The test calibration with in-place figures: a path of 1,000 ns and a receive of 300 ns. */
    private static ObjectNode calibrationInPlace() throws Exception {
        ObjectNode cal = (ObjectNode) ResultFiles.mapper().readTree(SimFixtures.resource("calibration.json").toFile());
        cal.putObject("inPlace").put("payloadBytes", 64).put("pathNanos", 1000.0).put("rxNanos", 300.0);
        return cal;
    }

    @Test
    void aRunMatchesTheCalibrationWhenBothItsProbesAreWithinTheFactor() throws Exception {
        double cal = 455;
        assertThat(ValidateCommand.sameDistance(withWire(Map.of("cpuRoundTripNanosBefore", 430.0,
                "cpuRoundTripNanosAfter", 470.0)), cal)).isTrue();
        // the CPUs moved near each other during the run
        assertThat(ValidateCommand.sameDistance(withWire(Map.of("cpuRoundTripNanosBefore", 444.0,
                "cpuRoundTripNanosAfter", 72.0)), cal)).isFalse();
        assertThat(ValidateCommand.sameDistance(withWire(Map.of("cpuRoundTripNanosBefore", 60.0,
                "cpuRoundTripNanosAfter", 66.0)), cal)).isFalse();
        // a run that did not measure it cannot be said to match
        assertThat(ValidateCommand.sameDistance(withWire(Map.of()), cal)).isFalse();
    }

    @Test
    void aCheckMatchesItsRunWhenItMetTheCpusWhereTheRunDid() throws Exception {
        RunResult near = withWire(Map.of("cpuRoundTripNanosBefore", 65.0, "cpuRoundTripNanosAfter", 74.0));
        assertThat(ValidateCommand.checkMetRun(Map.of("cpuRoundTripNanosBefore", 70.0,
                "cpuRoundTripNanosAfter", 62.0, "pathNanos", 640.0), near)).isTrue();
        // set 31's push in overload: the check before the run met the CPUs far, the run near
        assertThat(ValidateCommand.checkMetRun(Map.of("cpuRoundTripNanosBefore", 993.0,
                "cpuRoundTripNanosAfter", 450.0, "pathNanos", 1111.0), near)).isFalse();
        // the CPUs moved during the check
        assertThat(ValidateCommand.checkMetRun(Map.of("cpuRoundTripNanosBefore", 70.0,
                "cpuRoundTripNanosAfter", 450.0), near)).isFalse();
        // a check or a run without the probe cannot be said to match
        assertThat(ValidateCommand.checkMetRun(Map.of("pathNanos", 640.0), near)).isFalse();
        assertThat(ValidateCommand.checkMetRun(Map.of("cpuRoundTripNanosBefore", 70.0,
                "cpuRoundTripNanosAfter", 62.0), withWire(Map.of()))).isFalse();
    }

    @Test
    void atLeastOneTry() {
        Cli c = Cli.run("validate", "--calibration", SimFixtures.resource("calibration.json").toString(),
                "--measured", SimFixtures.resource("measured-compare.json").toString(), "--distance-tries", "0");
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--distance-tries: at least 1, got 0");
    }

    @Test
    void aRunIsPredictedWithThePathAndReceiveTimedJustBeforeIt() throws Exception {
        ObjectNode cal = calibrationInPlace();
        Profile base = CalibratedProfile.from(cal, "cal.json");
        assertThat(base.value(CostParam.STAGE_RX)).isEqualTo(300.0);
        RunResult checked = withWire(Map.of(ValidateCommand.IN_PLACE_CHECK,
                Map.of("pathNanos", 700.0, "rxNanos", 120.0, "cpuRoundTripNanosBefore", 70.0)));
        Profile own = ValidateCommand.profileOfRun(checked, base, cal);
        assertThat(own.value(CostParam.STAGE_RX)).as("the receive timed before the run").isEqualTo(120.0);
        assertThat(own.value(CostParam.STAGE_DELIVER)).as("the path's rest moves with it")
                .isNotEqualTo(base.value(CostParam.STAGE_DELIVER));
        assertThat(ValidateCommand.profileOfRun(withWire(Map.of()), base, cal)).as("no check: the calibration's")
                .isSameAs(base);
        assertThat(cal.path("inPlace").path("rxNanos").asDouble()).as("the calibration itself untouched").isEqualTo(300.0);
    }

    @Test
    void aRunsCardCheckStandsInForTheCalibrationsCard() throws Exception {
        ObjectNode cal = calibrationInPlace();
        ((ObjectNode) cal.get("inPlace")).put("offloadHostNanosPerRequest", 300.0)
                .put("offloadEngineNanosPerRequest", 700.0).put("offloadBesideWireNanosPerRequest", 2000.0)
                .put("offloadBesideWireEngineNanosPerRequest", 1000.0).put("offloadRefusingNanosPerRequest", 3200.0)
                .put("offloadRefusalHostNanos", 1100.0);
        Profile base = CalibratedProfile.from(cal, "cal.json");

        RunResult checked = withWire(Map.of(ValidateCommand.IN_PLACE_CHECK, Map.of("pathNanos", 1000.0, "rxNanos", 300.0,
                "offloadBesideWireEngineNanosPerRequest", 800.0, "offloadRefusingNanosPerRequest", 1600.0,
                "offloadRefusalHostNanos", 900.0, "wireFrameNanos", 230.0, "wireRefusalNanos", 60.0)));
        Profile own = ValidateCommand.profileOfRun(checked, base, cal);
        assertThat(base.value(CostParam.WIRE_FRAME)).as("the calibration has no wire figure").isZero();
        assertThat(own.value(CostParam.WIRE_FRAME)).as("the wire as timed before the run").isEqualTo(230.0);
        // the card as timed before the run: 800 ns of engine CPU per request, 200 less; refusals 200 ns cheaper
        assertThat(own.value(CostParam.ENGINE_PER_REQUEST)).isEqualTo(base.value(CostParam.ENGINE_PER_REQUEST) - 200,
                within(1e-9));
        assertThat(own.value(CostParam.CARD_REFUSAL)).isEqualTo(base.value(CostParam.CARD_REFUSAL) - 200, within(1e-9));
        assertThat(own.value(CostParam.STAGE_RX)).isEqualTo(300.0);
        assertThat(own.value(CostParam.CARD_HOST_PER_REQUEST)).as("not in the check: the calibration's").isEqualTo(300.0);
    }

    @Test
    void pathPerRunIsTheDefaultAndSaysHowManyRunsHadTheirOwn(@TempDir Path dir) throws Exception {
        ResultFiles.Document d = ResultFiles.load(SimFixtures.resource("measured-compare.json"));
        List<RunResult> runs = new ArrayList<>(d.runs());
        runs.set(0, runs.getFirst().withWire(ValidateCommand.IN_PLACE_CHECK, Map.of("pathNanos", 700.0, "rxNanos", 120.0)));
        Path measured = dir.resolve("m.json");
        ResultFiles.write(measured, new ResultFiles.Document("compare", List.of(), runs, List.of()));
        Path calibration = dir.resolve("cal.json");
        Files.writeString(calibration, calibrationInPlace().toString());
        String line = "--path-per-run: 1 of " + runs.size() + " runs predicted with the in-place path";
        assertThat(validateOut("--calibration", calibration.toString(), "--measured", measured.toString()))
                .contains(line).contains("(0 with the card too, 0 with the wire's speed)");
        assertThat(validateOut("--calibration", calibration.toString(), "--measured", measured.toString(),
                "--path-per-run")).contains(line);
        assertThat(validateOut("--calibration", calibration.toString(), "--measured", measured.toString(),
                "--no-path-per-run")).as("every run on the calibration's figures").doesNotContain("--path-per-run:");
    }

    /** @return what {@code validate args} printed, after checking it succeeded */
    private static String validateOut(String... args) {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Cli c;
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "validate";
            System.arraycopy(args, 0, all, 1, args.length);
            c = Cli.run(all);
        } finally {
            System.setOut(stdout);
        }
        assertThat(c.status()).as(c.err()).isEqualTo(0);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
