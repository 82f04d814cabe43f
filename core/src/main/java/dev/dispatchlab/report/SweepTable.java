package dev.dispatchlab.report;

import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The terminal tables of a sweep: a compact table per offered rate as each step finishes (the
 * figures that move with load: delivered share, switches and wakeups per packet, CPU per packet,
 * p50/p99, drops), then the livelock curve as one matrix, models down and offered rates across,
 * each cell "delivered/offered" in kpps. The full figures of every run are in the JSON and the
 * HTML report; this is what one reads while the sweep runs.
 */
public final class SweepTable {

    private static final String[] HEAD = {"model", "crypto", "offered", "delivered", "deliv", "host sw", "wakeups",
            "host CPU", "p50", "p99", "drops"};
    private static final String[] UNITS = {"", "", "kpps", "kpps", "%", "/pkt", "/pkt", "ns/pkt", "us", "us", ""};

    private SweepTable() {
    }

    /** Prints what every step shares: machine, workload, placement, intervals. */
    public static void printHeader(PrintStream out, RunResult first) {
        out.println(first.environment().oneLine());
        out.println("workload: " + first.workload() + "; placement: " + first.settings().get("placement")
                + "; idle: " + first.settings().get("idle") + "; each run " + first.settings().get("warmupSeconds")
                + " s warm-up + " + first.settings().get("measureSeconds") + " s measured");
    }

    /** Prints one offered rate's runs, their drops by reason, failures and notes. */
    public static void printStep(PrintStream out, double rate, List<RunResult> runs) {
        out.println();
        out.println("offered " + rateLabel(rate) + (rate >= RunSpec.MAX_RATE ? " (as fast as the wire can)" : " pps"));
        List<String[]> rows = new ArrayList<>();
        rows.add(HEAD);
        rows.add(UNITS);
        for (RunResult r : runs) {
            rows.add(new String[]{r.model() + (r.checks().passed() ? "" : " FAILED"), r.crypto(),
                    ResultTable.fmt(r.offeredPps() / 1e3, 1), ResultTable.fmt(r.deliveredPps() / 1e3, 1),
                    ResultTable.fmt(deliveredShare(r) * 100, 1), ResultTable.fmt(r.perPacket().hostSwitches(), 2),
                    ResultTable.fmt(r.perPacket().wakeups(), 2), ResultTable.fmt(r.perPacket().hostCpuNanos(), 0),
                    ResultTable.latency(r, r.latency().p50()), ResultTable.latency(r, r.latency().p99()),
                    Long.toString(ResultTable.totalDrops(r))});
        }
        print(out, rows, 2);
        for (RunResult r : runs) {
            if (!r.drops().isEmpty()) {
                StringBuilder sb = new StringBuilder();
                r.drops().forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
                out.println("  " + r.model() + " drops: " + sb);
            }
            if (!r.checks().passed()) {
                out.println("  " + r.model() + " FAILED its checks: " + failure(r));
            }
            for (String n : r.notes()) {
                out.println("  " + r.model() + ": " + n);
            }
        }
    }

    /**
     * Prints the livelock curve: one row per model, one column per offered rate, each cell
     * "delivered/offered" kpps over the measured interval (x for a run that failed its checks),
     * then the bare-cipher ceiling when it was measured.
     */
    public static void printCurve(PrintStream out, List<RunResult> runs, List<ResultFiles.Baseline> baselines) {
        TreeMap<Double, String> rates = new TreeMap<>();
        Map<String, Map<Double, RunResult>> byModel = new LinkedHashMap<>();
        for (RunResult r : runs) {
            double rate = nominalRate(r);
            rates.put(rate, rateLabel(rate));
            byModel.computeIfAbsent(r.model(), k -> new LinkedHashMap<>()).put(rate, r);
        }
        out.println();
        out.println("livelock curve: delivered/offered kpps over the measured interval, by offered rate");
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("model"));
        rates.values().forEach(head::add);
        rows.add(head.toArray(String[]::new));
        byModel.forEach((model, cells) -> {
            List<String> row = new ArrayList<>(List.of(model));
            for (Double rate : rates.keySet()) {
                RunResult r = cells.get(rate);
                row.add(r == null ? "-" : !r.checks().passed() ? "x" : ResultTable.fmt(r.deliveredPps() / 1e3, 1)
                        + "/" + ResultTable.fmt(r.offeredPps() / 1e3, 1));
            }
            rows.add(row.toArray(String[]::new));
        });
        print(out, rows, 1);
        for (ResultFiles.Baseline b : baselines) {
            out.println(b.name() + ": " + ResultTable.fmt(b.pps() / 1e3, 1) + " kpps (" + b.description() + ")");
        }
    }

    /** @return delivered over offered packets in the measured interval, 0 when nothing was offered */
    public static double deliveredShare(RunResult r) {
        return r.offeredPps() > 0 ? r.deliveredPps() / r.offeredPps() : 0;
    }

    /**
     * @return the rate the run was asked to offer (its "rate" setting), {@link RunSpec#MAX_RATE} for
     *         saturation; the measured offered rate when the setting is missing
     */
    public static double nominalRate(RunResult r) {
        Object rate = r.settings().get("rate");
        if (rate instanceof Number n) {
            return n.doubleValue();
        }
        if (rate instanceof String s) {
            if (s.equalsIgnoreCase("max")) {
                return RunSpec.MAX_RATE;
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // fall through to the measured rate
            }
        }
        return r.offeredPps();
    }

    /** @return a rate as people write it: 5k, 20k, 2.5k, 800, 1.2M, max */
    public static String rateLabel(double pps) {
        if (pps >= RunSpec.MAX_RATE) {
            return "max";
        }
        if (pps >= 1e6) {
            return trim(pps / 1e6) + "M";
        }
        if (pps >= 1e3) {
            return trim(pps / 1e3) + "k";
        }
        return trim(pps);
    }

    static String failure(RunResult r) {
        RunResult.Checks c = r.checks();
        List<String> why = new ArrayList<>();
        if (!c.accountingBalanced()) {
            RunResult.AccountingResult a = r.accounting();
            why.add("accounting does not balance (offered " + a.offered() + ", delivered " + a.delivered()
                    + ", dropped " + a.dropped() + ", in flight " + a.inFlight() + ")");
        }
        if (c.contentMismatches() != 0) {
            why.add(c.contentMismatches() + " payloads arrived corrupted");
        }
        if (!c.threadsLeftRunning().isEmpty()) {
            why.add("threads left running " + c.threadsLeftRunning());
        }
        if (c.failure() != null) {
            why.add(c.failure());
        }
        return String.join("; ", why);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Prints rows in columns; the first {@code leftColumns} are left-aligned, the rest right-aligned. */
    private static void print(PrintStream out, List<String[]> rows, int leftColumns) {
        int n = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] w = new int[n];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String c = i < row.length ? row[i] : "";
                sb.append(String.format(i < leftColumns ? "%-" + w[i] + "s" : "%" + w[i] + "s", c));
                sb.append("  ");
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
