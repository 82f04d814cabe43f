package dev.dispatchlab.run;

import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The in-place measurements of {@link Calibration}, with small counts: they produce figures, give
 * every packet buffer back and leave no thread running. Speeds are not asserted.
 *
 * <p>A trial the machine disturbs (frames held on the ring until the wire's set comes round and meets
 * them as replays) is rejected with a problem, and calibrate runs another. The tests do as calibrate
 * does: every trial must clean up, and one of {@value #ATTEMPTS} must give usable figures, or, when
 * every one was rejected for replays only (runs of them come with the state of a JVM that has run
 * other tests, not with the code under test), the last one's figures are checked instead. Any other
 * problem (a failure, a host thread that did not end, too few packets) fails the test.
 */
class CalibrationTest {

    private static final int ATTEMPTS = 3;
    /**
     * Warm-up for the card trials: with less, the host is still being compiled while the card holds
     * its limit, the ring's frames wait, and the wire's next round meets them as replays.
     */
    private static final int WARMED = 60_000;

    private static TrafficSet traffic;

    /** @return true for a rejection whose only drops in the window are replays (see the class note) */
    private static boolean replaysOnly(String problem) {
        return problem.matches("\\d+ packets dropped against \\d+ delivered in the window \\(replay=\\d+\\)");
    }

    /** One in-place trial; thrown exceptions fail the test. */
    @FunctionalInterface
    interface TrialRun {
        Calibration.Trial run() throws InterruptedException;
    }

    /**
     * @return the first trial with no problem, or the last when all {@value #ATTEMPTS} were rejected for
     *         replays only, after checking that every trial run (rejected ones too) gave every buffer back
     *         and ended its threads; fails with every problem met otherwise
     */
    private static Calibration.Trial firstUsable(TrialRun trial) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        Calibration.Trial last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            Calibration.Trial t = trial.run();
            assertThat(t.pool().outstanding()).as("buffers not given back (frames on the ring, with the card, on the socket)")
                    .isZero();
            assertThat(t.threads()).as("threads the trial started").noneMatch(Thread::isAlive);
            if (t.problem() == null) {
                return t;
            }
            problems.add(t.problem());
            last = t;
        }
        assertThat(problems).as(ATTEMPTS + " trials, none usable").allMatch(CalibrationTest::replaysOnly);
        return last;
    }

    /**
     * The run command's set, as calibrate builds it. Not a small one: the wire at max rate offers far
     * more frames than the ring takes, and with a short SPI phase it would come round and re-arm a
     * window while frames of the previous round still wait on the ring (they then meet it as replays).
     */
    @BeforeAll
    static void build() {
        traffic = TrafficSet.build(Workload.defaults());
    }

    /** The software path in place, and the receive alone (the link stage only, each frame then released). */
    @ParameterizedTest(name = "receive alone: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(120)
    void pathInPlaceMeasuresAndCleansUp(boolean rxOnly) throws Exception {
        Calibration.Trial t = firstUsable(() -> rxOnly
                ? Calibration.rxTrial(Placement.defaults(), traffic, 20_000, 20_000)
                : Calibration.pathTrial(Placement.defaults(), traffic, 20_000, 20_000));

        assertThat(t.hostNanos()).as("host ns per frame").isPositive().isFinite();
        assertThat(t.count()).as("frames measured").isGreaterThanOrEqualTo(20_000);
        assertThat(t.pool().outstanding()).as("buffers not given back").isZero();
        assertThat(t.threads()).as("threads (host thread and wire)").hasSizeGreaterThanOrEqualTo(2)
                .noneMatch(Thread::isAlive);
        // the wire ran flat out all along: its CPU went on the frames it placed (every measured one and the
        // warm-up's) and those it found the ring full for
        assertThat(t.wire()).as("the wire's work").isNotNull();
        assertThat(t.wire().placed()).isGreaterThanOrEqualTo(40_000);
        assertThat(t.wire().cpuNanos()).isPositive();
        t.verified();
    }

    @Test
    @Timeout(120)
    void offloadInPlaceMeasuresAndCleansUp() throws Exception {
        Calibration.Trial t = firstUsable(() -> Calibration.offloadTrial(Placement.defaults(), traffic, 10_000, 20_000));

        assertThat(t.hostNanos()).as("host ns per request").isPositive().isFinite();
        assertThat(t.engineNanos()).as("engine ns per request").isPositive().isFinite();
        assertThat(t.count()).as("requests measured").isGreaterThanOrEqualTo(20_000);
        assertThat(t.pool().outstanding()).as("buffers not given back").isZero();
        assertThat(t.threads()).as("threads (host thread, engine, watchdog)").hasSizeGreaterThanOrEqualTo(3)
                .noneMatch(Thread::isAlive);
        t.verified();
    }

    /** Below the ring's limit, and with every frame offered and the excess refused. */
    @ParameterizedTest(name = "refusing = {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(120)
    void cardInPlaceTimesTheCardOnTheWiresFramesAndCleansUp(boolean refusing) throws Exception {
        Calibration.Trial t = firstUsable(() -> refusing
                ? Calibration.refusingCardTrial(Placement.defaults(), traffic, WARMED, 20_000)
                : Calibration.cardTrial(Placement.defaults(), traffic, WARMED, 20_000));

        assertThat(t.wallNanos()).as("elapsed ns per request").isPositive().isFinite();
        assertThat(t.engineNanos()).as("engine ns per request").isPositive().isFinite();
        assertThat(t.hostNanos()).as("host ns per packet").isPositive().isFinite();
        assertThat(t.count()).as("packets measured").isGreaterThanOrEqualTo(20_000);
        if (refusing) {
            // the host offers every frame of the flat-out wire, faster than the card takes them
            assertThat(t.refused()).as("refusals per packet delivered").isPositive().isFinite();
        } else {
            assertThat(t.refused()).as("below the limit nothing is refused").isNaN();
        }
        assertThat(t.threads()).as("threads (host thread, wire, engine, watchdog)").hasSizeGreaterThanOrEqualTo(4)
                .extracting(Thread::getName).contains(refusing ? "calibrate-card-refusing" : "calibrate-card");
        t.requireClean(); // not verified(): a trial rejected for replays only is accepted here (see firstUsable)
    }

    @Test
    @Timeout(240)
    void inPlaceFiguresAreMediansUnderTheirKeys() throws Exception {
        Map<String, Object> m = Calibration.inPlace(Placement.defaults(), traffic, 20_000, 5_000, 10_000, 5_000);

        List<String> always = List.of("payloadBytes", "pathNanos", "rxNanos", "frames", "offloadHostNanosPerRequest",
                "offloadEngineNanosPerRequest", "requests", "offloadBesideWireNanosPerRequest",
                "offloadBesideWireEngineNanosPerRequest", "offloadBesideWireHostNanosPerRequest",
                "offloadRefusingNanosPerRequest", "offloadRefusingEngineNanosPerRequest",
                "offloadRefusingHostNanosPerRequest", "offloadRefusedPerRequest",
                "offloadIsolatedEngineNanosPerRequest", "offloadLatencyNanos", "offloadCoalesceNanos",
                "offloadIdlePollNanos", "note",
                "cpuRoundTripNanos", "cpuRoundTripNanosMin", "cpuRoundTripNanosMax", "trialsAtThatDistance",
                "trialsElsewhere");
        assertThat(m).containsKeys(always.toArray(String[]::new));
        // the refused frame's cost, when a refusing trial met enough refusals to time them
        // and the wire's, when its trials told its two costs apart (wireNanos)
        assertThat(m.keySet()).isSubsetOf(java.util.stream.Stream.concat(always.stream(),
                java.util.stream.Stream.of("offloadRefusalHostNanos", "wireFrameNanos", "wireRefusalNanos")).toList());
        assertThat(m.containsKey("wireFrameNanos")).as("both wire figures or neither")
                .isEqualTo(m.containsKey("wireRefusalNanos"));
        assertThat(m.get("payloadBytes")).isEqualTo(64);
        // the CPUs' distance around the path and receive trials (two CPUs here: the default placement pins both)
        assertThat((Double) m.get("cpuRoundTripNanosMin")).isPositive()
                .isLessThanOrEqualTo((Double) m.get("cpuRoundTripNanos"));
        assertThat((Double) m.get("cpuRoundTripNanosMax")).isGreaterThanOrEqualTo((Double) m.get("cpuRoundTripNanos"));
        // the path and the receive figures come from trials at one distance: at least one of each, five of each in all
        assertThat((Integer) m.get("trialsAtThatDistance")).isGreaterThanOrEqualTo(2);
        assertThat((Integer) m.get("trialsAtThatDistance") + (Integer) m.get("trialsElsewhere"))
                .isGreaterThanOrEqualTo(2 * Calibration.TRIALS);
        for (String k : new String[]{"pathNanos", "rxNanos", "offloadHostNanosPerRequest", "offloadEngineNanosPerRequest",
                "offloadBesideWireNanosPerRequest", "offloadBesideWireEngineNanosPerRequest",
                "offloadBesideWireHostNanosPerRequest", "offloadRefusingNanosPerRequest",
                "offloadRefusingEngineNanosPerRequest", "offloadRefusingHostNanosPerRequest",
                "offloadRefusedPerRequest", "offloadIsolatedEngineNanosPerRequest", "offloadIdlePollNanos"}) {
            assertThat((Double) m.get(k)).as(k).isPositive().isFinite();
        }
        // woken for each request alone, the engine also waits out the request's latency and the coalescing
        // delay of its single completion before it parks: more than those two, and more than a request costs
        // it when it is kept busy
        assertThat((Double) m.get("offloadIsolatedEngineNanosPerRequest"))
                .isGreaterThan((Long) m.get("offloadCoalesceNanos") + 0.5 * (Long) m.get("offloadLatencyNanos"))
                .isGreaterThan((Double) m.get("offloadEngineNanosPerRequest"));
        // the idle polls are a part of what the isolated request's engine spends, far from all of it
        assertThat((Double) m.get("offloadIdlePollNanos"))
                .isLessThan((Double) m.get("offloadIsolatedEngineNanosPerRequest"));
        assertThat((Long) m.get("frames")).isGreaterThanOrEqualTo(5_000);
        assertThat((Long) m.get("requests")).isGreaterThanOrEqualTo(5_000);
        assertThat((String) m.get("note")).isNotBlank();
    }

    @Test
    @Timeout(120)
    void eachStageIsTimedOnItsOwnOverPacketsThatGoTheWholeWay() {
        Map<String, Object> s = Calibration.stages(CipherSuite.AES128_GCM, 64);

        // timed on its own, no stage comes out at or below zero, as a difference of two pipelines could
        for (String k : new String[]{"restoreNanos", "linkInputNanos", "ipInputNanos", "cryptoNanos",
                "innerIpUdpSocketNanos", "userNanos"}) {
            assertThat((Double) s.get(k)).as(k).isPositive().isFinite();
        }
        // the cipher over a 64-byte payload costs more than demultiplexing the frame
        assertThat((Double) s.get("cryptoNanos")).isGreaterThan((Double) s.get("linkInputNanos"));
        double sum = 0;
        for (String k : new String[]{"linkInputNanos", "ipInputNanos", "cryptoNanos", "espInputExcludingCryptoNanos",
                "innerIpUdpSocketNanos", "userNanos"}) {
            sum += (Double) s.get(k);
        }
        assertThat((Double) s.get("wholePathNanos")).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6));
        // no timed batch was cut short by a drop (a replay, a bad ICV), and every buffer came back
        assertThat(s.get("dropped")).isEqualTo(0L);
        assertThat(s.get("buffersLeft")).isEqualTo(0);
    }

    @Test
    @Timeout(60)
    void aWakeupSentToABusyCpuCostsItProgressAndIsCountedPerSleep() throws Exception {
        Placement p = Placement.defaults();
        CpuSet host = p.hostCpu(0);
        CpuSet device = CpuSet.of(p.device().first());
        Map<String, Object> m = Calibration.wakeupOfBusyCpu(host, device);

        // rung every 50 us for 300 ms: some thousands of sleeps end in a wakeup (a ring that finds the
        // sleeper awake wakes nobody and is not counted)
        assertThat((double) m.get("wakeupsPerPhase")).isBetween(100.0, 6_001.0);
        // whatever the machine, a wakeup takes the busy thread's CPU for a switch there and back
        assertThat((double) m.get("lostNanosPerWakeup")).isPositive().isFinite();
        // from the ring to the sleeper running, with the host CPU busy and idle: on another CPU, so more
        // than nothing
        assertThat((double) m.get("latencyNanos")).isPositive().isFinite();
        assertThat((double) m.get("idleLatencyNanos")).isPositive().isFinite();
        // the ringer's own call, timed where it unparked the sleeper, in both phases
        assertThat((double) m.get("wakerNanos")).isPositive().isFinite();
        assertThat((double) m.get("idleWakerNanos")).isPositive().isFinite();
        assertThat(Thread.getAllStackTraces().keySet()).as("the trial's threads ended")
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("calibrate-busy"));
    }

    @Test
    @Timeout(60)
    void anIdleEnginesPollsAreTimedAsManyAsTheDriverMakes() throws Exception {
        double few = Calibration.idlePollNanos(Placement.defaults(), 8);
        double many = Calibration.idlePollNanos(Placement.defaults(), 256);
        assertThat(few).isPositive().isFinite();
        // 32 times the polls: far more than twice the time, whatever a poll costs here
        assertThat(many).isGreaterThan(2 * few);
        assertThat(Calibration.idlePollNanos(Placement.defaults(), 0)).as("no polls: a loop that ends at once")
                .isLessThan(few);
    }

    @Test
    void theFiguresComeFromTheLevelMostTrialsOfBothKindsMet() {
        double nan = Double.NaN;
        // most trials far (path), but the receive's only near: near is the level both met most
        assertThat(Calibration.commonLevel(List.of(450.0, 460.0, 70.0), List.of(70.0, 72.0, 75.0))).isEqualTo(70.0);
        // three path trials and one receive far, the other receive near: far
        assertThat(Calibration.commonLevel(List.of(450.0, 455.0, 460.0), List.of(452.0, 70.0))).isEqualTo(450.0);
        // no level common to both: the one most trials met; a trial whose CPUs moved during it counts nowhere
        assertThat(Calibration.commonLevel(List.of(450.0, nan), List.of(70.0, 71.0))).isEqualTo(70.0);
        assertThat(Calibration.commonLevel(List.of(nan), List.of(nan))).isNaN();
    }

    @Test
    void aRefusedFrameCostsTheHostsExtraCpuPerPacketOverTheRefusalsPerPacket() {
        // below the limit the host spends 500 ns per packet delivered; offering every frame, 1,400 with 0.75
        // refusals per packet (1,200 each), or 2,100 with 2 (800 each); a trial that met 0.05 refusals
        // per packet would divide its noise by 0.05, and is left out
        List<Calibration.Trial> refusing = List.of(trial(1_400, 0.75), trial(2_100, 2), trial(530, 0.05));
        assertThat(Calibration.refusalNanos(refusing, 500)).containsExactly(1_200.0, 800.0);
        assertThat(Calibration.refusalNanos(List.of(trial(530, 0.05)), 500)).isEmpty();
    }

    private static Calibration.Trial trial(double host, double refused) {
        return new Calibration.Trial(host, 900, 2_000, 20_000, null, List.of(), null, refused, null);
    }

    @Test
    void theWiresCostPerFramePlacedAndRefusedIsFittedOverTrialsOfDifferentMixes() {
        // a path trial refuses most frames, a receive trial places most: 250 ns per frame placed, 80 refused
        List<Calibration.Trial> two = List.of(wire(400_000, 3_500_000, 250, 80), wire(400_000, 200_000, 250, 80));
        assertThat(Calibration.wireNanos(two)).containsExactly(new double[] {250, 80}, within(1e-6));
        // more trials, off the line either way: the least-squares fit lies between
        List<Calibration.Trial> noisy = List.of(wire(400_000, 3_500_000, 260, 80), wire(400_000, 200_000, 240, 80),
                wire(400_000, 1_000_000, 250, 80));
        double[] fit = Calibration.wireNanos(noisy);
        assertThat(fit[0]).isBetween(240.0, 260.0);
        assertThat(fit[1]).isBetween(75.0, 85.0);
        // one trial, or trials with one mix, cannot tell the two apart; a trial without wire work is passed over
        assertThat(Calibration.wireNanos(List.of(two.getFirst(), trial(500, Double.NaN)))).isEmpty();
        assertThat(Calibration.wireNanos(List.of(wire(400_000, 800_000, 250, 80), wire(800_000, 1_600_000, 250, 80))))
                .isEmpty();
        // a fit that comes out negative (noise on alike mixes) is no figure
        assertThat(Calibration.wireNanos(List.of(wire(400_000, 3_500_000, 20, 80), wire(400_000, 200_000, 900, 80))))
                .isEmpty();
        // nor is one that makes a frame placed cheaper than one refused
        assertThat(Calibration.wireNanos(List.of(wire(400_000, 3_500_000, 50, 80), wire(800_000, 200_000, 50, 80))))
                .isEmpty();
    }

    /** @return a trial whose wire placed and refused so many frames at these costs (ns) each */
    private static Calibration.Trial wire(long placed, long refused, double placedNanos, double refusedNanos) {
        return new Calibration.Trial(500, Double.NaN, Double.NaN, 20_000, null, List.of(), null, Double.NaN,
                new Calibration.WireWork(placed * placedNanos + refused * refusedNanos, placed, refused));
    }

    @Test
    @Timeout(60)
    void aRunsInPlaceCheckTimesThePathAndTheReceiveWithTheCpusDistanceAround() throws Exception {
        Map<String, Object> m = Calibration.inPlaceCheck(Placement.defaults(), traffic);
        double path = ((Number) m.get("pathNanos")).doubleValue();
        double rx = ((Number) m.get("rxNanos")).doubleValue();
        assertThat(rx).isPositive().isFinite();
        assertThat(path).as("the whole path, the receive in it").isGreaterThan(rx).isFinite();
        assertThat(m.get("payloadBytes")).isEqualTo(traffic.workload().sizes().max());
        for (String k : new String[]{"offloadBesideWireNanosPerRequest", "offloadBesideWireEngineNanosPerRequest",
                "offloadBesideWireHostNanosPerRequest", "offloadRefusingNanosPerRequest",
                "offloadRefusingEngineNanosPerRequest", "offloadRefusingHostNanosPerRequest", "offloadRefusedPerRequest"}) {
            assertThat(((Number) m.get(k)).doubleValue()).as("the card, " + k).isPositive().isFinite();
        }
        assertThat(m.containsKey("wireFrameNanos")).as("both wire figures or neither")
                .isEqualTo(m.containsKey("wireRefusalNanos"));
        if (m.get("wireFrameNanos") instanceof Double frame) {
            assertThat(frame).as("the wire places a frame in more time than it refuses one")
                    .isGreaterThan((Double) m.get("wireRefusalNanos"));
        }
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertThat(((Number) m.get("cpuRoundTripNanosBefore")).doubleValue()).isPositive();
            assertThat(((Number) m.get("cpuRoundTripNanosAfter")).doubleValue()).isPositive();
        }
        assertThat(Thread.getAllStackTraces().keySet()).as("the trials' threads ended")
                .noneMatch(t -> t.isAlive() && (t.getName().startsWith("calibrate") || t.getName().equals("wire")));
    }
}
