package dev.dispatchlab.run;

import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-place measurements of {@link Calibration}, with small counts: they produce figures, give
 * every packet buffer back and leave no thread running. Speeds are not asserted.
 */
class CalibrationTest {

    private static TrafficSet traffic;

    /**
     * The run command's set, as calibrate builds it. Not a small one: the wire at max rate offers far
     * more frames than the ring takes, and with a short SPI phase it would come round and re-arm a
     * window while frames of the previous round still wait on the ring (they then meet it as replays).
     */
    @BeforeAll
    static void build() {
        traffic = TrafficSet.build(Workload.defaults());
    }

    @Test
    @Timeout(120)
    void pathInPlaceMeasuresAndCleansUp() throws Exception {
        Calibration.Trial t = Calibration.pathTrial(Placement.defaults(), traffic, 20_000, 20_000);

        assertThat(t.problem()).as("problem").isNull();
        assertThat(t.hostNanos()).as("host ns per frame").isPositive().isFinite();
        assertThat(t.count()).as("frames measured").isGreaterThanOrEqualTo(20_000);
        assertThat(t.pool().outstanding()).as("buffers not given back").isZero();
        assertThat(t.threads()).as("threads (host thread and wire)").hasSizeGreaterThanOrEqualTo(2)
                .noneMatch(Thread::isAlive);
        t.verified();
    }

    @Test
    @Timeout(120)
    void offloadInPlaceMeasuresAndCleansUp() throws Exception {
        Calibration.Trial t = Calibration.offloadTrial(Placement.defaults(), traffic, 10_000, 20_000);

        assertThat(t.problem()).as("problem").isNull();
        assertThat(t.hostNanos()).as("host ns per request").isPositive().isFinite();
        assertThat(t.engineNanos()).as("engine ns per request").isPositive().isFinite();
        assertThat(t.count()).as("requests measured").isGreaterThanOrEqualTo(20_000);
        assertThat(t.pool().outstanding()).as("buffers not given back").isZero();
        assertThat(t.threads()).as("threads (host thread, engine, watchdog)").hasSizeGreaterThanOrEqualTo(3)
                .noneMatch(Thread::isAlive);
        t.verified();
    }

    @Test
    @Timeout(120)
    void cardInPlaceTimesTheCardOnTheWiresFramesAndCleansUp() throws Exception {
        Calibration.Trial t = Calibration.cardTrial(Placement.defaults(), traffic, 10_000, 20_000);

        assertThat(t.problem()).as("problem").isNull();
        assertThat(t.wallNanos()).as("elapsed ns per request").isPositive().isFinite();
        assertThat(t.engineNanos()).as("engine ns per request").isPositive().isFinite();
        assertThat(t.hostNanos()).as("host ns per packet").isPositive().isFinite();
        assertThat(t.pool().outstanding()).as("buffers not given back (frames on the ring, with the card, on the socket)").isZero();
        assertThat(t.threads()).as("threads (host thread, wire, engine, watchdog)").hasSizeGreaterThanOrEqualTo(4)
                .noneMatch(Thread::isAlive);
        t.verified();
    }

    @Test
    @Timeout(180)
    void inPlaceFiguresAreMediansUnderTheirKeys() throws Exception {
        Map<String, Object> m = Calibration.inPlace(Placement.defaults(), traffic, 20_000, 5_000, 10_000, 5_000);

        assertThat(m).containsOnlyKeys("payloadBytes", "pathNanos", "frames", "offloadHostNanosPerRequest",
                "offloadEngineNanosPerRequest", "requests", "offloadBesideWireNanosPerRequest",
                "offloadBesideWireEngineNanosPerRequest", "offloadBesideWireHostNanosPerRequest", "note");
        assertThat(m.get("payloadBytes")).isEqualTo(64);
        for (String k : new String[]{"pathNanos", "offloadHostNanosPerRequest", "offloadEngineNanosPerRequest",
                "offloadBesideWireNanosPerRequest", "offloadBesideWireEngineNanosPerRequest",
                "offloadBesideWireHostNanosPerRequest"}) {
            assertThat((Double) m.get(k)).as(k).isPositive().isFinite();
        }
        assertThat((Long) m.get("frames")).isGreaterThanOrEqualTo(5_000);
        assertThat((Long) m.get("requests")).isGreaterThanOrEqualTo(5_000);
        assertThat((String) m.get("note")).isNotBlank();
    }
}
