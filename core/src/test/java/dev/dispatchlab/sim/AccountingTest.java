package dev.dispatchlab.sim;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.ResultTable;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.sim.profile.ProfileLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** In overload every packet is either delivered or dropped with a reason, and nothing is left in flight. */
class AccountingTest {

    @Test
    void overloadBalancesForEveryModel() {
        for (SimModels m : SimModels.values()) {
            SimSpec s = SimSpec.defaults(SimFixtures.testbox(), m, SimSpec.MAX_RATE).withTimes(2_000_000L, 20_000_000L);
            SimResult r = SimRunner.run(s);
            assertThat(r.balanced()).as(m.label()).isTrue();
            long drops = r.allDrops().values().stream().mapToLong(Long::longValue).sum();
            assertThat(r.offered()).as(m.label()).isEqualTo(r.delivered() + drops);
            assertThat(drops).as(m.label() + " drops in overload").isPositive();
            assertThat(r.deliveredShare()).as(m.label()).isLessThan(0.99);
        }
    }

    @Test
    void aSlowCardWithAShortRingDropsCryptoQueueFull() {
        SimSpec d = SimSpec.defaults(SimFixtures.testbox(), SimModels.PUSH, 100_000).withTimes(1_000_000L, 10_000_000L);
        SimSpec s = new SimSpec(d.profile(), d.model(), CryptoDrivers.OFFLOAD, d.ratePps(), d.arrivals(), d.sizes(),
                d.warmupNs(), d.measureNs(), d.ringCapacity(), d.coalescePackets(), d.coalesceNs(), d.budget(),
                d.queueCapacity(), d.socketCapacity(), d.engineLatencyNs(), 1_000_000, 4, d.cryptoCoalesceCount(),
                d.cryptoCoalesceNs(), d.autoThreshold(), d.virtualWorkers(), d.kernelPriority(), d.interrupts(), d.tickNs(), d.sliceNs(), d.shortIdleNs(), d.seed());
        SimResult r = SimRunner.run(s);
        assertThat(r.allDrops()).containsKey("crypto queue full");
        assertThat(r.balanced()).isTrue();
    }

    /**
     * The VAX's classic path livelocks at two million packets a second: the interrupts leave the user
     * nothing, so the interval delivers no packet. Its figures per packet are then not figures (NaN,
     * printed "-", "NaN" in the JSON), where dividing by one printed the interval's whole CPU time as
     * one packet's; the counts themselves are kept.
     */
    @Test
    void anIntervalThatDeliversNothingHasNoFiguresPerPacketButKeepsItsCounts(@TempDir Path dir) throws Exception {
        SimSpec s = SimSpec.defaults(ProfileLoader.load("vax780"), SimModels.CLASSIC, 2_000_000)
                .withTimes(500_000L, 2_500_000L);
        SimResult r = SimRunner.run(s);
        assertThat(r.deliveredPps()).isZero();
        assertThat(r.balanced()).isTrue();
        assertThat(r.hostSwitches()).isNaN();
        assertThat(r.hostCpuNanos()).isNaN();
        assertThat(r.interrupts()).isNaN();
        assertThat(r.cpuShare()).as("the CPU was busy all the same").isGreaterThan(0.9);
        assertThat(r.totals().hostCpuNanos()).isCloseTo(Math.round(r.cpuShare() * s.measureNs()), within(1000L));
        assertThat(r.totals().interrupts()).isPositive();

        RunResult rr = SimResults.toRunResult(r);
        // the tables' head line names the simulated machine, not the JVM that simulated it
        assertThat(rr.environment().oneLine()).startsWith("simulated: 1 CPU VAX-11/780")
                .contains("profile vax780").doesNotContain("JDK").doesNotContain("GC");
        assertThat(rr.host().cpuNanos()).isEqualTo(r.totals().hostCpuNanos());
        assertThat(rr.events()).containsEntry("interrupts", r.totals().interrupts());
        String[] row = ResultTable.row(rr);
        List<String> head = ResultTable.HEAD;
        for (String col : List.of("host sw", "wakeups", "intr", "host CPU", "p50", "p99", "max")) {
            assertThat(row[head.indexOf(col)]).as(col).isEqualTo("-");
        }
        assertThat(row[head.indexOf("delivered")]).isEqualTo("0.0");

        Path json = dir.resolve("r.json");
        ResultFiles.write(json, new ResultFiles.Document("compare", List.of(), List.of(rr), List.of()));
        RunResult back = ResultFiles.load(json).runs().getFirst();
        assertThat(back.perPacket().hostCpuNanos()).isNaN();
        assertThat(back.host().cpuNanos()).isEqualTo(rr.host().cpuNanos());
    }

    @Test
    void aLowRateIsDeliveredWhole() {
        for (SimModels m : SimModels.values()) {
            SimResult r = SimRunner.run(SimSpec.defaults(SimFixtures.testbox(), m, 1000).withTimes(10_000_000L, 100_000_000L));
            assertThat(r.dropped()).as(m.label()).isZero();
            assertThat(r.delivered()).as(m.label()).isEqualTo(r.offered());
        }
    }
}
