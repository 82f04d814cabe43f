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
 * for at most a scheduling slice; at the maximum rate both are threads of the device CPU. Worked out by
 * hand from the testbox profile.
 */
class SimWireTest {

    private static final long US = 1_000_000L; // ps

    /** Arrival times (ps) of every frame the wire wrote by {@code until}, an engine given one request at t = 0. */
    private static List<Long> arrivals(Profile p, double pps, long until, boolean withEngine) {
        return arrivals(p, pps, until, withEngine, new Machine[1], null);
    }

    /**
     * As above; {@code pps} may be {@link SimSpec#MAX_RATE} (then, with a wire of known speed, the engine
     * and the wire are threads of the device CPU); {@code machine[0]}: the machine, for its counts;
     * {@code events}, if not null, sees the scheduler's events.
     */
    private static List<Long> arrivals(Profile p, double pps, long until, boolean withEngine, Machine[] machine,
                                       SchedEvents events) {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, new Costs(p), 3_000 * US, 1_500 * US, false);
        SimNic nic = new SimNic(m, 4096, 1, 0); // no handler: frames wait on the ring
        // the devices on a CPU of their own, as an emulated engine's are
        SimSpec spec = SimSpec.defaults(p, SimModels.PUSH, pps).withInterrupts(SimSpec.Interrupts.DEVICE);
        SimEngine engine = new SimEngine(m, 16, 5_000, 0, 8, 10_000, true, spec.wireFlatOut());
        m.events(events);
        if (withEngine) {
            engine.submit(m.newPacket(64), null);
        }
        machine[0] = m;
        new SimWire(m, nic, engine, spec.offeredPps(), spec, until).start();
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

    /**
     * Frame {@code i} of {@code t} at the wire's own pace: no sooner than {@code due(i)} nor than
     * {@code gap} after the frame before, and, falling in one of {@code holds} ({from, to} ps, the engine
     * holding the device CPU), at that hold's end.
     */
    private static void eachFrameAtItsPace(List<Long> t, java.util.function.LongUnaryOperator due, long gap, long[]... holds) {
        long prev = Long.MIN_VALUE / 2;
        for (int i = 0; i < t.size(); i++) {
            long at = Math.max(due.applyAsLong(i), prev + gap);
            for (long[] h : holds) {
                if (at >= h[0] && at < h[1]) {
                    at = h[1];
                }
            }
            assertThat(t.get(i)).as("frame %d", i).isEqualTo(at);
            prev = at;
        }
    }

    @Test
    void framesOwedAreWrittenNoFasterThanTheEmulatedWireWrites() {
        // as in the first test, but the wire takes 250 ns a frame (wire_frame): the frames due while the
        // engine held the CPU follow its return 250 ns apart, not all at once, until the wire is on time
        Profile p = SimFixtures.testbox().withValue(CostParam.CROSS_CPU_WAKEUP, 3_000).withValue(CostParam.WIRE_FRAME, 250);
        Costs c = new Costs(p);
        long wake = c.hardInterrupt + c.contextSwitch + c.switchLocality;
        long finish = Math.max(5 * US, wake + c.enginePerRequest + c.crypto(64));
        long back = finish + 10 * US + c.engineIdleSpin + c.sleep + c.contextSwitch + c.switchLocality;
        List<Long> t = arrivals(p, 1_000_000, 200 * US, true); // one a microsecond

        assertThat(t).hasSize(200);
        eachFrameAtItsPace(t, i -> i * US, 250_000, new long[] {wake, back});
        long late = t.stream().filter(x -> x >= back && x % US != 0).count();
        assertThat(late).as("frames written after the engine parked, off the microsecond grid").isGreaterThan(10);
    }

    /**
     * At the maximum rate the wire and the engine are threads of the device CPU: the engine, given 1 ms of
     * work at t = 0, takes the CPU from the wire (a frame every 10 us of the wire's own CPU), and while it
     * runs no frame is written; in each of the wire's stretches the frames are 10 us apart; nothing the wire
     * could have written while the engine ran is offered later: the frames are the wire's CPU time over
     * 10 us. The engine raises its interrupt and parks.
     */
    @Test
    void atTheMaximumRateTheWireAndTheEngineTakeTheDeviceCpuInTurnsAndTheWireWritesNothingItOwes() {
        Profile p = SimFixtures.testbox().withValue(CostParam.CROSS_CPU_WAKEUP, 3_000)
                .withValue(CostParam.ENGINE_PER_REQUEST, 1_000_000).withValue(CostParam.WIRE_FRAME, 10_000);
        long until = 6_000 * US;
        List<long[]> engineRuns = new ArrayList<>();
        long[] wireCpu = new long[1];
        SchedEvents deviceCpu = new SchedEvents() {
            private long since = -1;
            private String running;

            @Override
            public void wakeup(long ps, boolean fromDevice, SimThread waker, SimThread wakee) {
            }

            @Override
            public void switched(long ps, int cpu, SimThread prev, boolean prevSlept, SimThread next) {
                if (cpu != 1) {
                    return;
                }
                if ("wire".equals(running)) {
                    wireCpu[0] += Math.min(ps, until) - Math.min(since, until);
                } else if (running != null) {
                    engineRuns.add(new long[] {since, ps});
                }
                running = next == null ? null : next.name();
                since = ps;
            }
        };
        Machine[] m = new Machine[1];
        List<Long> t = arrivals(p, SimSpec.MAX_RATE, until, true, m, deviceCpu);

        assertThat(m[0].deviceThreads()).extracting(SimThread::name).containsExactly("offload-engine-0", "wire");
        long engineHeld = engineRuns.stream().mapToLong(r -> r[1] - r[0]).sum();
        assertThat(engineHeld).as("the engine's 1 ms of work, its latency, coalescing and polls, on the CPU")
                .isGreaterThan(1_000 * US);
        for (long at : t) {
            assertThat(engineRuns).as("no frame written while the engine ran")
                    .noneMatch(r -> at > r[0] && at < r[1]);
        }
        for (int i = 1; i < t.size(); i++) {
            long from = t.get(i - 1);
            long to = t.get(i);
            boolean engineBetween = engineRuns.stream().anyMatch(r -> r[0] >= from && r[1] <= to);
            assertThat(engineBetween || to - from == 10 * US).as("frame %d: 10 us after the one before, or after the "
                    + "engine's run", i).isTrue();
        }
        assertThat(t.size()).as("one frame per 10 us of the wire's CPU, none owed: not the 600 of 6 ms")
                .isBetween((int) (wireCpu[0] / (10 * US)) - 2, (int) (wireCpu[0] / (10 * US)) + 2)
                .isLessThan(600 - 100);
        assertThat(m[0].deviceThreads().get(0).voluntary()).as("the engine parked").isEqualTo(1);
    }

    @Test
    void aWireSlowerThanTheRateWritesAtItsOwnSpeedAndNothingAtOrAfterTheEnd() {
        // 2 us a frame against a frame due every microsecond, for 10 us: frames at 0, 2, 4, 6 and 8 us; the
        // five still owed at the end are never written
        Profile p = SimFixtures.testbox().withValue(CostParam.WIRE_FRAME, 2_000);
        Machine[] m = new Machine[1];
        List<Long> t = arrivals(p, 1_000_000, 10 * US, false, m, null);
        assertThat(t).containsExactly(0L, 2 * US, 4 * US, 6 * US, 8 * US);
        assertThat(m[0].snapshot().offered()).isEqualTo(5);
    }

    @Test
    void aFullRingMakesTheWireOfferFasterByWhatARefusalCostsIt() {
        // flat out, 250 ns a frame placed and 50 ns a frame refused, on a ring of 4 nobody empties: four
        // frames placed 250 ns apart, then a refusal every 50 ns to the end of the 100 us
        Profile p = SimFixtures.testbox().withValue(CostParam.WIRE_FRAME, 250).withValue(CostParam.WIRE_REFUSAL, 50);
        SimSpec max = SimSpec.defaults(p, SimModels.PUSH, SimSpec.MAX_RATE).withInterrupts(SimSpec.Interrupts.DEVICE);
        assertThat(max.wireRefusalNs()).isEqualTo(50.0);
        assertThat(max.withProfile(p.withValue(CostParam.WIRE_REFUSAL, 0)).wireRefusalNs())
                .as("no refusal figure: as long as a frame placed").isEqualTo(250.0);
        assertThat(max.withInterrupts(SimSpec.Interrupts.HOST).wireRefusalNs()).as("a real wire").isZero();
        for (long refusal : new long[] {50, 0}) {
            Simulation sim = new Simulation(new SplittableRandom(1));
            Machine m = new Machine(sim, new Costs(p), 3_000 * US, 1_500 * US, false);
            SimNic nic = new SimNic(m, 4, 1, 0);
            SimSpec spec = max.withProfile(p.withValue(CostParam.WIRE_REFUSAL, refusal));
            new SimWire(m, nic, null, spec.offeredPps(), spec, 100 * US).start();
            sim.runUntil(200 * US);
            long refused = refusal > 0 ? (100 * US - 1_000_000 + 50_000 - 1) / 50_000 : (100 * US - 1_000_000) / 250_000;
            assertThat(nic.queued()).isEqualTo(4);
            assertThat(m.snapshot().offered()).as("refusal %d ns", refusal).isEqualTo(4 + refused);
            assertThat(m.snapshot().drops()[dev.dispatchlab.metrics.DropReason.RX_RING_FULL.ordinal()]).isEqualTo(refused);
        }
    }
}
