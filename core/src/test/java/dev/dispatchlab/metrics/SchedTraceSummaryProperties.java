package dev.dispatchlab.metrics;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** No text makes the trace reader fail: lines built from pieces of real ones, numbers of any length, times that go back. */
class SchedTraceSummaryProperties {

    private static final List<String> PIECES = List.of("  user-7605 ", "[001] ", "d..2. ", "100.000010: ",
            "sched_switch: ", "prev_comm=user ", "prev_pid=7605 ", "prev_prio=120 ", "prev_state=S ", "prev_state=R+ ",
            "==> ", "next_comm=puller/0 ", "next_pid=7604 ", "next_prio=120", "sched_wakeup: ", "comm=user ",
            "pid=7605 ", "prio=120 ", "target_cpu=001", "#", "-", ": ", " ", "\t");

    @Provide
    Arbitrary<String> traces() {
        Arbitrary<String> number = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30);
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of(PIECES), number,
                Arbitraries.strings().ofMaxLength(8), number.map(n -> n + "." + n + ": "),
                number.map(n -> "pid=" + n + " "), number.map(n -> "prev_pid=" + n + " "));
        Arbitrary<String> line = piece.list().ofMaxSize(20).map(l -> String.join("", l));
        Arbitrary<String> valid = Arbitraries.of(SchedTraceSummaryTest.TRACE.lines().toList());
        // a real line whose numbers (pids, CPU, time stamp) are replaced by others of any length
        Arbitrary<String> renumbered = Combinators.combine(valid, number.list().ofMinSize(1).ofMaxSize(12))
                .as(SchedTraceSummaryProperties::renumber);
        return Arbitraries.oneOf(line, valid, renumbered).list().ofMaxSize(40).map(l -> String.join("\n", l));
    }

    private static String renumber(String line, List<String> numbers) {
        Matcher m = Pattern.compile("\\d+").matcher(line);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (m.find()) {
            m.appendReplacement(out, numbers.get(i++ % numbers.size()));
        }
        return m.appendTail(out).toString();
    }

    @Property(tries = 2000)
    void anyTextIsReadWithoutFailingAndEveryEventIsALine(@ForAll("traces") String text) throws IOException {
        SchedTraceSummary.Summary s = SchedTraceSummary.parse("p", new BufferedReader(new StringReader(text)));
        assertThat(s.switches() + s.wakeups()).isLessThanOrEqualTo(text.lines().count());
        assertThat(s.seconds()).isNotNaN();
        for (SchedTraceSummary.ThreadStats t : s.threads()) {
            assertThat(t.switchedIn() + t.woken() + t.slept() + t.preempted()).isNotNegative();
            assertThat(t.runs().getMinValue()).isNotNegative();
        }
    }
}
