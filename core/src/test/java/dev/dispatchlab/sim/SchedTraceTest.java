package dev.dispatchlab.sim;

import dev.dispatchlab.metrics.SchedTraceSummary;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.Profile;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's scheduler trace: the kernel's text, read back by the same summary that reads a
 * kernel's trace, saying what the simulation counted.
 */
class SchedTraceTest {

    private final Profile p = SimFixtures.testbox();

    private static String trace(SimSpec spec, long fromPs, long toPs) {
        StringWriter w = new StringWriter();
        SimRunner.run(spec, new SchedTraceWriter(w, fromPs, toPs));
        return w.toString();
    }

    /** "switch prev(S|R)>next" and "wake waker>wakee" for each event line, in order. */
    private static List<String> events(String trace) {
        return trace.lines().filter(l -> !l.startsWith("#")).map(l -> {
            String f = l.substring(l.indexOf(": sched_") + 2);
            if (f.startsWith("sched_wakeup")) {
                String task = l.substring(0, l.indexOf(" [")).strip();
                String waker = task.substring(0, task.lastIndexOf('-'));
                return "wake " + waker + ">" + field(f, "comm");
            }
            return "switch " + field(f, "prev_comm") + "(" + field(f, "prev_state") + ")>" + field(f, "next_comm");
        }).toList();
    }

    private static String field(String line, String name) {
        int at = line.indexOf(" " + name + "=") + name.length() + 2;
        int end = line.indexOf(' ', at);
        return line.substring(at, end < 0 ? line.length() : end);
    }

    @Test
    void onePacketThroughPushIsTheDrawingsSequence() {
        // interrupts on the host CPU, kernel threads above the user: the packet's way, switch by switch
        String t = trace(SimSpec.defaults(p, SimModels.PUSH, 1).withTimes(0, 500_000_000L), 0, Long.MAX_VALUE);
        assertThat(events(t)).containsExactly(
                "wake <idle>>nic-ithread/0", "switch swapper/0(R)>nic-ithread/0",
                "wake nic-ithread/0>softnet/0", "switch nic-ithread/0(S)>softnet/0",
                "switch softnet/0(S)>swapper/0",
                "wake <idle>>crypto-ithread", "switch swapper/0(R)>crypto-ithread",
                "wake crypto-ithread>softnet/0", "switch crypto-ithread(S)>softnet/0",
                "wake softnet/0>user", "switch softnet/0(S)>user",
                "switch user(S)>swapper/0");
    }

    @Test
    void devicesOnTheirOwnCpuWakeFromCpuOne() {
        String t = trace(SimSpec.defaults(p, SimModels.PULLER, 1).withTimes(0, 500_000_000L)
                .withInterrupts(SimSpec.Interrupts.DEVICE), 0, Long.MAX_VALUE);
        assertThat(t.lines().filter(l -> l.contains("sched_wakeup: comm=puller/0")).toList())
                .singleElement().satisfies(l -> assertThat(l).contains("device-0 [001]"));
    }

    @Test
    void theSummaryOfASimulatedTraceSaysWhatTheSimulationCounted() throws IOException {
        // near saturation on the test box: thousands of sleeps, wakeups and preemptions in the interval
        SimSpec spec = SimSpec.defaults(p, SimModels.PUSH, 60_000).withTimes(20_000_000L, 200_000_000L)
                .withKernelPriority(false);
        long from = spec.warmupNs() * Simulation.PS_PER_NS;
        long to = from + spec.measureNs() * Simulation.PS_PER_NS;
        StringWriter w = new StringWriter();
        SimResult r = SimRunner.run(spec, new SchedTraceWriter(w, from, to));
        SchedTraceSummary.Summary s = SchedTraceSummary.parse("sim", new BufferedReader(new StringReader(w.toString())));
        long preempted = 0;
        for (Map.Entry<String, long[]> e : r.threads().entrySet()) {
            SchedTraceSummary.ThreadStats t = s.thread(e.getKey());
            assertThat(t).as(e.getKey()).isNotNull();
            // a switch is written when the next thread is picked, after the sleeper's way into it: one
            // sleep or preemption at each end of the interval may fall on the other side of it
            assertThat(t.slept()).as(e.getKey() + " slept").isCloseTo(e.getValue()[0], org.assertj.core.data.Offset.offset(2L));
            assertThat(t.preempted()).as(e.getKey() + " preempted")
                    .isCloseTo(e.getValue()[1], org.assertj.core.data.Offset.offset(2L));
            preempted += t.preempted();
        }
        assertThat(r.voluntary()).isGreaterThan(1000);
        assertThat(preempted).isGreaterThan(100);
        assertThat(s.seconds()).isBetween(0.19, 0.2);
        assertThat(s.thread("swapper/0")).isNull();
    }

    /**
     * At the maximum rate beside an emulated card the device CPU is traced too, as CPU 1: its switches
     * between the wire and the engine (named as the kernel keeps names, 15 characters), and the doorbells'
     * wakeups of the engine from the host's threads; read for CPU 1 alone they are what the simulation
     * counted for the device threads, and for CPU 0 alone the host's as before.
     */
    @Test
    void theDeviceCpuIsCpuOneWhereTheWireAndTheEngineAreThreads() throws IOException {
        // an engine far faster than the host (300 ns a request): it parks, and the host's doorbells wake it
        SimSpec spec = SimSpec.defaults(p.withValue(CostParam.WIRE_FRAME, 250).withValue(CostParam.ENGINE_PER_REQUEST, 200)
                        .withValue(CostParam.CRYPTO_FIXED, 100).withValue(CostParam.CRYPTO_PER_BYTE, 0),
                SimModels.ITHREAD, SimSpec.MAX_RATE).withInterrupts(SimSpec.Interrupts.DEVICE)
                .withTimes(5_000_000L, 50_000_000L).withKernelPriority(false);
        long from = spec.warmupNs() * Simulation.PS_PER_NS;
        long to = from + spec.measureNs() * Simulation.PS_PER_NS;
        StringWriter w = new StringWriter();
        SimResult r = SimRunner.run(spec, new SchedTraceWriter(w, from, to));
        String t = w.toString();
        assertThat(t.lines().filter(l -> l.contains("sched_switch") && l.contains(" [001] ")))
                .isNotEmpty().allSatisfy(l -> assertThat(l).containsAnyOf("prev_comm=wire ", "prev_comm=offload-engine- ",
                        "prev_comm=swapper/1 "));
        assertThat(t.lines().filter(l -> l.contains("sched_wakeup: comm=offload-engine- ")))
                .isNotEmpty().allSatisfy(l -> assertThat(l).contains("target_cpu=001"));
        SchedTraceSummary.Summary dev = SchedTraceSummary.read(writeTemp(t), 1);
        long[] engine = r.deviceThreads().get("offload-engine-0");
        assertThat(engine[0]).as("the engine parked in the interval").isGreaterThan(3);
        assertThat(dev.thread("offload-engine-").slept()).isCloseTo(engine[0], org.assertj.core.data.Offset.offset(2L));
        assertThat(dev.thread("wire").preempted()).isCloseTo(r.deviceThreads().get("wire")[1],
                org.assertj.core.data.Offset.offset(2L));
        SchedTraceSummary.Summary host = SchedTraceSummary.read(writeTemp(t), 0);
        assertThat(host.thread("wire")).isNull();
        assertThat(host.thread("crypto-ithread").slept()).isCloseTo(r.threads().get("crypto-ithread")[0],
                org.assertj.core.data.Offset.offset(2L));
    }

    private static java.nio.file.Path writeTemp(String text) throws IOException {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("sim", ".trace");
        f.toFile().deleteOnExit();
        return java.nio.file.Files.writeString(f, text);
    }

    @Test
    void theSameSeedWritesTheSameTrace() {
        SimSpec spec = SimSpec.defaults(p, SimModels.KCONT, 50_000).withTimes(5_000_000L, 20_000_000L);
        assertThat(trace(spec, 0, Long.MAX_VALUE)).isEqualTo(trace(spec, 0, Long.MAX_VALUE));
    }
}
