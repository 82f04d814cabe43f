package dev.dispatchlab.sim;

import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire beside an emulated engine (this machine's device CPU, shared by the two): frames due while
 * the engine holds the CPU are written when the wire has it back, and a busy engine holds the wire back
 * for at most a scheduling slice. Worked out by hand from the testbox profile.
 */
class SimWireTest {

    private static final long US = 1_000_000L; // ps

    /** Arrival times (ps) of every frame the wire wrote by {@code until}, an engine given one request at t = 0. */
    private static List<Long> arrivals(Profile p, double pps, long until, boolean withEngine) {
        return arrivals(p, pps, until, withEngine, 1.0, 3_000 * US, new long[1]);
    }

    /** As above, the engine at {@code share} taking turns of {@code turn}; {@code finish[0]}: its request's end. */
    private static List<Long> arrivals(Profile p, double pps, long until, boolean withEngine, double share, long turn,
                                       long[] finish) {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, new Costs(p), 3_000 * US, 1_500 * US, false);
        SimNic nic = new SimNic(m, 4096, 1, 0); // no handler: frames wait on the ring
        SimEngine engine = new SimEngine(m, 16, 5_000, 0, 8, 10_000, true, share, turn);
        if (withEngine) {
            engine.submit(m.newPacket(64), null);
            finish[0] = engine.holdUntil() - m.costs.engineIdleSpin; // its request's end (nothing to coalesce yet)
        }
        new SimWire(m, nic, engine, pps, SimSpec.defaults(p, SimModels.PUSH, pps), until).start();
        sim.runUntil(until + 2_000 * US);
        List<Long> out = new ArrayList<>();
        for (int f; (f = nic.poll()) >= 0; ) {
            out.add(m.arrival(f));
        }
        return out;
    }

    /** Frame {@code i} of {@code t}, due at {@code i * spacing}, arrived when {@code expected} says. */
    private static void eachFrameAt(List<Long> t, long spacing, java.util.function.LongUnaryOperator expected) {
        for (int i = 0; i < t.size(); i++) {
            long due = i * spacing;
            assertThat(t.get(i)).as("frame %d, due at %d ps", i, due).isEqualTo(expected.applyAsLong(due));
        }
    }

    @Test
    void framesDueWhileTheEngineHoldsItsCpuAreWrittenWhenItParks() {
        Profile p = SimFixtures.testbox().withValue(CostParam.CROSS_CPU_WAKEUP, 3_000);
        Costs c = new Costs(p);
        // one request at t = 0 to a parked engine: it takes its CPU after an interrupt and a switch there,
        // finishes at the 5 us latency at the earliest (or when its own work is done), waits out the 10 us
        // coalescing delay for its single completion, polls for engine_idle_spin (5 us here) and parks;
        // the wire has the CPU back once the engine has gone to sleep and the wire is switched in
        long wake = c.hardInterrupt + c.contextSwitch + c.switchLocality; // the doorbell's interrupt, the switch in
        long finish = Math.max(5 * US, wake + c.enginePerRequest + c.crypto(64));
        long parks = finish + 10 * US + c.engineIdleSpin;
        long back = parks + c.sleep + c.contextSwitch + c.switchLocality;
        List<Long> t = arrivals(p, 1_000_000, 200 * US, true); // a frame every microsecond

        assertThat(wake).as("the engine wakes after the first frame").isGreaterThan(US);
        assertThat(t).hasSize(200);
        eachFrameAt(t, US, due -> due >= wake && due < back ? back : due);
        assertThat(t).as("a burst when the engine parks").filteredOn(x -> x == back).hasSizeGreaterThan(10);
        assertThat(arrivals(p, 1_000_000, 200 * US, false)).as("an idle engine holds nothing back")
                .hasSize(200).allMatch(x -> x % US == 0).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aBusyEngineHoldsTheWireBackForOneSliceThenTheWireGetsOne() {
        // one request of 2 ms of engine work: the engine holds its CPU for well over a slice
        Profile p = SimFixtures.testbox().withValue(CostParam.CROSS_CPU_WAKEUP, 3_000)
                .withValue(CostParam.ENGINE_PER_REQUEST, 2_000_000);
        Costs c = new Costs(p);
        long wake = c.hardInterrupt + c.contextSwitch + c.switchLocality; // the doorbell's interrupt, the switch in
        long sliceEnd = wake + SimWire.SLICE_PS;
        long wireSliceEnd = sliceEnd + SimWire.SLICE_PS;
        List<Long> t = arrivals(p, 100_000, 3_000 * US, true); // a frame every 10 us

        // after the wire's slice the engine, still holding its CPU, has the next slice until it parks
        long parks = wake + c.enginePerRequest + c.crypto(64) + 10 * US + c.engineIdleSpin;
        long back = parks + c.sleep + c.contextSwitch + c.switchLocality;
        long nextEnd = Math.min(back, wireSliceEnd + SimWire.SLICE_PS);
        eachFrameAt(t, 10 * US, due -> {
            if (due < wake || (due >= sliceEnd && due < wireSliceEnd)) {
                return due; // before the engine woke, or in the wire's slice: on time
            }
            if (due < sliceEnd) {
                return sliceEnd; // held back until the engine's slice ends
            }
            return due < nextEnd ? nextEnd : due;
        });
    }

    @Test
    void besideAFlatOutWireTheEngineWorksInItsTurnsOnlyAndTheWireWritesInItsOwn() {
        // share 0.25: the two take turns of 1 ms each (half the CPU to each), and in its turns the engine
        // runs at half its speed alone, which makes its share overall. One request of 1 ms of engine work
        // alone takes 2 ms of its turns: the turns from the wakeup [0, 1), [2, 3) ms and a bit of [4, 5).
        Profile p = SimFixtures.testbox().withValue(CostParam.CROSS_CPU_WAKEUP, 3_000)
                .withValue(CostParam.ENGINE_PER_REQUEST, 1_000_000);
        Costs c = new Costs(p);
        long wake = c.hardInterrupt + c.contextSwitch + c.switchLocality; // the doorbell's interrupt, the switch in
        long turn = 1_000 * US;
        long work = 2 * (c.enginePerRequest + c.crypto(64));
        long done = wake + 4 * turn + (work - 2 * turn);
        long parks = done + 10 * US + c.engineIdleSpin;
        long back = parks + c.sleep + c.contextSwitch + c.switchLocality;
        long[] finish = new long[1];
        List<Long> t = arrivals(p, 100_000, 6_000 * US, true, 0.25, turn, finish); // a frame every 10 us

        assertThat(finish[0]).as("the request's end, its work spread over the engine's turns").isEqualTo(done);
        assertThat(parks).as("the engine parks in its third turn").isLessThan(wake + 5 * turn);
        assertThat(t).hasSize(600);
        eachFrameAt(t, 10 * US, due -> {
            for (int k = 0; k < 3; k++) { // in an engine's turn, held back to its end (or the wire's return)
                long from = wake + 2 * k * turn;
                long to = Math.min(from + turn, back);
                if (due >= from && due < to) {
                    return to;
                }
            }
            return due;
        });
    }
}
