package dev.dispatchlab.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code bench} measured, as the table it prints and the JSON it writes beside the runs: the
 * limits of this machine (cipher, dispatch, socket), each gateway's delivered rate at full load and
 * p99 at half load, our figures as ratios to the limits and the peers, and the targets met or not.
 *
 * @param sizes    the payload sizes, in the order of every {@code bySize} list (e.g. "64", "1400")
 * @param limits   the anchors
 * @param gateways our models and the peers
 * @param ratios   each of our models against each anchor and peer
 * @param targets  the targets, each with its measured ratio
 * @param notes    what a reader must know (an anchor skipped and why, a run that failed its checks)
 */
public record BenchTable(List<String> sizes, List<Limit> limits, List<Gateway> gateways, List<Ratio> ratios,
                         List<Target> targets, List<String> notes) {

    /**
     * One anchor. {@code bySize} holds one figure per size (NaN where not measured, or for a
     * size-free figure every entry the same).
     *
     * @param unit "pps" (a rate) or "ns" (a one-way wakeup or park/unpark)
     */
    public record Limit(String name, String unit, List<Double> bySize, String description) {
    }

    /**
     * One gateway: a dispatchlab model or a peer.
     *
     * @param kind           "dispatchlab" or "peer"
     * @param deliveredPps   delivered packets/s at maximum offered rate, per size
     * @param hostCpuNanos   host CPU per delivered packet at maximum rate, per size
     * @param hostSwitches   host context switches per packet at maximum rate, per size
     * @param halfLoadPps    the offered rate of the half-load point (half its own maximum at the first size)
     * @param halfLoadP99Nanos p99 latency at half load
     * @param checksPassed   every run of this gateway passed its checks (accounting, content, threads)
     */
    public record Gateway(String name, String kind, List<Double> deliveredPps, List<Double> hostCpuNanos,
                          List<Double> hostSwitches, double halfLoadPps, long halfLoadP99Nanos, boolean checksPassed) {
    }

    /**
     * One ratio of ours to an anchor or a peer; {@code bySize} per size, and {@code p99} (ours over
     * theirs at half load, lower is better) where both have a half-load point, else NaN.
     *
     * @param measure {@link #DELIVERED} (delivered rate over theirs, or over a rate limit) or
     *                {@link #CPU_IN_LIMITS} (our host CPU per packet over a one-way dispatch cost: how
     *                many wakeups' worth of CPU a packet costs); null reads as delivered
     */
    public record Ratio(String ours, String against, List<Double> bySize, double p99, String measure) {

        public static final String DELIVERED = "delivered";
        public static final String CPU_IN_LIMITS = "host CPU per packet";

        public Ratio(String ours, String against, List<Double> bySize, double p99) {
            this(ours, against, bySize, p99, DELIVERED);
        }

        /** @return true for a delivered-rate ratio */
        public boolean delivered() {
            return measure == null || measure.equals(DELIVERED);
        }
    }

    /** A target: {@code ratio} measured against {@code required}; met when it is at least that (or at most, for latency). */
    public record Target(String what, double ratio, double required, boolean atMost, boolean met) {
    }

    /** Prints the table. */
    public void print(PrintStream out) {
        out.println();
        out.println("limits of this machine");
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("limit"));
        for (String s : sizes) {
            head.add(s + " B");
        }
        rows.add(head.toArray(String[]::new));
        for (Limit l : limits) {
            List<String> r = new ArrayList<>(List.of(l.name()));
            for (double v : l.bySize()) {
                r.add(Double.isNaN(v) ? "-" : l.unit().equals("ns") ? fmt(v / 1e3, 2) + " us"
                        : fmt(v / 1e3, 1) + " kpps");
            }
            rows.add(r.toArray(String[]::new));
        }
        table(out, rows);

        out.println();
        out.println("gateways at maximum offered rate (socket source), and p99 latency at half of each one's maximum");
        rows = new ArrayList<>();
        head = new ArrayList<>(List.of("gateway", "kind"));
        for (String s : sizes) {
            head.add(s + " B kpps");
        }
        for (String s : sizes) {
            head.add(s + " B CPU ns/pkt");
        }
        head.add("half load kpps");
        head.add("p99 at half (us)");
        head.add("checks");
        rows.add(head.toArray(String[]::new));
        for (Gateway g : gateways) {
            List<String> r = new ArrayList<>(List.of(g.name(), g.kind()));
            for (double v : g.deliveredPps()) {
                r.add(Double.isNaN(v) ? "-" : fmt(v / 1e3, 1));
            }
            for (double v : g.hostCpuNanos()) {
                r.add(Double.isNaN(v) ? "-" : fmt(v, 0));
            }
            r.add(g.halfLoadPps() > 0 ? fmt(g.halfLoadPps() / 1e3, 1) : "-");
            r.add(g.halfLoadP99Nanos() > 0 ? fmt(g.halfLoadP99Nanos() / 1e3, 1) : "-");
            r.add(g.checksPassed() ? "ok" : "FAILED");
            rows.add(r.toArray(String[]::new));
        }
        table(out, rows);

        out.println();
        out.println("ratios: ours / theirs (delivered rate; p99 at half load: below 1 is better)");
        rows = new ArrayList<>();
        head = new ArrayList<>(List.of("ours", "against"));
        for (String s : sizes) {
            head.add(s + " B");
        }
        head.add("p99");
        rows.add(head.toArray(String[]::new));
        for (Ratio r : ratios) {
            if (!r.delivered()) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(r.ours(), r.against()));
            for (double v : r.bySize()) {
                row.add(Double.isNaN(v) ? "-" : fmt(v, 2) + "x");
            }
            row.add(Double.isNaN(r.p99()) ? "-" : fmt(r.p99(), 2) + "x");
            rows.add(row.toArray(String[]::new));
        }
        table(out, rows);

        List<Ratio> cpu = ratios.stream().filter(r -> !r.delivered()).toList();
        if (!cpu.isEmpty()) {
            out.println();
            out.println("host CPU per delivered packet at maximum rate, in units of each dispatch limit");
            rows = new ArrayList<>();
            head = new ArrayList<>(List.of("ours", "limit"));
            for (String s : sizes) {
                head.add(s + " B");
            }
            rows.add(head.toArray(String[]::new));
            for (Ratio r : cpu) {
                List<String> row = new ArrayList<>(List.of(r.ours(), r.against()));
                for (double v : r.bySize()) {
                    row.add(Double.isNaN(v) ? "-" : fmt(v, 1));
                }
                rows.add(row.toArray(String[]::new));
            }
            table(out, rows);
        }
        if (!targets.isEmpty()) {
            out.println();
            out.println("targets (best dispatchlab model)");
            for (Target t : targets) {
                out.printf(Locale.ROOT, "  %-52s %7.2fx  (%s %.2fx)  %s%n", t.what(), t.ratio(),
                        t.atMost() ? "at most" : "at least", t.required(), Double.isNaN(t.ratio()) ? "NOT MEASURED"
                                : t.met() ? "met" : "NOT MET");
            }
        }
        for (String n : notes) {
            out.println("note: " + n);
        }
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void table(PrintStream out, List<String[]> rows) {
        int cols = 0;
        for (String[] r : rows) {
            cols = Math.max(cols, r.length);
        }
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                b.append(i == 0 ? String.format("%-" + w[i] + "s", r[i]) : String.format("  %" + w[i] + "s", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
