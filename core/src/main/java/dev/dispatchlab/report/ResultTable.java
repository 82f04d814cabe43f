package dev.dispatchlab.report;

import dev.dispatchlab.run.RunResult;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The terminal tables: one row per run, side by side, the figures DESIGN.md names (throughput,
 * host switches per packet, handoffs and wakeups per packet, CPU per packet, latency percentiles,
 * drops), then the drops by reason and the notes. Device figures are printed apart from the host's.
 */
public final class ResultTable {

    /** Column heads, shared by the terminal table and the HTML report so that both show the same figures. */
    public static final List<String> HEAD = List.of("model", "crypto", "offered", "delivered", "Gbit/s", "host sw",
            "(vol)", "handoffs", "wakeups", "intr", "host CPU", "dev CPU", "dev sw", "p50", "p99", "p99.9", "max",
            "drops");
    /** The unit of each column in {@link #HEAD}. */
    public static final List<String> UNITS = List.of("", "", "kpps", "kpps", "", "/pkt", "/pkt", "/pkt", "/pkt",
            "/pkt", "ns/pkt", "ns/pkt", "/pkt", "us", "us", "us", "us", "");

    private ResultTable() {
    }

    /** @return one run's cells under {@link #HEAD}; a run that failed its checks says so beside its model */
    public static String[] row(RunResult r) {
        return new String[]{r.model() + (r.checks().passed() ? "" : " FAILED"), r.crypto(),
                fmt(r.offeredPps() / 1e3, 1), fmt(r.deliveredPps() / 1e3, 1), fmt(r.payloadGbps(), 3),
                fmt(r.perPacket().hostSwitches(), 2), fmt(r.perPacket().hostVoluntary(), 2),
                fmt(r.perPacket().handoffs(), 2), fmt(r.perPacket().wakeups(), 2),
                fmt(r.perPacket().interrupts(), 2), fmt(r.perPacket().hostCpuNanos(), 0),
                fmt(r.perPacket().deviceCpuNanos(), 0), fmt(r.perPacket().deviceSwitches(), 2),
                latency(r, r.latency().p50()), latency(r, r.latency().p99()), latency(r, r.latency().p999()),
                latency(r, r.latency().max()), Long.toString(totalDrops(r))};
    }

    /** @return the run's drops over the measured interval, all reasons */
    public static long totalDrops(RunResult r) {
        return r.drops().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Prints runs side by side. */
    public static void print(PrintStream out, List<RunResult> runs, List<String[]> extraRows) {
        if (runs.isEmpty()) {
            return;
        }
        RunResult first = runs.getFirst();
        out.println(first.environment().oneLine());
        out.println("workload: " + first.workload() + "; placement: " + first.settings().get("placement")
                + "; idle: " + first.settings().get("idle") + "; measured " + fmt(first.seconds(), 1) + " s after "
                + first.settings().get("warmupSeconds") + " s warm-up");
        out.println();
        String[] head = HEAD.toArray(String[]::new);
        String[] units = UNITS.toArray(String[]::new);
        List<String[]> rows = new java.util.ArrayList<>();
        for (RunResult r : runs) {
            rows.add(row(r));
        }
        if (extraRows != null) {
            rows.addAll(extraRows);
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = Math.max(head[i].length(), units[i].length());
            for (String[] row : rows) {
                if (i < row.length) {
                    w[i] = Math.max(w[i], row[i].length());
                }
            }
        }
        line(out, head, w);
        line(out, units, w);
        for (String[] row : rows) {
            line(out, row, w);
        }
        out.println();
        for (RunResult r : runs) {
            if (!r.drops().isEmpty()) {
                out.println(r.model() + " drops: " + join(r.drops()));
            }
        }
        for (RunResult r : runs) {
            if (!r.checks().passed()) {
                out.println(r.model() + " FAILED its checks: accounting " + r.accounting() + ", content mismatches "
                        + r.checks().contentMismatches() + ", threads left " + r.checks().threadsLeftRunning()
                        + (r.checks().failure() == null ? "" : ", failure " + r.checks().failure()));
            }
            for (String n : r.notes()) {
                out.println(r.model() + ": " + n);
            }
        }
    }

    private static void line(PrintStream out, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = i < cells.length ? cells[i] : "";
            if (i <= 1) {
                sb.append(String.format("%-" + w[i] + "s", c));
            } else {
                sb.append(String.format("%" + w[i] + "s", c));
            }
            sb.append(i == w.length - 1 ? "" : "  ");
        }
        out.println(sb.toString().stripTrailing());
    }

    private static String join(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    /** @return {@code v} with {@code decimals}, or "-" for NaN (a figure per packet where none was delivered) */
    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String us(long nanos) {
        return fmt(nanos / 1e3, nanos < 10_000 ? 1 : 0);
    }

    /** @return a latency percentile of {@code r} in us, or "-" when no packet's latency was recorded */
    static String latency(RunResult r, long nanos) {
        return r.latency().count() == 0 ? "-" : us(nanos);
    }
}
