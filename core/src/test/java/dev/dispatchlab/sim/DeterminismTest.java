package dev.dispatchlab.sim;

import dev.dispatchlab.device.ArrivalProcess;
import dev.dispatchlab.sim.model.SimModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class DeterminismTest {

    private static SimSpec poisson(SimModels m, long seed) {
        SimSpec d = SimSpec.defaults(SimFixtures.testbox(), m, 40_000).withTimes(5_000_000L, 50_000_000L).withSeed(seed);
        return new SimSpec(d.profile(), m, null, d.ratePps(), ArrivalProcess.POISSON, d.sizes(), d.warmupNs(),
                d.measureNs(), d.ringCapacity(), d.coalescePackets(), d.coalesceNs(), d.budget(), d.queueCapacity(),
                d.socketCapacity(), d.engineLatencyNs(), d.engineRate(), d.cryptoRing(), d.cryptoCoalesceCount(),
                d.cryptoCoalesceNs(), d.autoThreshold(), d.virtualWorkers(), d.kernelPriority(), d.interrupts(), d.tickNs(), d.sliceNs(), d.shortIdleNs(), seed);
    }

    private static List<Object> fingerprint(SimResult r) {
        List<Object> f = new ArrayList<>();
        f.add(r.offered());
        f.add(r.delivered());
        f.add(r.allDrops());
        f.add(r.voluntary());
        f.add(r.involuntary());
        f.add(r.hostCpuNanos());
        f.add(r.latency());
        f.add(r.events());
        return f;
    }

    @Test
    void theSameSeedGivesTheSameRunForEveryModel() {
        for (SimModels m : SimModels.values()) {
            assertThat(fingerprint(SimRunner.run(poisson(m, 7)))).as(m.label())
                    .isEqualTo(fingerprint(SimRunner.run(poisson(m, 7))));
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        for (SimModels m : SimModels.values()) {
            assertThat(fingerprint(SimRunner.run(poisson(m, 7)))).as(m.label())
                    .isNotEqualTo(fingerprint(SimRunner.run(poisson(m, 8))));
        }
    }

    @Test
    void eventsAtOneTimeRunByClassThenInsertionOrder() {
        Simulation sim = new Simulation(new SplittableRandom(1));
        List<String> order = new ArrayList<>();
        sim.at(10, Simulation.Order.TIMER, () -> order.add("timer"));
        sim.at(10, Simulation.Order.CPU, () -> order.add("cpu-1"));
        sim.at(10, Simulation.Order.DEVICE, () -> order.add("device"));
        sim.at(10, Simulation.Order.CPU, () -> order.add("cpu-2"));
        sim.at(5, Simulation.Order.TIMER, () -> order.add("earlier"));
        sim.at(10, Simulation.Order.BOUNDARY, () -> order.add("boundary"));
        sim.runUntil(100);
        assertThat(order).containsExactly("earlier", "boundary", "device", "cpu-1", "cpu-2", "timer");
        assertThat(sim.now()).isEqualTo(100);
    }
}
