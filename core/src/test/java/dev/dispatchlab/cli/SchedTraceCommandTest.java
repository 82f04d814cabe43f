package dev.dispatchlab.cli;

import dev.dispatchlab.metrics.SchedTraceSummaryTest;
import dev.dispatchlab.sim.SimFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sched-trace} and {@code simulate --sched-trace}: files in, tables out, bad files exit 2 with a message. */
class SchedTraceCommandTest {

    private static final String TESTBOX = SimFixtures.resource("testbox.json").toString();

    @Test
    void aSimulatedTraceIsReadByTheSummary(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("sim.trace");
        Cli c = Cli.run("simulate", "--profile", TESTBOX, "--models", "puller", "--rate", "20000",
                "--warmup", "5ms", "--measure", "50ms", "--sched-trace", t.toString(), "--sched-trace-for", "20ms");
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(Files.readString(t)).contains("sched_switch: prev_comm=puller/0").contains("sched_wakeup: comm=user");
        assertThat(Cli.run("sched-trace", t.toString(), "--threads", "puller,user").status()).isZero();
        assertThat(Cli.run("sched-trace", t.toString(), "--against", t.toString()).status()).isZero();
        Cli missing = Cli.run("sched-trace", t.toString(), "--against", dir.resolve("none").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("none: no such file");
    }

    @Test
    void validateWritesOneSimulatedTracePerRow(@TempDir Path dir) throws Exception {
        Path traces = dir.resolve("sim");
        Cli c = Cli.run("validate", "--calibration", SimFixtures.resource("calibration.json").toString(), "--measured",
                SimFixtures.resource("measured-compare.json").toString(), "--sim-seconds", "0.05",
                "--sched-trace", traces.toString(), "--sched-trace-for", "10ms");
        assertThat(c.status()).as(c.err()).isZero();
        try (var files = Files.list(traces)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactly(
                    "puller-low.trace", "puller-near-saturation.trace", "puller-overload.trace", "push-low.trace",
                    "push-near-saturation.trace", "push-overload.trace");
        }
        assertThat(Files.readString(traces.resolve("push-overload.trace"))).contains("next_comm=softnet/0");
    }

    @Test
    void aTraceNeedsOneModelOneProfileAndOneRate(@TempDir Path dir) {
        Cli c = Cli.run("simulate", "--profile", TESTBOX, "--models", "puller,push",
                "--sched-trace", dir.resolve("x").toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--sched-trace: one profile, one model and one rate");
        c = Cli.run("simulate", "--profile", TESTBOX, "--models", "puller",
                "--sched-trace", dir.resolve("x").toString(), "--sched-trace-for", "0s");
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("--sched-trace-for");
    }

    @Test
    void filesThatAreMissingOrHoldNoEventsAreUsageErrors(@TempDir Path dir) throws Exception {
        Cli c = Cli.run("sched-trace", dir.resolve("none.trace").toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("none.trace: no such file").doesNotContain("Exception");
        Path empty = dir.resolve("empty.trace");
        Files.write(empty, new byte[]{(byte) 0xff, 0, 1, '\n'});
        c = Cli.run("sched-trace", empty.toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("no sched_switch or sched_wakeup lines");
        Path good = dir.resolve("k.trace");
        Files.writeString(good, SchedTraceSummaryTest.TRACE);
        assertThat(Cli.run("sched-trace", good.toString(), "--top", "0").status()).isEqualTo(2);
        assertThat(Cli.run("sched-trace", good.toString(), "--cpu", "-2").status()).isEqualTo(2);
        Cli noCpu = Cli.run("sched-trace", good.toString(), "--cpu", "5");
        assertThat(noCpu.status()).isEqualTo(2);
        assertThat(noCpu.err()).contains("no sched_switch or sched_wakeup lines of CPU 5");
        assertThat(Cli.run("sched-trace", good.toString(), "--cpu", "1").status()).isZero();
        assertThat(Cli.run("sched-trace", good.toString()).status()).isZero();
    }
}
