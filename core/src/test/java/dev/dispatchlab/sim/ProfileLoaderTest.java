package dev.dispatchlab.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dispatchlab.sim.profile.CalibratedProfile;
import dev.dispatchlab.sim.profile.Cost;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Kind;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.sim.profile.ProfileException;
import dev.dispatchlab.sim.profile.ProfileLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ProfileLoaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode testbox() throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(SimFixtures.resource("testbox.json")));
    }

    /** Parses the test profile after {@code edit}; the message must name the file and say {@code what}. */
    private static void rejects(Consumer<ObjectNode> edit, String what) throws Exception {
        ObjectNode doc = testbox();
        edit.accept(doc);
        assertThatThrownBy(() -> ProfileLoader.parse(JSON.writeValueAsString(doc), "box.json", "test"))
                .isInstanceOf(ProfileException.class)
                .hasMessageStartingWith("box.json: ")
                .hasMessageContaining(what)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static ObjectNode cost(ObjectNode doc, String key) {
        return (ObjectNode) doc.get("costs").get(key);
    }

    @Test
    void everyRuleOfTheFormatIsEnforcedWithTheFileAndTheKey() throws Exception {
        rejects(d -> cost(d, "wakeup").remove("source"), "costs.wakeup: source: missing");
        rejects(d -> cost(d, "wakeup").put("source", " "), "costs.wakeup: source: missing or empty");
        rejects(d -> cost(d, "syscall").remove("unit"), "costs.syscall: unit: missing");
        rejects(d -> cost(d, "syscall").put("unit", "fortnights"), "costs.syscall: unit: 'fortnights' is not one of");
        rejects(d -> cost(d, "syscall").put("unit", "count"), "costs.syscall: unit: 'count' does not measure a time");
        rejects(d -> cost(d, "tlb_misses_per_switch").put("unit", "ns"), "costs.tlb_misses_per_switch: unit: 'ns' does not measure a count");
        rejects(d -> ((ObjectNode) d.get("costs")).set("fpu_switch", cost(d, "syscall").deepCopy()), "costs.fpu_switch: unknown key");
        rejects(d -> ((ObjectNode) d.get("costs")).remove("stage_ip"), "costs.stage_ip: missing");
        rejects(d -> cost(d, "wakeup").put("kind", "guessed"), "costs.wakeup: kind: 'guessed' is not measured, derived, estimated or configured");
        rejects(d -> cost(d, "context_switch").remove("range"), "costs.context_switch: range: an estimated figure must carry a range");
        rejects(d -> cost(d, "context_switch").putArray("range").add(1).add(2), "costs.context_switch: range: value 2300 is outside [1, 2]");
        rejects(d -> cost(d, "wakeup").put("value", -1), "costs.wakeup: value: must be a finite number >= 0");
        rejects(d -> cost(d, "wakeup").put("value", "fast"), "costs.wakeup: value: missing or not a number");
        rejects(d -> d.put("cpus", 0), "cpus: must be a whole number >= 1");
        rejects(d -> d.remove("name"), "name: missing");
        rejects(d -> d.put("colour", "blue"), "unknown field 'colour'");
        assertThatThrownBy(() -> ProfileLoader.parse("{ nope", "box.json", "test")).hasMessageStartingWith("box.json:1: not JSON");
    }

    @Test
    void unitsConvertToNanosecondsWithTheClock() {
        Profile p = SimFixtures.testbox();
        assertThat(p.value(CostParam.CONTEXT_SWITCH)).isEqualTo(2300);
        assertThat(p.value(CostParam.WINDOW_SPILL_FILL)).isEqualTo(500, within(1e-9)); // 50 cycles at 100 MHz
        assertThat(p.value(CostParam.CRYPTO_FIXED)).isEqualTo(3100, within(1e-9)); // 3.1 us
        assertThat(p.value(CostParam.CRYPTO_PER_BYTE)).isEqualTo(20, within(1e-9)); // 2 cycles/byte
        assertThat(p.low(CostParam.CONTEXT_SWITCH)).isEqualTo(1000);
        assertThat(p.high(CostParam.CONTEXT_SWITCH)).isEqualTo(4000);
        // the clock moves every figure given in cycles
        Profile slow = p.withValue(CostParam.CLOCK_MHZ, 50);
        assertThat(slow.value(CostParam.WINDOW_SPILL_FILL)).isEqualTo(1000, within(1e-9));
        assertThat(slow.value(CostParam.CONTEXT_SWITCH)).isEqualTo(2300);
        assertThat(p.withValue(CostParam.WAKEUP, 99).value(CostParam.WAKEUP)).isEqualTo(99);
        assertThat(p.value(CostParam.WAKEUP)).isEqualTo(730);
    }

    @Test
    void everyShippedProfileLoads() throws Exception {
        assertThat(ProfileLoader.shippedNames()).contains("this-machine");
        for (Profile p : ProfileLoader.shipped()) {
            for (CostParam k : CostParam.values()) {
                assertThat(p.value(k)).as(p.name() + " " + k.key()).isFinite().isGreaterThanOrEqualTo(0);
                if (p.costs().get(k).kind() == Kind.ESTIMATED) {
                    assertThat(p.costs().get(k).ranged()).isTrue();
                }
            }
        }
    }

    @Test
    void unknownNamesListTheShippedOnes() {
        assertThatThrownBy(() -> ProfileLoader.load("pdp11")).hasMessageContaining("no such profile")
                .hasMessageContaining("this-machine");
    }

    @Test
    void thisMachinesProfileComesFromCalibrationAndTreatsNoisyStagesAsEstimates(@TempDir Path dir) throws Exception {
        Profile p = CalibratedProfile.fromFile(SimFixtures.resource("calibration.json"));
        // ipInputNanos is -0.66 in the file: taken as 0, estimated in [0, 25]
        assertThat(p.value(CostParam.STAGE_IP)).isZero();
        assertThat(p.costs().get(CostParam.STAGE_IP).kind()).isEqualTo(Kind.ESTIMATED);
        assertThat(p.high(CostParam.STAGE_IP)).isEqualTo(25);
        // linkInputNanos is -21.6: 0, plus the cold frame: a 162-byte frame is 3 lines, + 2, x 87.34 ns
        assertThat(p.value(CostParam.STAGE_RX)).isEqualTo(5 * 87.338, within(0.01));
        assertThat(p.value(CostParam.STAGE_ESP)).isEqualTo(75.27, within(0.01));
        // the same-CPU handoff, 3690.7 ns, split 15/15/50/20: the wake and the way to sleep even
        assertThat(p.value(CostParam.WAKEUP) + p.value(CostParam.SLEEP) + p.value(CostParam.CONTEXT_SWITCH)
                + p.value(CostParam.SWITCH_REFILL)).isEqualTo(3690.73, within(0.01));
        assertThat(p.value(CostParam.SLEEP)).isEqualTo(p.value(CostParam.WAKEUP));
        assertThat(p.value(CostParam.CROSS_CPU_WAKEUP)).isEqualTo(9111.58 - 3690.73, within(0.01));
        assertThat(p.value(CostParam.USER_COPY_PER_BYTE)).isEqualTo(105.588 / 64, within(1e-3));
        // written as a profile file, it reads back with the same figures
        Path f = dir.resolve("me.json");
        ProfileLoader.write(p, f);
        Profile back = ProfileLoader.loadFile(f);
        for (CostParam k : CostParam.values()) {
            assertThat(back.value(k)).as(k.key()).isEqualTo(p.value(k), within(0.01));
        }
        assertThatThrownBy(() -> CalibratedProfile.fromFile(SimFixtures.resource("testbox.json")))
                .hasMessageContaining("primitives: missing");
    }

    @Test
    void stagesTimedEachOnTheirOwnAreKeptAsMeasuredHoweverSmall() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode st = (ObjectNode) cal.get("stages");
        st.put("ipInputNanos", 12.5).put("innerIpUdpSocketNanos", 9.0).put("espInputExcludingCryptoNanos", 10.0);
        Profile differences = CalibratedProfile.from(cal, "cal.json");
        assertThat(differences.costs().get(CostParam.STAGE_IP).kind()).as("a difference below the noise")
                .isEqualTo(Kind.ESTIMATED);
        assertThat(differences.costs().get(CostParam.STAGE_DELIVER).kind()).isEqualTo(Kind.ESTIMATED);

        st.put("stageBatch", 256); // calibrate now times each stage on its own over batches
        Profile timed = CalibratedProfile.from(cal, "cal.json");
        assertThat(timed.value(CostParam.STAGE_IP)).isEqualTo(12.5);
        assertThat(timed.costs().get(CostParam.STAGE_IP).kind()).isEqualTo(Kind.MEASURED);
        assertThat(timed.value(CostParam.STAGE_DELIVER)).isEqualTo(9.0);
        assertThat(timed.costs().get(CostParam.STAGE_DELIVER).kind()).isEqualTo(Kind.MEASURED);
        assertThat(timed.costs().get(CostParam.STAGE_ESP).kind()).as("ESP less the cipher is still a difference")
                .isEqualTo(Kind.ESTIMATED);
    }

    @Test
    void theEnginesCpuPerRequestComesFromTheCardBesideTheWire() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode in = cardInPlace(cal, 300.0);
        in.remove("rxNanos");
        Profile alone = CalibratedProfile.from(cal, "cal.json");
        in.put("offloadBesideWireNanosPerRequest", 2000.0).put("offloadBesideWireEngineNanosPerRequest", 1000.0)
                .put("offloadRefusingNanosPerRequest", 3200.0);
        Profile beside = CalibratedProfile.from(cal, "cal.json");
        // the same cipher taken off both: the engine's CPU per request in place beside the wire, less what it
        // costs alone on prepared requests
        assertThat(beside.value(CostParam.ENGINE_PER_REQUEST) - alone.value(CostParam.ENGINE_PER_REQUEST))
                .isEqualTo(1000.0 - in.get("offloadEngineNanosPerRequest").asDouble(), within(1e-9));
        assertThat(beside.costs().get(CostParam.ENGINE_PER_REQUEST).source())
                .contains("offloadBesideWireEngineNanosPerRequest");
    }

    @Test
    void anOlderProfileWithTheRetiredEngineShareStillLoads() throws Exception {
        ObjectNode doc = testbox();
        ((ObjectNode) doc.get("costs")).putObject("engine_share_beside_wire").put("value", 0.4).put("unit", "count")
                .put("kind", "derived").put("source", "an older calibration");
        Profile p = ProfileLoader.parse(JSON.writeValueAsString(doc), "box.json", "test");
        assertThat(p.value(CostParam.ENGINE_PER_REQUEST)).isEqualTo(
                ProfileLoader.parse(JSON.writeValueAsString(testbox()), "box.json", "test").value(CostParam.ENGINE_PER_REQUEST));
    }

    /** @return a fresh copy of the test calibration ({@code calibration.json}), to add figures to */
    private static ObjectNode calibrationFixture() throws java.io.IOException {
        return (ObjectNode) JSON.readTree(Files.readString(SimFixtures.resource("calibration.json")));
    }

    /**
     * Gives {@code cal} in-place figures with the card: a path of 1,000 ns, a receive of 200, the driver
     * alone {@code host} ns per request and its engine 700.
     *
     * @return the {@code inPlace} node, for more figures
     */
    private static ObjectNode cardInPlace(ObjectNode cal, double host) {
        return cal.putObject("inPlace").put("payloadBytes", 64).put("pathNanos", 1000.0).put("rxNanos", 200.0)
                .put("offloadHostNanosPerRequest", host).put("offloadEngineNanosPerRequest", 700.0);
    }

    @Test
    void aRefusedFrameCostsWhatTheRefusingTrialTimedBeyondTheStagesBeforeTheSubmit() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode in = cardInPlace(cal, 300.0);
        Profile older = CalibratedProfile.from(cal, "cal.json");
        assertThat(older.value(CostParam.CARD_REFUSAL)).as("no figure: the stages only").isZero();
        assertThat(older.costs().get(CostParam.CARD_REFUSAL).kind()).isEqualTo(Kind.ESTIMATED);

        in.put("offloadRefusalHostNanos", 1_100.0);
        Profile with = CalibratedProfile.from(cal, "cal.json");
        double stages = with.value(CostParam.STAGE_RX) + with.value(CostParam.STAGE_IP) + with.value(CostParam.STAGE_ESP);
        assertThat(with.value(CostParam.STAGE_RX)).isEqualTo(200.0);
        assertThat(with.value(CostParam.CARD_REFUSAL)).isEqualTo(1_100 - stages, within(1e-9));
        assertThat(with.costs().get(CostParam.CARD_REFUSAL).kind()).isEqualTo(Kind.DERIVED);
        assertThat(with.costs().get(CostParam.CARD_REFUSAL).source()).contains("offloadRefusalHostNanos");

        in.put("offloadRefusalHostNanos", 50.0);
        assertThat(CalibratedProfile.from(cal, "cal.json").value(CostParam.CARD_REFUSAL))
                .as("less than the stages: they account for it all").isZero();
    }

    @Test
    void theWiresTimesPerFramePlacedAndRefusedComeFromTheInPlaceTrialsAndOlderCalibrationsHaveARealWire() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode in = cardInPlace(cal, 300.0);
        Profile older = CalibratedProfile.from(cal, "cal.json");
        assertThat(older.value(CostParam.WIRE_FRAME)).as("no figure: four times what one CPU could take").isZero();
        assertThat(older.costs().get(CostParam.WIRE_FRAME).kind()).isEqualTo(Kind.CONFIGURED);
        assertThat(older.value(CostParam.WIRE_REFUSAL)).as("no figure: as long as a frame placed").isZero();
        assertThat(older.costs().get(CostParam.WIRE_REFUSAL).kind()).isEqualTo(Kind.CONFIGURED);

        in.put("wireFrameNanos", 245.0).put("wireRefusalNanos", 85.0);
        Profile with = CalibratedProfile.from(cal, "cal.json");
        assertThat(with.value(CostParam.WIRE_FRAME)).isEqualTo(245.0);
        assertThat(with.costs().get(CostParam.WIRE_FRAME).kind()).isEqualTo(Kind.DERIVED);
        assertThat(with.costs().get(CostParam.WIRE_FRAME).source()).contains("inPlace.wireFrameNanos").contains("85");
        assertThat(with.value(CostParam.WIRE_REFUSAL)).isEqualTo(85.0);
        assertThat(with.costs().get(CostParam.WIRE_REFUSAL).kind()).isEqualTo(Kind.DERIVED);
        assertThat(with.costs().get(CostParam.WIRE_REFUSAL).source()).contains("inPlace.wireRefusalNanos");
    }

    @Test
    void theCardsHostWorkIsTheCardPathInPlaceLessItsStagesButNeverLessThanTheDriverAlone() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode in = cardInPlace(cal, 150.0);
        Profile alone = CalibratedProfile.from(cal, "cal.json");
        assertThat(alone.value(CostParam.CARD_HOST_PER_REQUEST)).isEqualTo(150.0);
        assertThat(alone.costs().get(CostParam.CARD_HOST_PER_REQUEST).kind()).isEqualTo(Kind.MEASURED);
        double stages = alone.value(CostParam.STAGE_RX) + alone.value(CostParam.STAGE_IP)
                + alone.value(CostParam.STAGE_ESP) + alone.value(CostParam.STAGE_DELIVER);

        in.put("offloadBesideWireNanosPerRequest", 2000.0).put("offloadBesideWireEngineNanosPerRequest", 1000.0)
                .put("offloadBesideWireHostNanosPerRequest", stages + 400);
        Profile inPlace = CalibratedProfile.from(cal, "cal.json");
        assertThat(inPlace.value(CostParam.CARD_HOST_PER_REQUEST)).as("the packet through the card less its stages")
                .isEqualTo(400.0, within(1e-9));
        assertThat(inPlace.costs().get(CostParam.CARD_HOST_PER_REQUEST).kind()).isEqualTo(Kind.DERIVED);
        assertThat(inPlace.costs().get(CostParam.CARD_HOST_PER_REQUEST).source())
                .contains("offloadBesideWireHostNanosPerRequest");

        in.put("offloadBesideWireHostNanosPerRequest", stages + 100);
        assertThat(CalibratedProfile.from(cal, "cal.json").value(CostParam.CARD_HOST_PER_REQUEST))
                .as("less than the driver alone: the trials met different machines, the alone figure stands")
                .isEqualTo(150.0);
    }

    @Test
    void theHardInterruptIsTheMeasuredCostOfAWakeupOfABusyCpuLessTheTwoSwitchesChargedApart() throws Exception {
        ObjectNode cal = calibrationFixture();
        Profile without = CalibratedProfile.from(cal, "cal.json");
        assertThat(without.costs().get(CostParam.HARD_INTERRUPT).kind()).as("no figure: an estimate")
                .isEqualTo(Kind.ESTIMATED);

        ((ObjectNode) cal.get("primitives")).putObject("wakeupOfBusyCpu").put("lostNanosPerWakeup", 20_000.0);
        Profile with = CalibratedProfile.from(cal, "cal.json");
        // 20,000 less context_switch + switch_refill (70 % of the same-CPU handoff, 3690.73 ns) twice
        assertThat(with.value(CostParam.HARD_INTERRUPT)).isEqualTo(20_000 - 2 * 0.7 * 3690.73, within(0.01));
        assertThat(with.value(CostParam.HARD_INTERRUPT)).isEqualTo(20_000 - 2 * (with.value(CostParam.CONTEXT_SWITCH)
                + with.value(CostParam.SWITCH_REFILL)), within(0.01));
        assertThat(with.costs().get(CostParam.HARD_INTERRUPT).kind()).isEqualTo(Kind.DERIVED);
        assertThat(with.costs().get(CostParam.HARD_INTERRUPT).source()).contains("wakeupOfBusyCpu.lostNanosPerWakeup");

        ((ObjectNode) cal.get("primitives")).putObject("wakeupOfBusyCpu").put("lostNanosPerWakeup", 1_000.0);
        assertThat(CalibratedProfile.from(cal, "cal.json").value(CostParam.HARD_INTERRUPT))
                .as("less than the switches: nothing left for the interrupt").isZero();
    }

    @Test
    void withTheReceiveMeasuredInPlaceTheRestOfThePathsColdCostGoesWithTheDelivery() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode in = cal.putObject("inPlace");
        in.put("payloadBytes", 64).put("pathNanos", 1500.0);
        Profile pathOnly = CalibratedProfile.from(cal, "cal.json");
        in.put("rxNanos", 250.0);
        Profile both = CalibratedProfile.from(cal, "cal.json");

        assertThat(both.value(CostParam.STAGE_RX)).isEqualTo(250.0);
        assertThat(both.costs().get(CostParam.STAGE_RX).kind()).isEqualTo(Kind.MEASURED);
        assertThat(both.costs().get(CostParam.STAGE_DELIVER).source()).contains("inPlace.rxNanos");
        // either way the stages a packet goes through sum to the path measured in place
        for (Profile p : List.of(pathOnly, both)) {
            double sum = p.value(CostParam.STAGE_RX) + p.value(CostParam.STAGE_IP) + p.value(CostParam.STAGE_ESP)
                    + p.value(CostParam.CRYPTO_FIXED) + 64 * p.value(CostParam.CRYPTO_PER_BYTE)
                    + p.value(CostParam.STAGE_DELIVER);
            assertThat(sum).as(p == both ? "receive measured" : "path only").isEqualTo(1500.0, within(0.01));
        }
        assertThat(both.value(CostParam.STAGE_DELIVER)).as("the cold lines moved from the receive to the delivery")
                .isEqualTo(pathOnly.value(CostParam.STAGE_DELIVER) + pathOnly.value(CostParam.STAGE_RX) - 250.0,
                        within(0.01));
    }

    @Test
    void aPathInPlaceCheaperThanTheHotStagesScalesTheirPerPacketFiguresToIt() throws Exception {
        ObjectNode cal = calibrationFixture();
        Profile hot = CalibratedProfile.from(cal, "cal.json"); // no in-place figures: the hot stages as measured
        double hotPerPacket = hot.value(CostParam.STAGE_IP) + hot.value(CostParam.STAGE_ESP)
                + hot.value(CostParam.CRYPTO_FIXED) + hot.value(CostParam.STAGE_DELIVER);
        double perByte = hot.value(CostParam.CRYPTO_PER_BYTE);
        double rx = 50;
        double path = rx + 0.6 * hotPerPacket + 64 * perByte; // the hot per-packet figures add up to 1/0.6 of it
        ObjectNode in = cal.putObject("inPlace");
        in.put("payloadBytes", 64).put("pathNanos", path).put("rxNanos", rx)
                .put("offloadHostNanosPerRequest", 300.0).put("offloadEngineNanosPerRequest", 700.0)
                .put("offloadBesideWireNanosPerRequest", 4000.0).put("offloadBesideWireEngineNanosPerRequest", 2000.0);
        Profile p = CalibratedProfile.from(cal, "cal.json");

        double sum = p.value(CostParam.STAGE_RX) + p.value(CostParam.STAGE_IP) + p.value(CostParam.STAGE_ESP)
                + p.value(CostParam.CRYPTO_FIXED) + 64 * p.value(CostParam.CRYPTO_PER_BYTE)
                + p.value(CostParam.STAGE_DELIVER);
        assertThat(sum).as("the stages a packet goes through sum to the path measured in place").isEqualTo(path, within(0.01));
        for (CostParam k : List.of(CostParam.STAGE_IP, CostParam.STAGE_ESP, CostParam.CRYPTO_FIXED, CostParam.STAGE_DELIVER)) {
            assertThat(p.value(k)).as(k.key()).isEqualTo(0.6 * hot.value(k), within(0.01));
            if (hot.value(k) > 0) {
                assertThat(p.costs().get(k).source()).as(k.key()).contains("scaled to the path in place");
            }
        }
        assertThat(p.costs().get(CostParam.STAGE_ESP).kind()).as("a measured figure scaled").isEqualTo(Kind.DERIVED);
        assertThat(p.value(CostParam.CRYPTO_PER_BYTE)).as("the slope kept").isEqualTo(perByte);
        // the engine's CPU per request is measured whole: what the cipher no longer takes is its own
        assertThat(p.value(CostParam.ENGINE_PER_REQUEST) + p.value(CostParam.CRYPTO_FIXED) + 64 * perByte)
                .isEqualTo(2000.0, within(0.01));

        in.put("pathNanos", rx + 2 * hotPerPacket + 64 * perByte);
        Profile dearer = CalibratedProfile.from(cal, "cal.json");
        assertThat(dearer.value(CostParam.STAGE_ESP)).as("a dearer path scales nothing: its excess is the delivery's")
                .isEqualTo(hot.value(CostParam.STAGE_ESP));
    }

    @Test
    void theEnginesIdleSpinIsWhatItSpendsWokenForARequestAloneBeyondWhatTheSimulationHoldsItForBesides()
            throws Exception {
        ObjectNode cal = calibrationFixture();
        Profile without = CalibratedProfile.from(cal, "cal.json");
        assertThat(without.costs().get(CostParam.ENGINE_IDLE_SPIN).kind()).as("no trial: an estimate")
                .isEqualTo(Kind.ESTIMATED);
        assertThat(without.costs().get(CostParam.ENGINE_IDLE_SPIN).ranged()).isTrue();

        ObjectNode in = isolatedInPlace(cal);
        Profile with = CalibratedProfile.from(cal, "cal.json");
        double work = with.value(CostParam.ENGINE_PER_REQUEST) + with.value(CostParam.CRYPTO_FIXED)
                + 64 * with.value(CostParam.CRYPTO_PER_BYTE);
        double held = Math.max(work, 5_000 - with.value(CostParam.CROSS_CPU_WAKEUP)) + 10_000;
        assertThat(with.value(CostParam.ENGINE_IDLE_SPIN)).isEqualTo(24_000 - held, within(0.01));
        assertThat(with.costs().get(CostParam.ENGINE_IDLE_SPIN).kind()).isEqualTo(Kind.DERIVED);
        assertThat(with.costs().get(CostParam.ENGINE_IDLE_SPIN).source()).contains("offloadIsolatedEngineNanosPerRequest");

        in.put("offloadIsolatedEngineNanosPerRequest", 9_000.0);
        assertThat(CalibratedProfile.from(cal, "cal.json").value(CostParam.ENGINE_IDLE_SPIN))
                .as("less than the latency and the coalescing: no idle polling left").isZero();
    }

    @Test
    void theEnginesIdleSpinSaysHowMuchOfItItsPollsAreWhenTheCalibrationTimedThem() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode in = isolatedInPlace(cal);
        double derived = CalibratedProfile.from(cal, "cal.json").value(CostParam.ENGINE_IDLE_SPIN);
        in.put("offloadIdlePollNanos", 922.0);
        Cost spin = CalibratedProfile.from(cal, "cal.json").costs().get(CostParam.ENGINE_IDLE_SPIN);
        assertThat(spin.value()).as("still what the isolated request holds the engine for").isEqualTo(derived);
        assertThat(spin.source()).contains("offloadIdlePollNanos").contains("922");

        in.remove("offloadIsolatedEngineNanosPerRequest");
        Cost polls = CalibratedProfile.from(cal, "cal.json").costs().get(CostParam.ENGINE_IDLE_SPIN);
        assertThat(polls.value()).as("without the isolated trial, the polls timed").isEqualTo(922.0);
        assertThat(polls.kind()).isEqualTo(Kind.MEASURED);
    }

    @Test
    void aTimedWakersCostIsMeasuredAndMakesTheEnginesPollsItsIdleFigure() throws Exception {
        ObjectNode cal = calibrationFixture();
        ObjectNode in = isolatedInPlace(cal).put("offloadIdlePollNanos", 922.0);
        ObjectNode busy = ((ObjectNode) cal.get("primitives")).putObject("wakeupOfBusyCpu");
        busy.put("lostNanosPerWakeup", 20_000.0);
        Profile untimed = CalibratedProfile.from(cal, "cal.json");
        assertThat(untimed.value(CostParam.CROSS_CPU_WAKER)).as("not timed: the device pays nothing").isZero();
        assertThat(untimed.costs().get(CostParam.CROSS_CPU_WAKER).kind()).isEqualTo(Kind.ESTIMATED);
        assertThat(untimed.value(CostParam.ENGINE_IDLE_SPIN)).as("the isolated trial's remainder still")
                .isGreaterThan(922.0);

        busy.put("wakerNanos", 12_500.0).put("idleWakerNanos", 12_000.0);
        Profile timed = CalibratedProfile.from(cal, "cal.json");
        Cost waker = timed.costs().get(CostParam.CROSS_CPU_WAKER);
        assertThat(waker.value()).isEqualTo(12_500.0);
        assertThat(waker.kind()).isEqualTo(Kind.MEASURED);
        assertThat(waker.source()).contains("wakerNanos").contains("12000.0");
        Cost spin = timed.costs().get(CostParam.ENGINE_IDLE_SPIN);
        assertThat(spin.value()).as("the sends timed: the polls, not the isolated trial's remainder").isEqualTo(922.0);
        assertThat(spin.kind()).isEqualTo(Kind.MEASURED);
        assertThat(spin.source()).contains("cross_cpu_waker");
    }

    /** @return {@code cal}'s new in-place figures: the card alone and its isolated-request trial, 24 us */
    private static ObjectNode isolatedInPlace(ObjectNode cal) {
        return cal.putObject("inPlace").put("payloadBytes", 64).put("offloadHostNanosPerRequest", 300.0)
                .put("offloadEngineNanosPerRequest", 700.0).put("offloadIsolatedEngineNanosPerRequest", 24_000.0)
                .put("offloadLatencyNanos", 5_000).put("offloadCoalesceNanos", 10_000);
    }
}
