package dev.dispatchlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The run command end to end, and its answers to bad flags: one line, exit status 2. */
class RunCommandTest {

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome execute(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Outcome(status, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--rate|fast|--rate",
            "--rate|-5|--rate",
            "--model|nagle|--model",
            "--size|99999|--size",
            "--suite|rot13|--suite",
            "--idle|nap|--idle",
            "--coalesce|8|--coalesce",
            "--warmup|soon|--warmup",
            "--flows|0|flows",
            "--malformed-share|0.9|share",
            "--host-cpus|77|--host-cpus",
            "--arrivals|bursty|--arrivals",
            "--crypto|quantum|--crypto"})
    void badFlagsAreOneLineAndExitTwo(String flag, String value, String mentions) {
        Outcome o = flag.equals("--warmup") ? execute("run", flag, value, "--measure", "100ms")
                : execute("run", flag, value, "--warmup", "0s", "--measure", "100ms");
        assertThat(o.status()).as(o.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).contains(mentions).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(o.err().strip().lines().count()).as(o.err()).isLessThanOrEqualTo(3);
    }

    /** --rate takes the k and M that --rates takes. */
    @Test
    void aRateMayBeGivenInThousandsOrMillions() {
        assertThat(execute("run", "--rate", "2k", "--warmup", "0s", "--measure", "100ms").status()).isZero();
        Outcome o = execute("run", "--rate", "2kk", "--warmup", "0s", "--measure", "100ms");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).contains("--rate: '2kk' is not a rate");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--kernel-priority 100                       | --kernel-priority: must be between 0 and 99, got 100",
            "--model puller --rings 1000                 | --rings: must be between 1 and 64, got 1000",
            "--model vthread --rings 1000                | --rings: must be between 1 and 64, got 1000",
            "--ring-size 1                               | --ring-size: must be at least 2, got 1",
            "--measure 99999999999s                      | --measure: '99999999999s' is too long (at most 1000000 s",
            "--warmup 99999999999s --measure 1s          | --warmup: '99999999999s' is too long"})
    void eachRangeErrorNamesItsFlag(String args, String message) {
        Outcome o = execute(("run " + args.strip()).split("\\s+"));
        assertThat(o.status()).as(o.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err().strip()).startsWith("dispatchlab run: ").contains(message).doesNotContain("\n").doesNotContain("bad sizes").doesNotContain("--vworkers");
        assertThat(o.out()).isEmpty();
    }

    /**
     * {@code --sched-trace}: where tracefs can be written (root, as CI runs), the run writes the kernel's
     * switches and wakeups of its own threads and puts the tracing state back; elsewhere it is a usage
     * error that says what is needed. Either way a bad --sched-trace-for is one.
     */
    @Test
    @Timeout(60)
    void aRunTracesTheKernelsSchedulerWhereTracefsAllows(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("run.trace");
        Path on = Path.of("/sys/kernel/tracing/tracing_on");
        boolean tracefs = Files.isWritable(on);
        String before = tracefs ? Files.readString(on) : null;
        Outcome o = execute("run", "--model", "puller", "--rate", "5000", "--warmup", "200ms", "--measure", "400ms",
                "--sched-trace", trace.toString(), "--sched-trace-for", "200ms");
        if (tracefs) {
            assertThat(o.status()).as(o.err()).isZero();
            assertThat(Files.readString(trace)).contains("sched_switch: prev_comm=").contains("next_comm=puller/0");
            assertThat(Files.readString(on)).isEqualTo(before);
        } else {
            assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
            assertThat(o.err()).contains("--sched-trace: needs tracefs");
        }
        Outcome bad = execute("run", "--sched-trace", trace.toString(), "--sched-trace-for", "0s");
        assertThat(bad.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.err()).contains("--sched-trace-for: above 0");
    }

    /**
     * An offload card so slow (1 byte/s) that it never finishes a request: everything submitted must
     * still be counted, by the watchdog (crypto timeout) or at shutdown, and the run end balanced.
     */
    @Test
    @Timeout(60)
    void aStarvedCryptoCardStillEndsInABalancedRun(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Outcome o = execute("run", "--model", "push", "--rate", "2000", "--warmup", "0s", "--measure", "500ms",
                "--engine-rate", "1", "--json", json.toString());
        assertThat(o.status()).as(o.err() + o.out()).isZero();
        JsonNode r = new ObjectMapper().readTree(json.toFile()).get("runs").get(0);
        JsonNode acc = r.get("accounting");
        assertThat(acc.get("balanced").asBoolean()).as(acc.toString()).isTrue();
        assertThat(acc.get("inFlight").asLong()).isZero();
        assertThat(acc.get("delivered").asLong()).isZero();
        assertThat(acc.get("drops").get("crypto timeout").asLong()).as(acc.toString()).isPositive();
    }

    @Test
    void unknownFlagIsAUsageError() {
        Outcome o = execute("run", "--turbo");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).contains("--turbo");
    }

    @Test
    void tooManyVirtualWorkersIsAUsageErrorNotACrash() {
        Outcome o = execute("run", "--model", "vthread", "--vworkers", "1024");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).contains("--vworkers: at most 768 virtual workers in all").contains("1024 x 1")
                .doesNotContain("Exception");
    }

    @Test
    @Timeout(60)
    void aShortRunPrintsATableAndWritesEverySetting(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Outcome o = execute("run", "--model", "puller", "--rate", "3000", "--warmup", "300ms", "--measure", "500ms",
                "--json", json.toString());
        assertThat(o.status()).as(o.err() + o.out()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        JsonNode r = doc.get("runs").get(0);
        assertThat(r.get("model").asText()).isEqualTo("puller");
        assertThat(r.get("checks").get("accountingBalanced").asBoolean()).isTrue();
        assertThat(r.get("settings").get("rate").asDouble()).isEqualTo(3000);
        assertThat(r.get("settings").has("placement")).isTrue();
        assertThat(r.get("environment").get("jdk").asText()).startsWith("25");
        assertThat(r.get("deliveredPps").asDouble()).isGreaterThan(0);
        assertThat(doc.get("arguments").toString()).contains("--rate");
    }
}
