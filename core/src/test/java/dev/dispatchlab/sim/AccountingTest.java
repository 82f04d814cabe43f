package dev.dispatchlab.sim;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.sim.model.SimModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
                d.cryptoCoalesceNs(), d.autoThreshold(), d.virtualWorkers(), d.kernelPriority(), d.interrupts(), d.tickNs(), d.sliceNs(), d.seed());
        SimResult r = SimRunner.run(s);
        assertThat(r.allDrops()).containsKey("crypto queue full");
        assertThat(r.balanced()).isTrue();
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
