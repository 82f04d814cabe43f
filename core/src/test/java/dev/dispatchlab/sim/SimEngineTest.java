package dev.dispatchlab.sim;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.sim.profile.Cost;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Kind;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.sim.profile.Unit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The card's descriptors, as the runtime's offload driver keeps them. */
class SimEngineTest {

    private static final long US = 1_000_000L; // ps

    @Test
    void aDescriptorIsFreeAgainOnlyOnceItsCompletionIsDrained() {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, new Costs(SimFixtures.testbox()), 4_000 * US, 1_500 * US, true);
        SimEngine card = new SimEngine(m, 4, 5_000, 0, 8, 10_000, false, false);
        for (int i = 0; i < 4; i++) {
            assertThat(card.submit(m.newPacket(64), null)).isTrue();
        }
        sim.runUntil(100 * US); // all four done long since, none drained: the card is still full
        assertThat(card.hasCompletions()).isTrue();
        assertThat(card.inFlight()).isEqualTo(4);
        assertThat(card.submit(m.newPacket(64), null)).as("no descriptor free").isFalse();
        assertThat(m.drops()[DropReason.CRYPTO_QUEUE_FULL.ordinal()]).isEqualTo(1);

        assertThat(card.poll()).isNotNegative();
        assertThat(card.submit(m.newPacket(64), null)).as("one drained, one free").isTrue();
        assertThat(card.submit(m.newPacket(64), null)).isFalse();
        assertThat(m.drops()[DropReason.CRYPTO_QUEUE_FULL.ordinal()]).isEqualTo(2);
        assertThat(card.inFlight()).isEqualTo(4);
    }

    @Test
    void aRefusedSubmitCostsItsSubmitterTheRefusalAndNothingMore() {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, testboxWith(CostParam.CARD_REFUSAL, 700), 4_000 * US, 1_500 * US, true);
        SimEngine card = new SimEngine(m, 1, 5_000, 0, 8, 10_000, false, false);
        assertThat(card.submit(m.newPacket(64), null)).isTrue(); // from a device: the one descriptor taken
        long before = m.cpu.busyPs();

        assertThat(card.submit(m.newPacket(64), m.cpu)).isFalse();
        sim.runUntil(1 * US);
        assertThat(m.cpu.busyPs() - before).as("the host CPU paid the refusal, 700 ns").isEqualTo(700_000L);
        assertThat(m.drops()[DropReason.CRYPTO_QUEUE_FULL.ordinal()]).isEqualTo(1);
        assertThat(card.inFlight()).isEqualTo(1);
    }

    @Test
    void anEmulatedEngineSpendsTheWakeupsItsInterruptSendsBeforeItsNextRequest() {
        List<Long> without = completions(0);
        List<Long> with = completions(10_000);
        // the first completion's handler wakes the sleeping user: the engine sends that wakeup, and the
        // request submitted as it completes waits 10 us longer for the engine, exactly
        assertThat(with.get(0)).isEqualTo(without.get(0));
        assertThat(with.get(1) - without.get(1)).isEqualTo(10 * US);
    }

    /**
     * An emulated engine on a CPU of its own whose completion interrupt wakes a sleeping host thread,
     * {@code wakerNs} of its time per wakeup sent: a request, and a second one submitted from a device
     * the instant the first completes.
     *
     * @return when the two completed (ps)
     */
    private static List<Long> completions(long wakerNs) {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, testboxWith(CostParam.CROSS_CPU_WAKER, wakerNs), 4_000 * US, 1_500 * US, false);
        UserProcess user = m.thread(new UserProcess(m, 16, 0, false));
        SimEngine card = new SimEngine(m, 4, 0, 0, 1, 0, true, false);
        List<Long> done = new ArrayList<>();
        card.connect(cpu -> {
            while (card.poll() >= 0) {
                done.add(sim.now());
            }
            boolean woke = m.wake(user, cpu);
            if (done.size() == 1) {
                assertThat(woke).as("the user slept").isTrue();
                sim.at(sim.now(), Simulation.Order.DEVICE, () -> card.submit(m.newPacket(64), null));
            }
            return 0;
        });
        assertThat(card.submit(m.newPacket(64), null)).isTrue();
        sim.runUntil(1_000 * US);
        assertThat(done).hasSize(2);
        return done;
    }

    /**
     * The card counts what the runtime's driver counts: requests it took, submissions that found the
     * engine parked and woke it, completion interrupts after coalescing. Four submitted at once wake it
     * once and raise two interrupts (two completions each); one more after it parked wakes it again, and
     * its lone completion raises a third when the coalescing delay runs out. A refused one is no request.
     */
    @Test
    void theCardCountsItsRequestsTheEngineWakeupsAndTheInterruptsAsTheDriverDoes() {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, new Costs(SimFixtures.testbox()), 4_000 * US, 1_500 * US, false);
        SimEngine card = new SimEngine(m, 4, 0, 0, 2, 10_000, true, false);
        card.connect(cpu -> 0); // nothing drains: the descriptors stay taken
        for (int i = 0; i < 4; i++) {
            assertThat(card.submit(m.newPacket(64), null)).isTrue();
        }
        assertThat(card.submit(m.newPacket(64), null)).as("the ring is full").isFalse();
        sim.runUntil(1_000 * US);
        assertThat(card.requests()).isEqualTo(4);
        assertThat(card.engineWakeups()).as("the first found it parked, the rest busy").isEqualTo(1);
        assertThat(card.completionInterrupts()).isEqualTo(2);

        while (card.poll() >= 0) {
            // drained: the descriptors are free again
        }
        assertThat(card.submit(m.newPacket(64), null)).isTrue();
        sim.runUntil(2_000 * US);
        assertThat(card.requests()).isEqualTo(5);
        assertThat(card.engineWakeups()).as("parked again since").isEqualTo(2);
        assertThat(card.completionInterrupts()).as("the lone completion, after the delay").isEqualTo(3);
    }

    /**
     * The doorbell that finds the emulated engine parked wakes a thread on another CPU: the submitting
     * host pays {@code cross_cpu_waker} (7 us here) beside its half of the request; one submitted while
     * the engine is busy pays its half alone (0 on the test box).
     */
    @Test
    void aDoorbellThatWakesTheParkedEngineCostsTheSubmitterACrossCpuWakeup() {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, testboxWith(CostParam.CROSS_CPU_WAKER, 7_000), 4_000 * US, 1_500 * US, false);
        SimEngine card = new SimEngine(m, 4, 5_000, 0, 8, 10_000, true, false);
        card.connect(cpu -> 0);
        long before = m.cpu.busyPs();
        assertThat(card.submit(m.newPacket(64), m.cpu)).isTrue();
        assertThat(card.submit(m.newPacket(64), m.cpu)).isTrue();
        sim.runUntil(1_000 * US);
        assertThat(card.engineWakeups()).isEqualTo(1);
        assertThat(m.cpu.busyPs() - before).as("one wakeup sent to the device CPU, 7 us").isEqualTo(7 * US);
    }

    /**
     * The engine as a thread of the device CPU (beside a flat-out wire; here alone on that CPU), worked
     * by hand on the test box with cross_cpu_wakeup 3 us (the CPU is idle: no interrupt to take), 5 us
     * latency, the interrupt after 8 completions or 10 us, and engine_idle_spin's polls before it parks:
     * <ol>
     * <li>At 0 a request to the parked engine: woken at 3 us and switched in (a switch and, first on
     *     that CPU, its refill), past the latency by then; done its work later (engine_per_request and the
     *     cipher), it spins to the coalescing deadline, 10 us on, raises the interrupt and polls.</li>
     * <li>At 24 us, while it polls, a second: no wakeup. It spins out the latency to 29 us, works, spins
     *     10 us, raises the interrupt, polls and parks.</li>
     * <li>At 60 us a third, to the parked engine again: woken at 63, switched in without a refill (it
     *     ran there last), and the same again.</li>
     * </ol>
     * It holds its CPU from each wakeup to its sleep.
     */
    @Test
    void onTheDeviceCpuTheEngineSpinsOutLatencyAndCoalescingThenPollsAndParks() {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Profile box = SimFixtures.testbox().withValue(CostParam.CROSS_CPU_WAKEUP, 3_000)
                .withValue(CostParam.ENGINE_PER_REQUEST, 1_000);
        Costs c = new Costs(box);
        Machine m = new Machine(sim, c, 4_000 * US, 1_500 * US, false);
        SimEngine card = new SimEngine(m, 4, 5_000, 0, 8, 10_000, true, true);
        assertThat(card.onDeviceCpu()).isTrue();
        SimThread engine = m.deviceThreads().get(0);
        List<Long> interrupts = new ArrayList<>();
        card.connect(cpu -> {
            interrupts.add(sim.now());
            while (card.poll() >= 0) {
                // drained: the descriptor is free again
            }
            return 0;
        });
        long work = c.enginePerRequest + c.crypto(64);
        long done1 = 3 * US + c.contextSwitch + c.switchLocality + work;
        assertThat(done1 - work).as("switched in past the latency").isGreaterThan(5 * US);
        long done2 = 29 * US + work;
        long parked2 = done2 + 10 * US + c.engineIdleSpin;
        long done3 = 63 * US + c.contextSwitch + work;
        long parked3 = done3 + 10 * US + c.engineIdleSpin;
        assertThat(done1 + 10 * US).as("the second comes while it polls").isLessThan(24 * US);
        assertThat(24 * US).isLessThan(done1 + 10 * US + c.engineIdleSpin);

        card.submit(m.newPacket(64), null);
        sim.at(24 * US, Simulation.Order.DEVICE, () -> card.submit(m.newPacket(64), null));
        sim.at(60 * US, Simulation.Order.DEVICE, () -> card.submit(m.newPacket(64), null));
        sim.runUntil(parked2 - 100_000);
        assertThat(engine.state()).as("polling just before it parks").isEqualTo(SimThread.State.RUNNING);
        sim.runUntil(parked2 + c.sleep + 100_000);
        assertThat(engine.state()).as("parked").isEqualTo(SimThread.State.SLEEPING);
        sim.runUntil(200 * US);

        assertThat(interrupts).containsExactly(done1 + 10 * US, done2 + 10 * US, done3 + 10 * US);
        assertThat(card.requests()).isEqualTo(3);
        assertThat(card.engineWakeups()).as("the second came while it polled").isEqualTo(2);
        assertThat(engine.wakeups()).isEqualTo(2);
        assertThat(engine.voluntary()).as("it parked after the second request and after the third").isEqualTo(2);
        assertThat(engine.cpuPs()).as("from each wakeup to its sleep, and its way to sleep")
                .isEqualTo((parked2 - 3 * US) + (parked3 - 63 * US) + 2 * c.sleep);
    }

    /** @return the test box's costs with {@code param} set to {@code ns} */
    private static Costs testboxWith(CostParam param, long ns) {
        Profile box = SimFixtures.testbox();
        Map<CostParam, Cost> costs = new EnumMap<>(box.costs());
        costs.put(param, new Cost(ns, Unit.NS, Kind.CONFIGURED, "test", Double.NaN, Double.NaN));
        return new Costs(new Profile(box.name(), box.title(), box.cpus(), box.notes(), box.origin(), costs));
    }
}
