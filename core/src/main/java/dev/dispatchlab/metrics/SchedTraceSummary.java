package dev.dispatchlab.metrics;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scheduler trace, the text tracefs writes for the events {@code sched:sched_switch} and
 * {@code sched:sched_wakeup} ({@code /sys/kernel/tracing/trace}), or the same text the simulator writes
 * ({@code sim.SchedTraceWriter}), and says per thread what the switch counts alone cannot: how often
 * it was switched in, went to sleep, was preempted and by whom, how long it ran each time, and how
 * long a wakeup waited before the thread ran. The counts in {@code /proc} say how many switches a
 * design costs; a trace says which wakeup preempted which thread, which is what a scheduler model has
 * to get right to predict them.
 * <pre>
 *   TASK-PID [CPU] FLAGS SECONDS: sched_switch: prev_comm=C prev_pid=P prev_prio=N prev_state=S|R|R+|D.. ==> next_comm=C next_pid=P next_prio=N
 *   TASK-PID [CPU] FLAGS SECONDS: sched_wakeup: comm=C pid=P prio=N target_cpu=NNN
 * </pre>
 * A thread is its name ({@code comm}); threads of one name are summed (the JVM's {@code GC Thread#0}
 * may be several tasks over time). A switch out in state {@code R} or {@code R+} is a preemption;
 * any other state a sleep. A preemption is <i>by its wakee</i> when the thread switched in is one the
 * thread woke during the run that just ended (a wakeup written with it as the task: its own call, or
 * an interrupt taken on its time). A run's length is from its switch in to its switch out; wakeup to
 * running, from the wakeup to the next switch in; asleep, from a switch out to sleep to the next wakeup. Runs that began before the trace are not counted.
 * Other lines (comments, other events) are passed over.
 *
 * <p>Threading: the methods are static and keep no state between calls.
 */
public final class SchedTraceSummary {

    /** Longest run or wait recorded, ns: longer ones are clamped to it (a minute). */
    private static final long MAX_NS = 60_000_000_000L;

    // Numbers are bounded so that a line that matches always parses (pids fit a long, seconds in
    // nanoseconds too); a line with longer ones is not an event and is passed over.
    private static final String PID = "(\\d{1,18})";
    private static final String HEAD = "^\\s*(.+?)-" + PID + "\\s+(?:\\(.*?\\)\\s+)?\\[(\\d{1,9})\\]\\s+(?:\\S+\\s+)?"
            + "(\\d{1,9}\\.\\d{1,12}):\\s+";
    private static final Pattern SWITCH = Pattern.compile(HEAD + "sched_switch: prev_comm=(.*?) prev_pid=" + PID
            + " prev_prio=-?\\d+ prev_state=(\\S+) ==> next_comm=(.*?) next_pid=" + PID + " next_prio=-?\\d+");
    private static final Pattern WAKEUP = Pattern.compile(HEAD + "sched_wakeup: comm=(.*?) pid=" + PID + " prio=-?\\d+"
            + "(?:.*? target_cpu=(\\d{1,9}))?");

    private SchedTraceSummary() {
    }

    /**
     * One thread's figures over the trace.
     *
     * @param switchedIn       switches to it
     * @param slept            switches away from it while it went to sleep
     * @param preempted        switches away from it while it could still run
     * @param preemptedByWakee of those, the ones to a thread it had just woken
     * @param woken            its wakeups
     * @param runs             its complete runs, ns from switch in to switch out
     * @param wakeToRun        ns from each wakeup to its next switch in
     * @param asleep           ns from each switch out to sleep to its next wakeup
     * @param runNanos         its CPU time in complete runs, ns
     */
    public record ThreadStats(String comm, long switchedIn, long slept, long preempted, long preemptedByWakee,
                              long woken, Histogram runs, Histogram wakeToRun, Histogram asleep, long runNanos) {
    }

    /**
     * @param seconds  from the first event to the last
     * @param switches sched_switch lines read
     * @param wakeups  sched_wakeup lines read
     * @param threads  every thread but the idle loop, most switched in first
     */
    public record Summary(String source, double seconds, long switches, long wakeups, List<ThreadStats> threads) {

        /** @return the thread named {@code comm}, or null */
        public ThreadStats thread(String comm) {
            for (ThreadStats t : threads) {
                if (t.comm().equals(comm)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Reads {@code file}; @throws IOException if it cannot be read */
    public static Summary read(Path file) throws IOException {
        return read(file, -1);
    }

    /** Reads {@code file}, only the events of CPU {@code cpu} (all for -1); @throws IOException if it cannot be read */
    public static Summary read(Path file, int cpu) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            return parse(file.toString(), in, cpu);
        }
    }

    /** Per-thread figures being gathered. */
    private static final class Acc {
        final String comm;
        long in;
        long slept;
        long preempted;
        long byWakee;
        long woken;
        long runNanos;
        final Histogram runs = new Histogram(MAX_NS, 3);
        final Histogram waits = new Histogram(MAX_NS, 3);
        final Histogram asleep = new Histogram(MAX_NS, 3);

        Acc(String comm) {
            this.comm = comm;
        }
    }

    /** What is known of one task (pid) while reading. */
    private static final class Task {
        long runningSince = -1;
        long wokenAt = -1;
        long sleptAt = -1;
        long lastWakee = -1;
    }

    /** Reads trace text from {@code in}; {@code source} names it in the summary. */
    public static Summary parse(String source, BufferedReader in) throws IOException {
        return parse(source, in, -1);
    }

    /**
     * Reads trace text from {@code in}, keeping only CPU {@code cpu}'s switches and the wakeups aimed at
     * it ({@code target_cpu}), or everything for -1: a thread's figures on one CPU.
     */
    public static Summary parse(String source, BufferedReader in, int cpu) throws IOException {
        Map<String, Acc> byComm = new LinkedHashMap<>();
        Map<Long, Task> tasks = new HashMap<>();
        long first = -1;
        long last = -1;
        long switches = 0;
        long wakeups = 0;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("#") || !line.contains(": sched_")) {
                continue;
            }
            Matcher m = SWITCH.matcher(line);
            boolean isSwitch = m.find();
            if (!isSwitch && !(m = WAKEUP.matcher(line)).find() || cpu >= 0 && !on(m, isSwitch, cpu)) {
                continue;
            }
            long t = nanos(m.group(4));
            first = first < 0 ? t : first;
            last = t;
            if (isSwitch) {
                switches++;
                switched(m, t, byComm, tasks);
            } else {
                wakeups++;
                woken(m, t, byComm, tasks);
            }
        }
        List<ThreadStats> threads = new ArrayList<>();
        for (Acc a : byComm.values()) {
            threads.add(new ThreadStats(a.comm, a.in, a.slept, a.preempted, a.byWakee, a.woken, a.runs, a.waits, a.asleep, a.runNanos));
        }
        threads.sort(Comparator.comparingLong((ThreadStats s) -> s.switchedIn() + s.woken()).reversed());
        return new Summary(source, first < 0 ? 0 : (last - first) / 1e9, switches, wakeups, List.copyOf(threads));
    }

    /** @return whether the event matched by {@code m} is CPU {@code cpu}'s: a switch there, a wakeup aimed at it */
    private static boolean on(Matcher m, boolean isSwitch, int cpu) {
        String c = isSwitch ? m.group(3) : m.group(7);
        return c != null && Integer.parseInt(c) == cpu;
    }

    /** A sched_switch at {@code t}: the thread switched out ends its run, the one switched in starts one. */
    private static void switched(Matcher m, long t, Map<String, Acc> byComm, Map<Long, Task> tasks) {
        long prev = Long.parseLong(m.group(6));
        long next = Long.parseLong(m.group(9));
        if (prev != 0) {
            Acc a = byComm.computeIfAbsent(m.group(5), Acc::new);
            Task p = tasks.computeIfAbsent(prev, k -> new Task());
            if (m.group(7).startsWith("R")) {
                a.preempted++;
                if (p.lastWakee == next) {
                    a.byWakee++;
                }
            } else {
                a.slept++;
                p.sleptAt = t;
            }
            if (p.runningSince >= 0 && t >= p.runningSince) {
                span(a.runs, t - p.runningSince);
                a.runNanos += t - p.runningSince;
            }
            p.runningSince = -1;
            p.lastWakee = -1;
        }
        if (next != 0) {
            Acc a = byComm.computeIfAbsent(m.group(8), Acc::new);
            Task n = tasks.computeIfAbsent(next, k -> new Task());
            a.in++;
            n.runningSince = t;
            if (n.wokenAt >= 0) {
                span(a.waits, t - n.wokenAt);
                n.wokenAt = -1;
            }
        }
    }

    /** A sched_wakeup at {@code t}: the woken thread's sleep ends; the waker, if running, is remembered as waking it. */
    private static void woken(Matcher m, long t, Map<String, Acc> byComm, Map<Long, Task> tasks) {
        long pid = Long.parseLong(m.group(6));
        Acc a = byComm.computeIfAbsent(m.group(5), Acc::new);
        a.woken++;
        Task k = tasks.computeIfAbsent(pid, x -> new Task());
        k.wokenAt = t;
        if (k.sleptAt >= 0) {
            span(a.asleep, t - k.sleptAt);
            k.sleptAt = -1;
        }
        Task w = tasks.get(Long.parseLong(m.group(2)));
        if (w != null && w.runningSince >= 0) {
            w.lastWakee = pid;
        }
    }

    /** Records a span, clamped to {@link #MAX_NS}; a negative one (a file whose times go back) is passed over. */
    private static void span(Histogram h, long ns) {
        if (ns >= 0) {
            h.recordValue(Math.min(MAX_NS, ns));
        }
    }

    /** "12345.678901" seconds, to nanoseconds without a double's rounding. */
    private static long nanos(String seconds) {
        int dot = seconds.indexOf('.');
        String frac = seconds.substring(dot + 1);
        long f = Long.parseLong(frac.length() > 9 ? frac.substring(0, 9) : frac);
        for (int i = frac.length(); i < 9; i++) {
            f *= 10;
        }
        return Long.parseLong(seconds.substring(0, dot)) * 1_000_000_000L + f;
    }

    /** The table's columns: heading, unit. */
    private static final String[][] COLUMNS = {{"in/s", ""}, {"slept/s", ""}, {"preempted/s", ""}, {"wakee", "%"},
            {"woken/s", ""}, {"run p50", "us"}, {"run p90", "us"}, {"wait p50", "us"}, {"wait p90", "us"},
            {"asleep", "p50 us"}, {"CPU", "share"}};

    /** @return {@code t}'s figures over {@code seconds} of trace, one per {@link #COLUMNS}, or dashes for null */
    private static String[] cells(ThreadStats t, double seconds) {
        if (t == null) {
            String[] none = new String[COLUMNS.length];
            Arrays.fill(none, "-");
            return none;
        }
        double sec = Math.max(seconds, 1e-9);
        return new String[]{
                fmt("%.0f", t.switchedIn() / sec), fmt("%.0f", t.slept() / sec), fmt("%.0f", t.preempted() / sec),
                t.preempted() == 0 ? "-" : fmt("%.0f", 100.0 * t.preemptedByWakee() / t.preempted()),
                fmt("%.0f", t.woken() / sec), us(t.runs(), 50), us(t.runs(), 90), us(t.wakeToRun(), 50),
                us(t.wakeToRun(), 90), us(t.asleep(), 50), fmt("%.1f%%", 100.0 * t.runNanos() / 1e9 / sec)};
    }

    private static String fmt(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }

    /** @return whether {@code comm} is shown: one of {@code only} (names or prefixes), or among the first {@code top} */
    private static boolean shown(String comm, List<String> only, int rank, int top) {
        return only.isEmpty() ? rank < top : only.stream().anyMatch(comm::startsWith);
    }

    private static void table(PrintStream out, List<String> names, List<String[]> rows, int width) {
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s", "thread"));
        StringBuilder unit = new StringBuilder(" ".repeat(16));
        for (String[] c : COLUMNS) {
            head.append(' ').append(String.format(Locale.ROOT, "%" + width + "s", c[0]));
            unit.append(' ').append(String.format(Locale.ROOT, "%" + width + "s", c[1]));
        }
        out.println(head);
        out.println(unit.toString().stripTrailing());
        for (int i = 0; i < rows.size(); i++) {
            String n = names.get(i);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", n.length() > 16 ? n.substring(0, 16) : n));
            for (String cell : rows.get(i)) {
                line.append(' ').append(String.format(Locale.ROOT, "%" + width + "s", cell));
            }
            out.println(line);
        }
    }

    /**
     * Prints {@code s} as a table: per thread, events per second of the trace, the share of its
     * preemptions that were by its wakee, run and wakeup-to-running medians and 90th percentiles and the
     * median time asleep, in microseconds, and its share of one CPU.
     *
     * @param only the threads to show (names or name prefixes), or empty for the {@code top} busiest
     */
    public static void print(PrintStream out, Summary s, List<String> only, int top) {
        out.printf(Locale.ROOT, "%s: %.3f s, %,d sched_switch and %,d sched_wakeup%n", s.source(), s.seconds(),
                s.switches(), s.wakeups());
        List<String> names = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        for (ThreadStats t : s.threads()) {
            if (shown(t.comm(), only, names.size(), top)) {
                names.add(t.comm());
                rows.add(cells(t, s.seconds()));
            }
        }
        table(out, names, rows, 11);
    }

    /**
     * Prints {@code s} against {@code other} (a simulation of the same run, say): per thread of
     * {@code s}, each figure as "its (the other's)", the other's thread found by {@code counterpart}
     * of its name; threads only the other has follow, with dashes for {@code s}.
     */
    public static void printAgainst(PrintStream out, Summary s, Summary other, List<String> only, int top,
                                    UnaryOperator<String> counterpart) {
        out.printf(Locale.ROOT, "%s (against %s): %.3f s (%.3f s), %,d (%,d) sched_switch, %,d (%,d) sched_wakeup%n",
                s.source(), other.source(), s.seconds(), other.seconds(), s.switches(), other.switches(), s.wakeups(),
                other.wakeups());
        List<String> names = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        Set<String> paired = new HashSet<>();
        for (ThreadStats t : s.threads()) {
            if (shown(t.comm(), only, names.size(), top)) {
                ThreadStats o = other.thread(counterpart.apply(t.comm()));
                if (o != null) {
                    paired.add(o.comm());
                }
                names.add(t.comm());
                rows.add(pair(cells(t, s.seconds()), cells(o, other.seconds())));
            }
        }
        int mine = names.size();
        for (ThreadStats o : other.threads()) {
            if (!paired.contains(o.comm()) && shown(o.comm(), only, names.size() - mine, top)) {
                names.add(o.comm());
                rows.add(pair(cells(null, 0), cells(o, other.seconds())));
            }
        }
        table(out, names, rows, 17);
    }

    private static String[] pair(String[] a, String[] b) {
        String[] out = new String[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + " (" + b[i] + ")";
        }
        return out;
    }

    private static String us(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-"
                : String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(percentile) / 1000.0);
    }
}
