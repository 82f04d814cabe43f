package dev.dispatchlab.sim;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Profile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code carrier_spin}: vthread's carrier looks for work that long before it parks, as the JDK's
 * ForkJoinPool does ({@code scripts/experiments/Carrier.java}: about 6.3 us on this machine).
 */
class CarrierSpinTest {

    private static final long NS = 1_000L; // ps

    private static SimResult run(Profile p, double pps) {
        // at the user's priority, as the runtime runs its carriers (a kernel's carrier parks at once)
        return SimRunner.run(SimSpec.defaults(p, SimModels.VTHREAD, pps).withCrypto(CryptoDrivers.SOFTWARE)
                .withKernelPriority(false).withTimes(100_000_000L, 500_000_000L));
    }

    /** @return the same run on the test profile with the carrier parking at once, and spinning {@code spinNs} */
    private static SimResult[] parksThenSpins(double spinNs, double pps) {
        Profile parks = SimFixtures.testbox();
        return new SimResult[] {run(parks, pps), run(parks.withValue(CostParam.CARRIER_SPIN, spinNs), pps)};
    }

    private static double perPacket(SimResult r, int figure) {
        return r.threads().get("carrier/0")[figure] / (double) (r.deliveredPps() * 0.5);
    }

    /** Frames further apart than the spin: each sleep is preceded by a whole spin, paid in the carrier's CPU. */
    @Test
    void aCarrierThatRunsDrySpinsItsWholeSpinBeforeEachSleep() {
        SimResult[] ab = parksThenSpins(20_000, 2_000); // a frame every 500 us
        SimResult a = ab[0];
        SimResult b = ab[1];
        double sleeps = perPacket(b, 0);
        assertThat(sleeps).isEqualTo(perPacket(a, 0)).isGreaterThan(0.9);
        // the user it woke on the way preempts it while it spins: mostly; it is switched in once more for each
        double again = perPacket(b, 1) - perPacket(a, 1);
        assertThat(again).isGreaterThan(0.5);
        Costs c = new Costs(SimFixtures.testbox());
        double switchIn = (c.contextSwitch + c.switchLocality) / (double) NS;
        // cpuNanos per packet: the same work, plus the whole 20 us before each sleep, plus at most a switch in
        // after each preemption (less where the carrier, woken from its sleep, was the last to run and
        // refills nothing)
        assertThat(perPacket(b, 2) - perPacket(a, 2)).isBetween(20_000 * sleeps, 20_000 * sleeps + switchIn * again);
    }

    /** Frames closer together than the spin: the carrier finds each while it spins and never sleeps. */
    @Test
    void aCarrierThatFindsWorkWhileSpinningDoesNotSleep() {
        SimResult[] ab = parksThenSpins(200_000, 10_000); // a frame every 100 us
        SimResult a = ab[0];
        SimResult b = ab[1];
        assertThat(perPacket(a, 0)).as("parking at once: a sleep per frame").isGreaterThan(0.9);
        assertThat(perPacket(b, 0)).as("spinning 200 us").isLessThan(0.01);
        assertThat(b.deliveredPps()).isCloseTo(a.deliveredPps(), within(0.01 * a.deliveredPps()));
    }

    /**
     * The carrier spins for a runnable virtual thread, not for the card's completion ring: once the rx
     * worker has parked, a completion the card has posted waits for its interrupt, coalesced here over
     * 50 us, even while the carrier spins. A frame every 500 us, a spin of 20 us that ends after the
     * card has posted the completion and before the interrupt: the carrier parks at the end of its spin
     * and the interrupt wakes it, so each packet waits out the coalescing delay and the carrier sleeps
     * twice for it. Seeing the ring from its spin, it would deliver within the spin and sleep once.
     */
    @Test
    void aSpinningCarrierSeesACompletionOnlyOnceTheCardSignalsIt() {
        Profile p = SimFixtures.testbox().withValue(CostParam.CARRIER_SPIN, 20_000);
        SimSpec d = SimSpec.defaults(p, SimModels.VTHREAD, 2_000);
        SimSpec s = new SimSpec(p, SimModels.VTHREAD, CryptoDrivers.OFFLOAD, 2_000, d.arrivals(), d.sizes(),
                100_000_000L, 500_000_000L, d.ringCapacity(), d.coalescePackets(), d.coalesceNs(), d.budget(),
                d.queueCapacity(), d.socketCapacity(), d.engineLatencyNs(), d.engineRate(), d.cryptoRing(),
                d.cryptoCoalesceCount(), 50_000, d.autoThreshold(), d.virtualWorkers(), false,
                SimSpec.Interrupts.DEVICE, d.tickNs(), d.sliceNs(), d.shortIdleNs(), d.seed());
        SimResult r = SimRunner.run(s);
        assertThat(r.deliveredShare()).isGreaterThan(0.99);
        assertThat(r.latency().p50()).as("frame to user, ns").isGreaterThan(50_000 + d.engineLatencyNs());
        assertThat(perPacket(r, 0)).as("carrier sleeps per packet").isCloseTo(2.0, within(0.05));
    }

    /** A kernel's carrier, above the user, parks at once: spinning there would starve the user. */
    @Test
    void aCarrierAboveTheUserParksAtOnce() {
        Profile spins = SimFixtures.testbox().withValue(CostParam.CARRIER_SPIN, 200_000);
        SimResult r = SimRunner.run(SimSpec.defaults(spins, SimModels.VTHREAD, 10_000)
                .withCrypto(CryptoDrivers.SOFTWARE).withKernelPriority(true).withTimes(100_000_000L, 500_000_000L));
        assertThat(perPacket(r, 0)).isGreaterThan(0.9);
        assertThat(r.deliveredShare()).isGreaterThan(0.99);
    }
}
