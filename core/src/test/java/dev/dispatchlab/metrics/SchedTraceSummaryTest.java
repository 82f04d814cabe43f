package dev.dispatchlab.metrics;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/** A kernel's scheduler trace, worked out by hand: who ran, slept, was preempted and by whom, and for how long. */
public class SchedTraceSummaryTest {

    /** Lines as tracefs writes them on this machine's kernel (6.18), with a comm holding a space and an event passed over. */
    public static final String TRACE = """
            # tracer: nop
            #
            #                                _-----=> irqs-off/BH-disabled
                    puller/0-7604    [001] d..2. 100.000000: sched_switch: prev_comm=puller/0 prev_pid=7604 prev_prio=120 prev_state=S ==> next_comm=user next_pid=7605 next_prio=120
                        user-7605    [001] d..2. 100.000010: sched_switch: prev_comm=user prev_pid=7605 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
                        wire-7606    [000] d..2. 100.000020: sched_waking: comm=puller/0 pid=7604 prio=120 target_cpu=001
                        wire-7606    [000] d..3. 100.000021: sched_wakeup: comm=puller/0 pid=7604 prio=120 target_cpu=001
                      <idle>-0       [001] d..2. 100.000024: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=puller/0 next_pid=7604 next_prio=120
                    puller/0-7604    [001] dN.3. 100.000055: sched_wakeup: comm=user pid=7605 prio=120 target_cpu=001
                    puller/0-7604    [001] d..2. 100.000057: sched_switch: prev_comm=puller/0 prev_pid=7604 prev_prio=120 prev_state=R+ ==> next_comm=user next_pid=7605 next_prio=120
                        user-7605    [001] d..2. 100.000064: sched_switch: prev_comm=user prev_pid=7605 prev_prio=120 prev_state=S ==> next_comm=VM Thread next_pid=7000 next_prio=120
                   VM Thread-7000    [001] d..2. 100.000070: sched_switch: prev_comm=VM Thread prev_pid=7000 prev_prio=120 prev_state=R ==> next_comm=puller/0 next_pid=7604 next_prio=120
            """;

    private static SchedTraceSummary.Summary summary(String text) throws IOException {
        return SchedTraceSummary.parse("t", new BufferedReader(new StringReader(text)));
    }

    @Test
    void eachThreadsSwitchesWakeupsRunsAndWaitsAreCountedAsWorkedOut() throws IOException {
        // durations are kept in HdrHistograms of three significant digits: within 0.1 %
        SchedTraceSummary.Summary s = summary(TRACE);
        assertThat(s.switches()).isEqualTo(6);
        assertThat(s.wakeups()).isEqualTo(2); // sched_waking is not a wakeup
        assertThat(s.seconds()).isEqualTo(70e-6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.thread("swapper/1")).isNull();

        SchedTraceSummary.ThreadStats puller = s.thread("puller/0");
        assertThat(puller.switchedIn()).isEqualTo(2);
        assertThat(puller.slept()).isEqualTo(1);
        assertThat(puller.preempted()).isEqualTo(1); // R+
        assertThat(puller.preemptedByWakee()).isEqualTo(1); // it had just woken the user
        assertThat(puller.woken()).isEqualTo(1);
        assertThat(puller.runs().getTotalCount()).isEqualTo(1); // its first run began before the trace
        assertThat(puller.runs().getMaxValue()).isCloseTo(33_000L, withinPercentage(0.1));
        assertThat(puller.wakeToRun().getMaxValue()).isCloseTo(3_000L, withinPercentage(0.1));
        assertThat(puller.asleep().getMaxValue()).isCloseTo(21_000L, withinPercentage(0.1));

        SchedTraceSummary.ThreadStats user = s.thread("user");
        assertThat(user.switchedIn()).isEqualTo(2);
        assertThat(user.slept()).isEqualTo(2);
        assertThat(user.preempted()).isZero();
        assertThat(user.runs().getTotalCount()).isEqualTo(2);
        assertThat(user.runNanos()).isCloseTo(17_000L, withinPercentage(0.1)); // 10 + 7 us
        assertThat(user.wakeToRun().getMaxValue()).isCloseTo(2_000L, withinPercentage(0.1));
        assertThat(user.asleep().getMaxValue()).isCloseTo(45_000L, withinPercentage(0.1));

        SchedTraceSummary.ThreadStats vm = s.thread("VM Thread");
        assertThat(vm.preempted()).isEqualTo(1);
        assertThat(vm.preemptedByWakee()).isZero();
        assertThat(vm.runs().getMaxValue()).isCloseTo(6_000L, withinPercentage(0.1));
    }

    @Test
    void timestampsKeepTheirNanosecondsAndOtherLinesArePassedOver() throws IOException {
        String t = """
                garbage line
                  a-1 [000] d..2. 68370.794218123: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120
                  b-2 [000] d..2. 68370.794218124: sched_switch: prev_comm=b prev_pid=2 prev_prio=120 prev_state=D ==> next_comm=a next_pid=1 next_prio=120
                  a-1 [000] d..2. 68370.7942182: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=R ==> next_comm=b next_pid=2 next_prio=120
                """;
        SchedTraceSummary.Summary s = summary(t);
        assertThat(s.switches()).isEqualTo(3);
        assertThat(s.thread("b").runs().getMaxValue()).isEqualTo(1); // 1 ns
        assertThat(s.thread("b").slept()).isEqualTo(1); // D is not runnable: a sleep
        assertThat(s.thread("a").preempted()).isEqualTo(1);
        assertThat(s.thread("a").runs().getMaxValue()).isEqualTo(76); // .7942182 = .794218200
    }

    @Test
    void aTraceSetAgainstAnotherPairsThreadsByNameAndListsTheOthersAfter() throws IOException {
        SchedTraceSummary.Summary real = summary(TRACE);
        // the other trace: the same, its puller renamed, its VM thread a GC thread
        SchedTraceSummary.Summary sim = summary(TRACE.replace("puller/0", "carrier/0").replace("VM Thread", "GC Thread"));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SchedTraceSummary.printAgainst(new PrintStream(b, true, StandardCharsets.UTF_8), real, sim, List.of(), 10,
                n -> n.equals("puller/0") ? "carrier/0" : n);
        List<String> lines = b.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.getFirst()).contains("(against ").contains("6 (6) sched_switch");
        assertThat(lines.subList(3, lines.size())).extracting(l -> l.split(" ")[0])
                .containsExactly("puller/0", "user", "VM", "GC");
        assertThat(lines.get(3)).contains("28571 (28571)").contains("33.0 (33.0)");
        assertThat(lines.get(5)).contains("14286 (-)"); // VM Thread: only in the first
        assertThat(lines.get(6)).contains("- (14286)"); // GC Thread: only in the other
    }

    @Test
    void oneCpusFiguresAreItsSwitchesAndTheWakeupsAimedAtIt() throws IOException {
        String both = TRACE + """
                            wire-7606    [000] d..2. 100.000080: sched_switch: prev_comm=wire prev_pid=7606 prev_prio=120 prev_state=R ==> next_comm=C2 CompilerThre next_pid=7010 next_prio=120
                            wire-7606    [000] d..3. 100.000081: sched_wakeup: comm=user pid=7605 prio=120 target_cpu=000
                """;
        SchedTraceSummary.Summary one = SchedTraceSummary.parse("t", new BufferedReader(new StringReader(both)), 1);
        assertThat(one.switches()).isEqualTo(6);
        assertThat(one.wakeups()).isEqualTo(2);
        assertThat(one.thread("wire")).isNull();
        assertThat(one.thread("user").woken()).isEqualTo(1);
        SchedTraceSummary.Summary zero = SchedTraceSummary.parse("t", new BufferedReader(new StringReader(both)), 0);
        assertThat(zero.switches()).isEqualTo(1);
        assertThat(zero.wakeups()).isEqualTo(1);
        assertThat(zero.thread("wire").preempted()).isEqualTo(1);
        assertThat(summary(both).switches()).isEqualTo(7);
    }

    @Test
    void noEventsIsAnEmptySummary() throws IOException {
        SchedTraceSummary.Summary s = summary("# tracer: nop\nnothing here\n");
        assertThat(s.switches() + s.wakeups()).isZero();
        assertThat(s.threads()).isEmpty();
    }

    @Test
    void theTableShowsRatesPerSecondOfTheTraceAndTheChosenThreads() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SchedTraceSummary.print(new PrintStream(b, true, StandardCharsets.UTF_8), summary(TRACE), List.of("puller"), 10);
        List<String> lines = b.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        // 2 switches in over 70 us: 28,571 a second; all of its one preemption by its wakee
        assertThat(lines.get(3)).startsWith("puller/0").contains(" 28571 ").contains(" 100 ").contains("33.0")
                .contains("3.0").contains("21.0");
    }
}
