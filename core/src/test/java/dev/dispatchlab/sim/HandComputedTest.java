package dev.dispatchlab.sim;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Profile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One packet through a model on an idle one-CPU machine costs exactly the profile's costs summed along
 * its path, as worked out by hand here from the model's drawing (interrupts on the host CPU, kernel
 * threads above the user, every thread switched in after another: each switch pays its locality).
 */
class HandComputedTest {

    private final Profile p = SimFixtures.testbox();
    private final Costs c = new Costs(p);

    private SimResult onePacket(SimModels m) {
        // one packet at t=0 (1 packet/s, half a second), nothing else
        SimResult r = SimRunner.run(SimSpec.defaults(p, m, 1).withTimes(0, 500_000_000L));
        assertThat(r.offered()).isEqualTo(1);
        assertThat(r.delivered()).isEqualTo(1);
        assertThat(r.balanced()).isTrue();
        return r;
    }

    private static long cpuPs(SimResult r) {
        return Math.round(r.hostCpuNanos() * 1000);
    }

    @Test
    void pushPaysTwoInterruptsFiveWakeupsFiveSwitchesAndEveryStage() {
        SimResult r = onePacket(SimModels.PUSH);
        long sw = c.contextSwitch + c.switchLocality;
        // nic intr -> wake ithread | ithread: rx, ipintrq, wake softnet | softnet: ip, esp, submit |
        // crypto intr -> wake crypto ithread | cith: queue, wake softnet | softnet: deliver, wake user | user: recv;
        // each of the five sleeps again after its turn and pays its way to sleep
        long expected = 2 * c.hardInterrupt + 5 * c.wakeup + 5 * c.sleep + 5 * sw + c.rx + c.softintSchedule + c.ip + c.esp
                + c.continuation + c.softintSchedule + c.deliver + c.syscall + c.copy(64);
        assertThat(cpuPs(r)).isEqualTo(expected);
        assertThat(r.hostSwitches()).isEqualTo(5.0);
        assertThat(r.hostVoluntary()).isEqualTo(5.0);
        // the card: 5 us latency, then the 10 us coalescing timer (fewer than 8 completions)
        // all but two sleeps are on the packet's way: softnet's after the submit overlaps the card, the user's comes after
        long onTheWay = expected - 2 * c.sleep;
        assertThat((double) r.latency().max()).isCloseTo((onTheWay + 15_000_000) / 1000.0, within(onTheWay / 1000.0 * 0.002 + 20));
    }

    @Test
    void pullerPaysOneInterruptTwoWakeupsTwoSwitchesAndTheWholePathInline() {
        SimResult r = onePacket(SimModels.PULLER);
        assertThat(r.spec().effectiveCrypto()).isEqualTo(CryptoDrivers.SOFTWARE);
        long sw = c.contextSwitch + c.switchLocality;
        long expected = c.hardInterrupt + 2 * c.wakeup + 2 * c.sleep + 2 * sw + c.rx + c.ip + c.esp + c.crypto(64) + c.deliver
                + c.syscall + c.copy(64);
        assertThat(cpuPs(r)).isEqualTo(expected);
        assertThat(r.hostSwitches()).isEqualTo(2.0);
    }

    @Test
    void classicSwitchesOnlyToTheUser() {
        SimResult r = onePacket(SimModels.CLASSIC);
        // nic intr: rx, ipintrq, schedule | softint: dispatch, ip, esp, submit | crypto intr: queue, schedule |
        // softint: dispatch, deliver, wake user | user: switch in, recv, sleep
        long expected = 2 * c.hardInterrupt + c.rx + 2 * c.softintSchedule + 2 * c.softintDispatch + c.ip + c.esp
                + c.continuation + c.deliver + c.wakeup + c.sleep + c.contextSwitch + c.switchLocality + c.syscall + c.copy(64);
        assertThat(cpuPs(r)).isEqualTo(expected);
        assertThat(r.hostSwitches()).isEqualTo(1.0);
    }

    @Test
    void aCardThatCostsTheHostIsPaidHalfAtTheSubmissionAndHalfWithTheCompletion() {
        Profile costly = p.withValue(CostParam.CARD_HOST_PER_REQUEST, 400);
        SimResult base = onePacket(SimModels.PUSH);
        SimResult r = SimRunner.run(SimSpec.defaults(costly, SimModels.PUSH, 1).withTimes(0, 500_000_000L));
        assertThat(r.delivered()).isEqualTo(1);
        assertThat(cpuPs(r) - cpuPs(base)).isEqualTo(400_000);
        // the submitter's half is charged to the CPU (as a wakeup is), the completion's is in its step
        assertThat(r.threads().get("crypto-ithread")[2] - base.threads().get("crypto-ithread")[2])
                .as("completion's half, ns").isEqualTo(200);
    }

    @Test
    void anEmulatedEngineSpendsItsOwnTimePerRequestAndSharesItsCpuWithTheWireOnlyWhenTheWireRunsFlatOut() {
        // devices on a CPU of their own: the engine's own time per request delays the packet, not the host
        Profile slow = p.withValue(CostParam.ENGINE_PER_REQUEST, 100_000);
        SimSpec set = SimSpec.defaults(slow, SimModels.PUSH, 1).withTimes(0, 500_000_000L)
                .withInterrupts(SimSpec.Interrupts.DEVICE);
        SimSpec fast = SimSpec.defaults(p, SimModels.PUSH, 1).withTimes(0, 500_000_000L)
                .withInterrupts(SimSpec.Interrupts.DEVICE);
        SimResult a = SimRunner.run(set);
        SimResult b = SimRunner.run(fast);
        assertThat(a.hostCpuNanos()).isEqualTo(b.hostCpuNanos());
        // 100 us of engine work instead of the 5 us latency it overlaps with
        assertThat((double) a.latency().max() - b.latency().max()).isCloseTo(100_000 + c.crypto(64) / 1000.0 - 5_000,
                within(2_000.0));
        SimSpec timed = set.withProfile(slow.withValue(CostParam.WIRE_FRAME, 200));
        assertThat(timed.wireFlatOut()).as("at a set rate the wire yields to the engine").isFalse();
        assertThat(timed.withRate(SimSpec.MAX_RATE).wireFlatOut()).as("at the maximum rate").isTrue();
        assertThat(set.withRate(SimSpec.MAX_RATE).wireFlatOut()).as("a wire of unknown speed").isFalse();
        assertThat(timed.withRate(SimSpec.MAX_RATE).withInterrupts(SimSpec.Interrupts.HOST).wireFlatOut())
                .as("a real wire and a hardware card").isFalse();
    }

    @Test
    void theMaximumRateIsAsFastAsTheEmulatedWirePlacesFramesElseFourTimesWhatOneCpuCouldTake() {
        SimSpec max = SimSpec.defaults(p, SimModels.PUSH, SimSpec.MAX_RATE).withInterrupts(SimSpec.Interrupts.DEVICE);
        double stages = p.value(CostParam.STAGE_RX) + p.value(CostParam.STAGE_IP) + p.value(CostParam.STAGE_ESP)
                + p.value(CostParam.STAGE_DELIVER) + p.value(CostParam.SYSCALL) + 64 * p.value(CostParam.USER_COPY_PER_BYTE);
        assertThat(p.value(CostParam.WIRE_FRAME)).as("the test machine's wire is real").isZero();
        assertThat(max.offeredPps()).isEqualTo(Math.max(1000, 4e9 / stages), within(1e-6));
        Profile emulated = p.withValue(CostParam.WIRE_FRAME, 250);
        assertThat(max.withProfile(emulated).offeredPps()).as("a frame every 250 ns").isEqualTo(4e6, within(1e-6));
        assertThat(max.withProfile(emulated).withInterrupts(SimSpec.Interrupts.HOST).offeredPps())
                .as("devices interrupting the host are a real machine's").isEqualTo(max.offeredPps());
        assertThat(max.withProfile(emulated).withRate(50_000).offeredPps()).as("a set rate").isEqualTo(50_000);
    }

    @Test
    void theFiguresAreTheProfilesInPicoseconds() {
        assertThat(c.contextSwitch).isEqualTo(2_300_000);
        // switch_refill 410 ns + window 50 cycles at 100 MHz (500 ns) + 3 TLB misses x 7 ns
        assertThat(c.switchLocality).isEqualTo(410_000 + 500_000 + 21_000);
        assertThat(c.crypto(64)).isEqualTo(3_100_000 + 64 * 20_000);
        assertThat(c.copy(64)).isEqualTo(32_000);
    }
}
