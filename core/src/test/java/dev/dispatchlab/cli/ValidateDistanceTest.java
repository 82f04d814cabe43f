package dev.dispatchlab.cli;

import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.sim.SimFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** validate's measuring at the calibration's CPU distance (ValidateCommand#measuredAtDistance). */
class ValidateDistanceTest {

    private static RunResult withWire(Map<String, Object> extra) throws Exception {
        RunResult r = ResultFiles.load(SimFixtures.resource("measured-compare.json")).runs().getFirst();
        Map<String, Object> wire = new LinkedHashMap<>(r.wire() == null ? Map.of() : r.wire());
        wire.putAll(extra);
        return new RunResult(r.model(), r.modelDescription(), r.crypto(), r.workload(), r.settings(), r.environment(),
                r.seconds(), r.offeredPps(), r.deliveredPps(), r.payloadGbps(), r.host(), r.device(), r.other(),
                r.perPacket(), r.latency(), r.drops(), r.events(), r.accounting(), r.checks(), wire, r.cryptoStats(),
                r.threads(), r.notes(), r.sentBad());
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
    void atLeastOneTry() {
        Cli c = Cli.run("validate", "--calibration", SimFixtures.resource("calibration.json").toString(),
                "--measured", SimFixtures.resource("measured-compare.json").toString(), "--distance-tries", "0");
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--distance-tries: at least 1, got 0");
    }
}
