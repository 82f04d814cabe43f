package dev.dispatchlab.report;

import dev.dispatchlab.run.RunResult;
import org.jfree.chart.JFreeChart;

import java.awt.Paint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Which charts the report draws for a set of runs, and what each caption says about how its
 * figure was measured (DESIGN.md, "How things are measured"). Two kinds of set:
 * <ul>
 *   <li>runs side by side (a compare, single runs, one step of a sweep): one bar or line per run,
 *       by model;</li>
 *   <li>a sweep: figures against the offered rate, one line per model, the livelock curve first.</li>
 * </ul>
 * Runs that failed their checks are an error, never a result: they are left out of every chart
 * and the caption names them.
 */
final class ReportFigures {

    /** A chart and its caption; {@code png} is null when there was nothing to draw (the caption says why). */
    /** A chart and its caption; {@code chart} is kept so that it can be drawn again as SVG (null for a text-only figure). */
    record Figure(String id, String title, String caption, byte[] png, JFreeChart chart) {
        Figure(String id, String title, String caption, byte[] png) {
            this(id, title, caption, png, null);
        }
    }

    static final String SWITCHES = "Voluntary plus involuntary context switches of every host thread, read from the "
            + "kernel's per-thread counts (/proc/self/task/*/status) at the start and end of the measured interval, "
            + "divided by the packets the user thread received in that interval. The second bar is the voluntary "
            + "part (a thread went to sleep). Device threads (the wire, the crypto engine that stands for a card) "
            + "are not host work and are left out here; their switches are in the table (dev sw).";
    static final String HANDOFFS = "Counted by the runtime over the measured interval, divided by delivered packets: "
            + "a handoff is a packet moving from one execution context to another; a "
            + "wakeup is a sleeping context made runnable; an interrupt is one run of an interrupt handler. These "
            + "are what the model asked for; the context-switch chart is what the kernel did.";
    static final String CPU = "CPU time of the host threads, and apart of the device threads, over the measured "
            + "interval, from the kernel's per-thread run time (/proc/self/task/*/schedstat), divided by the packets "
            + "the user thread received. Idle waiting that spins counts; idle waiting that sleeps does not.";
    static final String LATENCY = "From the packet's arrival at the device (stamped when the wire places it in the "
            + "receive ring) to its receipt by the user thread, recorded in an HdrHistogram (3 significant digits) "
            + "over the measured interval; log scale. The wire is open-loop, so a slow host shows up as queueing "
            + "time and as ring-full drops, not as packets quietly sent later; nothing is corrected afterwards. "
            + "Dropped packets have no latency.";
    static final String DROPS = "Packets dropped in the measured interval, by the reason counted where each was "
            + "dropped, as a share of the packets offered in it. Over each whole run offered = delivered + drops, "
            + "with nothing left in flight; a run where that fails is reported as failed.";
    static final String THROUGHPUT = "Packets the wire offered and packets the user thread received, per second of "
            + "the measured interval (offered includes packets the NIC ring had no room for).";
    static final String BASELINE = " The dashed horizontal line is the bare-cipher baseline: JCA decryption alone "
            + "of the same payload size on one host CPU, no ESP and no receive path, measured in the same process.";
    static final String LIVELOCK = "The livelock curve. x: packets offered per second over the measured interval "
            + "(what the wire offered, including packets the NIC ring had no room for; the last point of each line "
            + "is the wire's own limit when the sweep includes 'max'). y: packets the user thread received per "
            + "second over the same interval. Both log scales. The dotted diagonal is delivered = offered (no loss): "
            + "a design that keeps up stays on it, one that saturates runs flat, one that livelocks turns down.";
    static final String VS_RATE = " Against the offered rate (packets per second over the measured interval, log "
            + "scale), one line per model.";

    private static final List<String> PERCENTILES = List.of("p50", "p90", "p99", "p99.9", "max");

    private ReportFigures() {
    }

    /**
     * Charts for runs side by side.
     *
     * @param labels     one category label per run, in order
     * @param throughput include offered and delivered rates (with the baseline as a line)
     */
    static List<Figure> sideBySide(String id, List<RunResult> runs, List<String> labels,
                                   List<ResultFiles.Baseline> baselines, boolean throughput) {
        List<RunResult> ok = new ArrayList<>();
        List<String> cats = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).checks().passed()) {
                ok.add(runs.get(i));
                cats.add(labels.get(i));
            } else {
                failed.add(labels.get(i));
            }
        }
        String left = failed.isEmpty() ? "" : " Left out, as they failed their checks: " + String.join(", ", failed) + ".";
        List<Figure> out = new ArrayList<>();
        if (ok.isEmpty()) {
            out.add(new Figure(id + "-none", "No charts", "Every run failed its checks; there is nothing to chart."
                    + left, null));
            return out;
        }
        ResultFiles.Baseline bare = bareCipher(baselines);
        if (throughput) {
            double[][] v = {column(ok, r -> r.offeredPps() / 1e3), column(ok, r -> r.deliveredPps() / 1e3)};
            double top = ok.stream().mapToDouble(r -> Math.max(r.offeredPps(), r.deliveredPps())).max().orElse(0);
            // a ceiling far above the bars would flatten them: then it is given in words instead
            boolean drawn = bare != null && bare.pps() <= 3 * top;
            Charts.Marker m = drawn ? new Charts.Marker(bare.pps() / 1e3, "bare cipher "
                    + Charts.number(bare.pps() / 1e3, 1) + " kpps") : null;
            String baseline = bare == null ? "" : drawn ? BASELINE : " The bare-cipher baseline (JCA decryption alone "
                    + "of the same payload size on one host CPU, no ESP and no receive path, measured in the same "
                    + "process) is " + Charts.number(bare.pps() / 1e3, 1) + " kpps, far above this chart's scale.";
            out.add(figure(id + "-throughput", "Offered and delivered rate by model",
                    Charts.bars("Offered and delivered rate by model", "run", "thousand packets per second (kpps)",
                            List.of("offered", "delivered to the user"), cats, v, false, m),
                    THROUGHPUT + baseline + left));
        }
        out.add(figure(id + "-switches", "Host context switches per packet by model",
                Charts.bars("Host context switches per delivered packet", "run", "switches per packet (OS count)",
                        List.of("host, voluntary + involuntary", "host, voluntary only"), cats,
                        new double[][]{column(ok, r -> r.perPacket().hostSwitches()),
                                column(ok, r -> r.perPacket().hostVoluntary())}, false, null),
                SWITCHES + left));
        out.add(figure(id + "-handoffs", "Handoffs and wakeups per packet by model",
                Charts.bars("Handoffs, wakeups and interrupts per delivered packet", "run",
                        "events per packet (runtime count)", List.of("handoffs", "wakeups", "interrupts"), cats,
                        new double[][]{column(ok, r -> r.perPacket().handoffs()),
                                column(ok, r -> r.perPacket().wakeups()),
                                column(ok, r -> r.perPacket().interrupts())}, false, null),
                HANDOFFS + left));
        out.add(figure(id + "-cpu", "Host and device CPU per packet by model",
                Charts.bars("CPU time per delivered packet", "run", "CPU nanoseconds per packet",
                        List.of("host threads", "device threads (apart)"), cats,
                        new double[][]{column(ok, r -> r.perPacket().hostCpuNanos()),
                                column(ok, r -> r.perPacket().deviceCpuNanos())}, false, null),
                CPU + left));
        out.add(latency(id, ok, cats, left));
        out.add(drops(id, ok, cats, left));
        return out;
    }

    /** Charts for a sweep: the livelock curve, then per-packet figures and p99 against the offered rate. */
    static List<Figure> sweep(String id, List<RunResult> runs, List<ResultFiles.Baseline> baselines) {
        Map<String, TreeMap<Double, RunResult>> byModel = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (RunResult r : runs) {
            double rate = SweepTable.nominalRate(r);
            if (r.checks().passed()) {
                byModel.computeIfAbsent(r.model(), k -> new TreeMap<>()).put(rate, r);
            } else {
                failed.add(r.model() + " @ " + SweepTable.rateLabel(rate));
            }
        }
        String left = failed.isEmpty() ? "" : " Left out, as they failed their checks: " + String.join(", ", failed) + ".";
        List<Figure> out = new ArrayList<>();
        if (byModel.isEmpty()) {
            out.add(new Figure(id + "-none", "No charts", "Every run failed its checks; there is nothing to chart."
                    + left, null));
            return out;
        }
        ResultFiles.Baseline bare = bareCipher(baselines);
        Charts.Marker m = bare == null ? null : new Charts.Marker(bare.pps(), "bare cipher "
                + Charts.number(bare.pps() / 1e3, 1) + " kpps");
        List<String> nothing = new ArrayList<>();
        byModel.forEach((model, rs) -> rs.forEach((rate, r) -> {
            if (!(r.deliveredPps() > 0)) {
                nothing.add(model + " @ " + SweepTable.rateLabel(rate));
            }
        }));
        out.add(figure(id + "-livelock", "Delivered rate against offered rate (livelock curve)",
                Charts.xy("Delivered against offered rate", "offered (packets per second, log scale)", true,
                        "delivered to the user (packets per second, log scale)", true,
                        lines(byModel, RunResult::deliveredPps), m, true),
                LIVELOCK + (bare == null ? "" : BASELINE) + (nothing.isEmpty() ? "" : " Delivered nothing, so "
                        + "not drawn on the log scale (see the table): " + String.join(", ", nothing) + ".") + left));
        out.add(figure(id + "-switches-rate", "Host context switches per packet against offered rate",
                Charts.xy("Host context switches per delivered packet", "offered (packets per second, log scale)",
                        true, "switches per packet (OS count)", false,
                        lines(byModel, r -> r.perPacket().hostSwitches()), null, false),
                SWITCHES + VS_RATE + left));
        out.add(figure(id + "-wakeups-rate", "Wakeups per packet against offered rate",
                Charts.xy("Wakeups per delivered packet", "offered (packets per second, log scale)", true,
                        "wakeups per packet (runtime count)", false, lines(byModel, r -> r.perPacket().wakeups()),
                        null, false),
                HANDOFFS + VS_RATE + left));
        out.add(figure(id + "-cpu-rate", "Host CPU per packet against offered rate",
                Charts.xy("Host CPU time per delivered packet", "offered (packets per second, log scale)", true,
                        "host CPU nanoseconds per packet", false, lines(byModel, r -> r.perPacket().hostCpuNanos()),
                        null, false),
                CPU + VS_RATE + left));
        out.add(figure(id + "-p99-rate", "p99 latency against offered rate",
                Charts.xy("p99 latency, arrival to user", "offered (packets per second, log scale)", true,
                        "p99 latency (microseconds, log scale)", true,
                        lines(byModel, r -> r.latency().count() == 0 ? Double.NaN : r.latency().p99() / 1e3),
                        null, false),
                LATENCY + VS_RATE + left));
        return out;
    }

    private static Figure latency(String id, List<RunResult> ok, List<String> cats, String left) {
        List<String> lines = new ArrayList<>();
        List<Paint> paints = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (int i = 0; i < ok.size(); i++) {
            RunResult.Latency l = ok.get(i).latency();
            if (l.count() == 0) {
                empty.add(cats.get(i));
                continue;
            }
            lines.add(cats.get(i));
            paints.add(Charts.modelColor(ok.get(i).model(), i));
            values.add(new double[]{l.p50() / 1e3, l.p90() / 1e3, l.p99() / 1e3, l.p999() / 1e3, l.max() / 1e3});
        }
        String none = empty.isEmpty() ? "" : " No packet reached the user in: " + String.join(", ", empty) + ".";
        if (lines.isEmpty()) {
            return new Figure(id + "-latency", "Latency percentiles by model", LATENCY + none + left, null);
        }
        return figure(id + "-latency", "Latency percentiles by model",
                Charts.logLines("Latency percentiles, arrival to user", "percentile",
                        "latency (microseconds, log scale)", lines, paints, PERCENTILES,
                        values.toArray(double[][]::new)),
                LATENCY + none + left);
    }

    private static Figure drops(String id, List<RunResult> ok, List<String> cats, String left) {
        Set<String> reasons = new LinkedHashSet<>();
        for (RunResult r : ok) {
            r.drops().forEach((k, v) -> {
                if (v != 0) {
                    reasons.add(k);
                }
            });
        }
        if (reasons.isEmpty()) {
            return new Figure(id + "-drops", "Drops by reason",
                    "No packet was dropped in the measured interval of any run shown. " + DROPS + left, null);
        }
        List<String> series = new ArrayList<>(reasons);
        double[][] v = new double[series.size()][ok.size()];
        for (int c = 0; c < ok.size(); c++) {
            RunResult r = ok.get(c);
            double offered = r.offeredPps() * r.seconds();
            for (int s = 0; s < series.size(); s++) {
                Long n = r.drops().get(series.get(s));
                v[s][c] = n == null || offered <= 0 ? 0 : 100.0 * n / offered;
            }
        }
        return figure(id + "-drops", "Drops by reason",
                Charts.bars("Drops by reason, share of offered packets", "run", "% of offered packets", series, cats,
                        v, true, null),
                DROPS + left);
    }

    private static List<Charts.Line> lines(Map<String, TreeMap<Double, RunResult>> byModel,
                                           ToDoubleFunction<RunResult> y) {
        List<Charts.Line> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, TreeMap<Double, RunResult>> e : byModel.entrySet()) {
            List<RunResult> rs = new ArrayList<>(e.getValue().values());
            double[] xs = new double[rs.size()];
            double[] ys = new double[rs.size()];
            for (int k = 0; k < rs.size(); k++) {
                xs[k] = rs.get(k).offeredPps();
                ys[k] = y.applyAsDouble(rs.get(k));
            }
            out.add(new Charts.Line(e.getKey(), Charts.modelColor(e.getKey(), i++), false, xs, ys));
        }
        return out;
    }

    private static double[] column(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    private static ResultFiles.Baseline bareCipher(List<ResultFiles.Baseline> baselines) {
        for (ResultFiles.Baseline b : baselines) {
            if (b.name().equals("bare-cipher") && b.pps() > 0) {
                return b;
            }
        }
        return null;
    }

    private static Figure figure(String id, String title, JFreeChart chart, String caption) {
        return new Figure(id, title, caption, Charts.png(chart), chart);
    }
}
