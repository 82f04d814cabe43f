package dev.dispatchlab.sim;

import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.CalibratedProfile;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.sim.study.Validation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** validate's comparison logic on measured compare JSON recorded on this machine (src/test/resources/sim). */
class ValidationTest {

    private static final List<String> LOADS = List.of("low", "near saturation", "overload", "low", "near saturation",
            "overload");

    private static List<RunResult> measured() throws Exception {
        return ResultFiles.load(SimFixtures.resource("measured-compare.json")).runs();
    }

    private static Profile machine() throws Exception {
        return CalibratedProfile.fromFile(SimFixtures.resource("calibration.json"));
    }

    @Test
    void everyMeasuredRunGetsACellWithItsErrorsAndVerdicts() throws Exception {
        List<RunResult> runs = measured();
        List<Validation.Cell> cells = Validation.validate(runs, LOADS, machine(), 0.05);
        assertThat(cells).hasSize(6);
        for (int i = 0; i < cells.size(); i++) {
            Validation.Cell c = cells.get(i);
            RunResult r = runs.get(i);
            assertThat(c.model()).isEqualTo(r.model());
            assertThat(c.load()).isEqualTo(LOADS.get(i));
            assertThat(c.measuredDelivered()).isEqualTo(r.deliveredPps());
            assertThat(c.measuredSwitches()).isEqualTo(r.perPacket().hostSwitches());
            assertThat(c.deliveredError()).isCloseTo((c.predictedDelivered() - c.measuredDelivered())
                    / c.measuredDelivered(), within(1e-12));
            assertThat(c.deliveredPass()).isEqualTo(Math.abs(c.deliveredError()) <= 0.15);
            assertThat(c.switchesPass()).isEqualTo(Math.abs(c.switchesError()) <= 0.20
                    || Math.abs(c.predictedSwitches() - c.measuredSwitches()) <= 0.02);
        }
    }

    /**
     * Each row simulated again at both ends of every estimated cost's range: the span's ends are what
     * those simulations gave (simulated once more at the end it names), its passing ends are exactly
     * those whose prediction passes the row, and the row's own verdict stays the calibrated one.
     */
    @Test
    void aRowsSpanIsItsPredictionsAtTheEndsOfTheEstimatesRanges() throws Exception {
        List<RunResult> runs = measured();
        Profile machine = machine();
        List<Profile.RangeEnd> ends = machine.rangeEnds();
        assertThat(ends).isNotEmpty().allSatisfy(e -> assertThat(machine.costs().get(e.cost()).ranged()).isTrue());
        List<Validation.Cell> plain = Validation.validate(runs, LOADS, machine, 0.05);
        List<Validation.Cell> cells = Validation.validate(runs, LOADS, null, r -> machine, 0.05,
                Validation.Simulator.UNTRACED, 2);
        assertThat(cells).hasSize(plain.size());
        for (int i = 0; i < cells.size(); i++) {
            Validation.Cell c = cells.get(i);
            Validation.Span s = c.span();
            assertThat(plain.get(i).span()).isNull();
            assertThat(c.predictedSwitches()).isEqualTo(plain.get(i).predictedSwitches());
            assertThat(c.pass()).isEqualTo(plain.get(i).pass());
            assertThat(s.variants()).isEqualTo(ends.size());
            assertThat(s.switchesLow()).isLessThanOrEqualTo(s.switchesHigh());
            assertThat(s.deliveredLow()).isLessThanOrEqualTo(s.deliveredHigh());
            SimModels m = SimModels.byLabel(c.model());
            for (Profile.RangeEnd e : ends) {
                SimResult p = SimRunner.run(Validation.specOf(runs.get(i), m, e.profile(), 0.05));
                assertThat(p.hostSwitches()).isBetween(s.switchesLow(), s.switchesHigh());
                assertThat(p.deliveredPps()).isBetween(s.deliveredLow(), s.deliveredHigh());
                if (e.label().equals(s.switchesLowBy())) {
                    assertThat(p.hostSwitches()).isEqualTo(s.switchesLow());
                }
                boolean passes = Math.abs(p.deliveredPps() / c.measuredDelivered() - 1) <= Validation.DELIVERED_TOLERANCE
                        && (Math.abs(p.hostSwitches() / c.measuredSwitches() - 1) <= Validation.SWITCHES_TOLERANCE
                        || Math.abs(p.hostSwitches() - c.measuredSwitches()) <= Validation.SWITCHES_FLOOR);
                assertThat(s.passingBy().contains(e.label())).as(c.model() + " " + c.load() + " at " + e.label())
                        .isEqualTo(passes);
            }
        }
    }

    @Test
    void theSimulatedRunTakesTheMeasuredRunsSettings() throws Exception {
        RunResult push = measured().get(3);
        SimSpec s = Validation.specOf(push, SimModels.PUSH, machine(), 0.1);
        assertThat(s.ratePps()).isEqualTo(push.offeredPps());
        assertThat(s.effectiveCrypto().label()).isEqualTo(push.crypto());
        assertThat(s.effectiveKernelPriority()).isFalse(); // the run's threads ran at normal priority
        assertThat(s.interruptsOnHost()).isFalse(); // devices are threads on their own CPU
        assertThat(s.cryptoCoalesceCount()).isEqualTo(8);
        assertThat(s.cryptoCoalesceNs()).isEqualTo(10_000);
        assertThat(s.budget()).isEqualTo(64);
    }

    /** Runs whose figures are the simulator's own predictions pass; the same with 30 % more delivered fail. */
    @Test
    void aMatchingMeasurementPassesAndAnOffOneFails() throws Exception {
        Profile p = machine();
        List<RunResult> same = new ArrayList<>();
        List<RunResult> off = new ArrayList<>();
        for (RunResult r : measured()) {
            SimResult pred = SimRunner.run(Validation.specOf(r, SimModels.byLabel(r.model()), p, 0.05));
            same.add(as(r, pred.deliveredPps(), pred.hostSwitches()));
            off.add(as(r, pred.deliveredPps() * 1.3, pred.hostSwitches() * 1.5 + 0.1));
        }
        assertThat(Validation.validate(same, LOADS, p, 0.05)).allSatisfy(c -> assertThat(c.pass()).isTrue());
        assertThat(Validation.validate(off, LOADS, p, 0.05)).allSatisfy(c -> {
            assertThat(c.deliveredPass()).isFalse();
            assertThat(c.switchesPass()).isFalse();
        });
    }

    /** A second measurement is held to the rules a prediction is: 10 % off agrees, 30 % off or half the switches does not. */
    @Test
    void aRunMeasuredAgainIsJudgedByThePredictionsRules() throws Exception {
        List<RunResult> runs = measured();
        List<RunResult> close = new ArrayList<>();
        List<RunResult> far = new ArrayList<>();
        for (RunResult r : runs) {
            close.add(as(r, r.deliveredPps() * 1.1, r.perPacket().hostSwitches() * 1.15));
            far.add(as(r, r.deliveredPps() * 1.3, r.perPacket().hostSwitches() * 0.5 - 0.05));
        }
        List<Validation.Cell> agree = Validation.validate(runs, LOADS, close, machine(), 0.05);
        assertThat(agree).allSatisfy(c -> {
            assertThat(c.repeatable()).isTrue();
            assertThat(c.repeat().deliveredError()).isCloseTo(0.1, within(1e-9));
            assertThat(c.repeat().switchesError()).isCloseTo(0.15, within(1e-9));
        });
        assertThat(Validation.validate(runs, LOADS, far, machine(), 0.05)).allSatisfy(c -> {
            assertThat(c.repeat().deliveredPass()).isFalse();
            assertThat(c.repeat().switchesPass()).isFalse();
            assertThat(c.repeatable()).isFalse();
        });
        assertThat(Validation.validate(runs, LOADS, machine(), 0.05)).allSatisfy(c -> {
            assertThat(c.repeat()).isNull();
            assertThat(c.repeatable()).isFalse();
        });
        var text = new java.io.ByteArrayOutputStream();
        dev.dispatchlab.report.SimulationSection.printValidation(new java.io.PrintStream(text, true,
                java.nio.charset.StandardCharsets.UTF_8), agree);
        assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("measured again: del, sw").contains("10.0% ok").contains("15.0% ok")
                .contains("measured again at the same rates: 6 of 6 rows reproduce the first measurement");
        // the verdicts on the prediction do not depend on the second measurement
        assertThat(agree).extracting(Validation.Cell::pass)
                .isEqualTo(Validation.validate(runs, LOADS, machine(), 0.05).stream().map(Validation.Cell::pass).toList());
    }

    /** A run during which the CPUs' distance changed is named under the table, with how the rows fare apart. */
    @Test
    void theRowsWhoseCpusMovedDuringTheRunAreNamed() throws Exception {
        List<RunResult> runs = new ArrayList<>(measured());
        runs.set(0, runs.get(0).withWire("cpuRoundTripNanosBefore", 70.0).withWire("cpuRoundTripNanosAfter", 450.0));
        runs.set(1, runs.get(1).withWire("cpuRoundTripNanosBefore", 70.0).withWire("cpuRoundTripNanosAfter", 60.0));
        runs.set(2, runs.get(2).withWire("cpuRoundTripNanosBefore", 70.0));
        List<Validation.Cell> cells = Validation.validate(runs, LOADS, machine(), 0.05);
        assertThat(cells).extracting(Validation.Cell::cpusMoved).containsExactly(true, false, false, false, false, false);
        var text = new java.io.ByteArrayOutputStream();
        dev.dispatchlab.report.SimulationSection.printValidation(new java.io.PrintStream(text, true,
                java.nio.charset.StandardCharsets.UTF_8), cells);
        long others = cells.stream().skip(1).filter(Validation.Cell::pass).count();
        assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("the CPUs moved during 1 of the runs "
                + "(another distance after the run than before it: " + cells.getFirst().model() + " low); the prediction "
                + "passes " + (cells.getFirst().pass() ? 1 : 0) + " of those and " + others + " of the other 5");

        var none = new java.io.ByteArrayOutputStream();
        dev.dispatchlab.report.SimulationSection.printValidation(new java.io.PrintStream(none, true,
                java.nio.charset.StandardCharsets.UTF_8), Validation.validate(measured(), LOADS, machine(), 0.05));
        assertThat(none.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("the CPUs moved");
    }

    /** Each row carries the host threads of both sides per delivered packet; the simulated ones add up to its totals. */
    @Test
    void eachRowComparesTheHostThreadsPerDeliveredPacket() throws Exception {
        List<RunResult> runs = measured();
        Profile p = machine();
        List<Validation.Cell> cells = Validation.validate(runs, LOADS, p, 0.05);
        for (int i = 0; i < cells.size(); i++) {
            RunResult r = runs.get(i);
            SimResult pred = SimRunner.run(Validation.specOf(r, SimModels.byLabel(r.model()), p, 0.05));
            List<Validation.ThreadRow> rows = cells.get(i).threads();
            // every simulated thread has a row: its own, or the runtime thread it stands for (the carriers)
            assertThat(rows.stream().filter(t -> !Double.isNaN(t.predictedCpuNanos()))
                    .map(t -> Validation.simulatedName(t.name())).toList())
                    .containsExactlyInAnyOrderElementsOf(pred.threads().keySet());
            // the simulated threads' sleeps and preemptions per packet add up to the row's predicted switches
            double sw = rows.stream().filter(t -> "host".equals(t.role()) && !Double.isNaN(t.predictedVoluntary()))
                    .mapToDouble(t -> t.predictedVoluntary() + t.predictedInvoluntary()).sum();
            assertThat(sw).as("%s %s", r.model(), LOADS.get(i)).isCloseTo(cells.get(i).predictedSwitches(), within(1e-9));
            for (RunResult.ThreadCounts t : r.threads()) {
                if ("host".equals(t.role()) && t.cpuNanos() > 0) {
                    Validation.ThreadRow row = rows.stream().filter(x -> x.name().equals(t.name())).findFirst().orElseThrow();
                    assertThat(row.measuredCpuNanos()).isCloseTo(t.cpuNanos() / (r.deliveredPps() * r.seconds()),
                            within(1e-6));
                    assertThat(row.measuredVoluntary()).isCloseTo(t.voluntary() / (r.deliveredPps() * r.seconds()),
                            within(1e-9));
                    if (t.waitNanos() == null) {
                        assertThat(row.measuredWaitNanos()).as("a run that kept no run-queue wait").isNaN();
                    } else {
                        assertThat(row.measuredWaitNanos()).isCloseTo(t.waitNanos() / (r.deliveredPps() * r.seconds()),
                                within(1e-6));
                    }
                }
            }
            for (Validation.ThreadRow row : rows) {
                if (!Double.isNaN(row.predictedCpuNanos())) {
                    assertThat(row.predictedWaitNanos()).as("%s %s", r.model(), row.name()).isNotNegative().isFinite();
                }
            }
        }
        var text = new java.io.ByteArrayOutputStream();
        dev.dispatchlab.report.SimulationSection.printThreads(new java.io.PrintStream(text, true,
                java.nio.charset.StandardCharsets.UTF_8), cells);
        assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("preempted").contains("user")
                .contains("run-queue wait ns");
    }

    /**
     * A row with the card sets the driver's events per request (engine wakeups, completion interrupts;
     * its counts over the whole run) beside the simulated card's over the measured interval; a row with
     * the software driver has none.
     */
    @Test
    void aRowWithTheCardComparesTheCardsEventsPerRequest() throws Exception {
        List<RunResult> runs = measured();
        Profile p = machine();
        List<Validation.Cell> cells = Validation.validate(runs, LOADS, p, 0.05);
        int withCard = 0;
        for (int i = 0; i < cells.size(); i++) {
            RunResult r = runs.get(i);
            Validation.CardRow k = cells.get(i).card();
            if ("software".equals(r.crypto())) {
                assertThat(k).as("%s %s", r.model(), LOADS.get(i)).isNull();
                continue;
            }
            withCard++;
            Map<?, ?> ev = (Map<?, ?>) r.cryptoStats().get("events");
            double requests = ((Number) ev.get("engine requests")).doubleValue();
            assertThat(k.measuredWakeups()).isCloseTo(((Number) ev.get("engine wakeups")).doubleValue() / requests,
                    within(1e-12));
            assertThat(k.measuredInterrupts()).isCloseTo(
                    ((Number) ev.get("completion interrupts")).doubleValue() / requests, within(1e-12));
            SimResult.Totals t = SimRunner.run(Validation.specOf(r, SimModels.byLabel(r.model()), p, 0.05)).totals();
            assertThat(t.engineRequests()).isPositive();
            assertThat(k.predictedWakeups()).isEqualTo((double) t.engineWakeups() / t.engineRequests());
            assertThat(k.predictedInterrupts()).isEqualTo((double) t.completionInterrupts() / t.engineRequests())
                    .isGreaterThan(0).isLessThanOrEqualTo(1);
        }
        assertThat(withCard).isEqualTo(3);
        var text = new java.io.ByteArrayOutputStream();
        dev.dispatchlab.report.SimulationSection.printThreads(new java.io.PrintStream(text, true,
                java.nio.charset.StandardCharsets.UTF_8), cells);
        assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("(card)").contains("engine woken");
    }

    /** The JDK's carriers (ForkJoinPool-1-worker-N, "ForkJoinPool-1-" to the kernel) are the simulated carrier/0. */
    @Test
    void theVirtualThreadsCarrierIsSetBesideTheSimulatedCarrier() throws Exception {
        RunResult r = measured().get(1); // a run near saturation, relabelled vthread with the runtime's thread names
        List<RunResult.ThreadCounts> threads = List.of(
                new RunResult.ThreadCounts("ForkJoinPool-1-", "host", 10, 500, 3_000_000, 100_000L, "live"),
                new RunResult.ThreadCounts("user", "host", 400, 1, 1_000_000, 50_000L, "live"));
        RunResult v = new RunResult("vthread", r.modelDescription(), r.crypto(), r.workload(), r.settings(),
                r.environment(), r.seconds(), r.offeredPps(), r.deliveredPps(), r.payloadGbps(), r.host(), r.device(),
                r.other(), r.perPacket(), r.latency(), r.drops(), r.events(), r.accounting(), r.checks(), r.wire(),
                r.cryptoStats(), threads, r.notes(), r.sentBad());
        List<Validation.ThreadRow> rows = Validation.validate(List.of(v), List.of("near saturation"), machine(), 0.05)
                .getFirst().threads();
        assertThat(rows).extracting(Validation.ThreadRow::name).containsExactly("ForkJoinPool-1-", "user");
        Validation.ThreadRow carrier = rows.getFirst();
        assertThat(carrier.measuredInvoluntary()).isPositive();
        assertThat(carrier.predictedCpuNanos()).isPositive();
        assertThat(Validation.simulatedName("ForkJoinPool-7-")).isEqualTo("carrier/0");
        assertThat(Validation.simulatedName("puller/0")).isEqualTo("puller/0");
    }

    /**
     * At the maximum rate, with the wire's speed known, the simulation runs the wire and the card's engine
     * as threads of the device CPU: the row sets the runtime's device threads of the same names beside
     * them (role {@code device}, after the host's; the runtime's watchdog, which the simulation has no part
     * for, left out), and the host threads alone still add up to the predicted switches.
     */
    @Test
    void atTheMaximumRateTheDeviceCpusThreadsAreSetBesideTheRuns() throws Exception {
        RunResult r = measured().get(5); // push with the card in overload, its rate made the maximum
        java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>(r.settings());
        settings.put("rate", "max");
        List<RunResult.ThreadCounts> threads = new ArrayList<>(r.threads());
        threads.add(new RunResult.ThreadCounts("offload-engine-0", "device", 900, 10, 1_500_000_000L, 20_000_000L, "live"));
        threads.add(new RunResult.ThreadCounts("offload-watchdog", "device", 300, 0, 10_000_000L, 1_000_000L, "live"));
        threads.add(new RunResult.ThreadCounts("wire", "device", 2, 910, 1_700_000_000L, 30_000_000L, "live"));
        RunResult max = new RunResult(r.model(), r.modelDescription(), r.crypto(), r.workload(), settings,
                r.environment(), r.seconds(), r.offeredPps(), r.deliveredPps(), r.payloadGbps(), r.host(), r.device(),
                r.other(), r.perPacket(), r.latency(), r.drops(), r.events(), r.accounting(), r.checks(), r.wire(),
                r.cryptoStats(), threads, r.notes(), r.sentBad());
        Profile p = machine().withValue(dev.dispatchlab.sim.profile.CostParam.WIRE_FRAME, 250);
        Validation.Cell cell = Validation.validate(List.of(max), List.of("overload"), p, 0.05).getFirst();

        List<Validation.ThreadRow> device = cell.threads().stream().filter(t -> "device".equals(t.role())).toList();
        assertThat(device).extracting(Validation.ThreadRow::name).containsExactly("offload-engine-0", "wire");
        double packets = r.deliveredPps() * r.seconds();
        assertThat(device.getFirst().measuredCpuNanos()).isCloseTo(1_500_000_000L / packets, within(1e-6));
        assertThat(device.getFirst().measuredVoluntary()).isCloseTo(900 / packets, within(1e-9));
        assertThat(device).allSatisfy(t -> assertThat(t.predictedCpuNanos()).isPositive());
        assertThat(cell.threads().subList(cell.threads().size() - 2, cell.threads().size())).isEqualTo(device);
        double hostSwitches = cell.threads().stream().filter(t -> "host".equals(t.role()))
                .mapToDouble(t -> t.predictedVoluntary() + t.predictedInvoluntary()).sum();
        assertThat(hostSwitches).isCloseTo(cell.predictedSwitches(), within(1e-9));

        var text = new java.io.ByteArrayOutputStream();
        dev.dispatchlab.report.SimulationSection.printThreads(new java.io.PrintStream(text, true,
                java.nio.charset.StandardCharsets.UTF_8), List.of(cell));
        assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("(device) offload-engine-0")
                .contains("(device) wire").doesNotContain("watchdog");
    }

    private static RunResult as(RunResult r, double delivered, double switches) {
        RunResult.PerPacket pp = r.perPacket();
        RunResult.PerPacket np = new RunResult.PerPacket(switches, pp.hostVoluntary(), pp.deviceSwitches(), pp.handoffs(),
                pp.wakeups(), pp.interrupts(), pp.hostCpuNanos(), pp.deviceCpuNanos());
        return new RunResult(r.model(), r.modelDescription(), r.crypto(), r.workload(), r.settings(), r.environment(),
                r.seconds(), r.offeredPps(), delivered, r.payloadGbps(), r.host(), r.device(), r.other(), np,
                r.latency(), r.drops(), r.events(), r.accounting(), r.checks(), r.wire(), r.cryptoStats(), r.threads(),
                r.notes(), r.sentBad());
    }
}
