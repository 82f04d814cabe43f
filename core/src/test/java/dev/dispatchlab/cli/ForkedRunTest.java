package dev.dispatchlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code compare --fork}: every model in a JVM of its own, with compare's workload flags. */
class ForkedRunTest {

    @Test
    void theChildGetsEveryFlagButCompareOwn() {
        assertThat(ForkedRun.runArguments(List.of("compare", "--models", "push,puller", "--rate", "5000", "--json=a.json",
                "--fork", "--size", "1400", "--html", "r.html", "--no-baseline", "--models=kcont", "--esn")))
                .containsExactly("--rate", "5000", "--size", "1400", "--esn");
        assertThat(ForkedRun.runArguments(List.of("--rate", "max"))).containsExactly("--rate", "max");
    }

    /** A flag only the child refuses is bad input here too: exit status 2, not a failed run. */
    @Test
    @Timeout(60)
    void aChildThatRefusesItsFlagsIsAUsageError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ForkedRun.run(List.of("compare", "--rate", "fast"), "push"))
                .isInstanceOf(UsageException.class).hasMessageContaining("the forked run of push refused its flags");
    }

    @Test
    @Timeout(120)
    void eachModelRunsInItsOwnJvmAndComesBackIntoOneTable(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("fork.json");
        Cli c = Cli.run("compare", "--fork", "--models", "puller,kcont", "--rate", "2000", "--warmup", "200ms",
                "--measure", "300ms", "--size", "512", "--no-baseline", "--json", json.toString());

        assertThat(c.status()).as(c.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("runs")).hasSize(2);
        assertThat(doc.get("runs").get(0).get("model").asText()).isEqualTo("puller");
        assertThat(doc.get("runs").get(1).get("model").asText()).isEqualTo("kcont");
        for (JsonNode r : doc.get("runs")) {
            // the child got compare's workload flags, and its accounting closed
            assertThat(r.get("settings").get("sizes").asText()).isEqualTo("512");
            assertThat(r.get("deliveredPps").asDouble()).isGreaterThan(1000);
            assertThat(r.get("checks").get("accountingBalanced").asBoolean()).isTrue();
            assertThat(r.get("checks").get("contentMismatches").asLong()).isZero();
            assertThat(r.get("checks").get("threadsLeftRunning")).isEmpty();
        }
    }
}
