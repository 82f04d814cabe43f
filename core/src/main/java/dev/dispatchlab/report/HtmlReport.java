package dev.dispatchlab.report;

import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One self-contained HTML page from result documents: every chart is a PNG inside the page (a
 * base64 data URI), there is no script and no outside style sheet, so the file can be mailed,
 * attached to a bug or archived and still read the same.
 *
 * <h2>What it holds</h2>
 * One section per document ({@code compare}, {@code sweep}); all {@code run} documents together
 * form one section, as a run document holds one run and the only use of several is to set them
 * side by side. Each section has:
 * <pre>
 *   the command lines ─ environment (machine, kernel, JDK, GC) ─ settings (common, then what differs per run)
 *   ─ models (which context runs which stage) ─ the side-by-side table (the terminal table's figures)
 *   ─ drops by reason ─ checks and accounting, the wire ─ runtime events per packet ─ notes
 *   ─ charts with captions ─ per-thread OS counts (folded)
 * </pre>
 * A sweep's charts are drawn against the offered rate (the livelock curve first); each of its
 * rates then unfolds into the side-by-side charts of that rate. The page ends with how every
 * figure is measured (DESIGN.md), so that a reader need not know the project to trust a number.
 *
 * <p>Threading: any thread; nothing is shared.
 */
public final class HtmlReport {

    /** One result document and the name it is shown under (its file). */
    public record Source(String name, ResultFiles.Document document) {
    }

    private static final String STYLE = """
            body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#222;margin:24px auto;
              max-width:1180px;padding:0 16px}
            h1{font-size:24px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #ccc;padding-bottom:4px;
              margin-top:40px}h3{font-size:16px;margin-top:26px}
            table{border-collapse:collapse;margin:8px 0 16px;font-size:12.5px}
            th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top}th{background:#f3f3f3;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            thead tr.units th{font-weight:normal;color:#666;font-size:11.5px}
            tr.failed td{background:#fde8e8}tr.baseline td{background:#f4f8ff;font-style:italic}
            .scroll{overflow-x:auto}code,pre{font:12.5px ui-monospace,Menlo,Consolas,monospace}
            pre{background:#f6f6f6;padding:6px 8px;white-space:pre-wrap}
            figure{margin:18px 0 28px}figure img{max-width:100%;border:1px solid #eee}
            figcaption{color:#444;font-size:13px;max-width:900px;margin-top:4px}
            .muted{color:#666}.bad{color:#b00;font-weight:bold}.good{color:#070}
            details{margin:8px 0}summary{cursor:pointer;font-weight:bold}
            nav ul{margin:4px 0}""";

    private HtmlReport() {
    }

    /** Writes the report for {@code sources} to {@code out} (its directory is created). */
    public static void write(Path out, List<Source> sources) throws IOException {
        write(out, sources, List.of());
    }

    /** Writes the report for {@code sources} and the simulator's {@code studies} (answer, validation). */
    public static void write(Path out, List<Source> sources, List<SimulationSection.Study> studies) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, render(sources, studies, Instant.now()), StandardCharsets.UTF_8);
    }

    /** @return the whole page for {@code sources}, stamped as made at {@code generated} */
    public static String render(List<Source> sources, Instant generated) {
        return render(sources, List.of(), generated);
    }

    /** @return the whole page for {@code sources} and {@code studies}, stamped as made at {@code generated} */
    public static String render(List<Source> sources, List<SimulationSection.Study> studies, Instant generated) {
        if (sources.isEmpty() && studies.isEmpty()) {
            throw new IllegalArgumentException("no result documents to report on");
        }
        List<Section> sections = sections(sources);
        Html h = new Html();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .raw("<title>dispatchlab report</title>\n<style>\n").raw(STYLE).raw("\n</style>\n</head>\n<body>\n");
        h.raw("<h1>dispatchlab report</h1>\n<p class=\"muted\">What each interrupt-dispatch design cost per packet "
                + "on a real IPsec ESP receive path, as the operating system counted it. Made ")
                .text(DateTimeFormatter.ISO_INSTANT.format(generated.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .raw(" from ").text(String.join(", ", sources.stream().map(Source::name).toList())).raw(".</p>\n");
        h.raw("<nav><ul>\n");
        for (Section s : sections) {
            h.raw("<li><a href=\"#set-").raw(Integer.toString(s.number)).raw("\">").text(s.title()).raw("</a></li>\n");
        }
        h.raw(studies.isEmpty() ? "" : "<li><a href=\"#simulation\">Simulation</a></li>\n");
        h.raw("<li><a href=\"#method\">How the figures are measured</a></li>\n</ul></nav>\n");
        for (Section s : sections) {
            section(h, s);
        }
        h.raw(SimulationSection.html(studies));
        method(h);
        h.raw("</body>\n</html>\n");
        return h.toString();
    }

    // ---- sections

    /** Runs reported together: one document, or all run documents. */
    private record Section(int number, String command, List<String> files, List<List<String>> commandLines,
                           List<RunResult> runs, List<ResultFiles.Baseline> baselines, BenchTable bench) {

        Section(int number, String command, List<String> files, List<List<String>> commandLines,
                List<RunResult> runs, List<ResultFiles.Baseline> baselines) {
            this(number, command, files, commandLines, runs, baselines, null);
        }

        boolean sweep() {
            return command.equals("sweep");
        }

        String title() {
            Set<String> models = new LinkedHashSet<>();
            Set<Double> rates = new LinkedHashSet<>();
            for (RunResult r : runs) {
                models.add(r.model());
                rates.add(SweepTable.nominalRate(r));
            }
            String at = rates.size() == 1 ? " at " + rate(rates.iterator().next()) : "";
            return switch (command) {
                case "sweep" -> number + ". Sweep: " + models.size() + " model" + (models.size() == 1 ? "" : "s")
                        + " over " + rates.size() + " offered rates (" + String.join(", ", files) + ")";
                case "bench" -> number + ". Bench: " + String.join(", ", models) + " against this machine's limits ("
                        + String.join(", ", files) + ")";
                case "compare" -> number + ". Compare: " + String.join(", ", models) + at + " ("
                        + String.join(", ", files) + ")";
                default -> number + ". " + (runs.size() == 1 ? "Run: " : "Runs: ") + String.join(", ", models) + at
                        + " (" + String.join(", ", files) + ")";
            };
        }
    }

    private static List<Section> sections(List<Source> sources) {
        List<Section> out = new ArrayList<>();
        Section pooled = null;
        for (Source src : sources) {
            ResultFiles.Document d = src.document();
            if (d.command().equals("run")) {
                if (pooled == null) {
                    pooled = new Section(out.size() + 1, "run", new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                            new ArrayList<>());
                    out.add(pooled);
                }
                pooled.files().add(src.name());
                pooled.commandLines().add(commandLine(d));
                pooled.runs().addAll(d.runs());
                pooled.baselines().addAll(d.baselines());
            } else {
                List<RunResult> runs = new ArrayList<>(d.runs());
                if (d.command().equals("sweep")) {
                    // rate by rate, models in the order they ran: the order of the tables and the curve
                    List<String> order = runs.stream().map(RunResult::model).distinct().toList();
                    runs.sort(java.util.Comparator.comparingDouble(SweepTable::nominalRate)
                            .thenComparingInt(r -> order.indexOf(r.model())));
                }
                out.add(new Section(out.size() + 1, d.command(), List.of(src.name()), List.of(commandLine(d)), runs,
                        d.baselines(), d.bench()));
            }
        }
        return out;
    }

    private static List<String> commandLine(ResultFiles.Document d) {
        // picocli's original arguments start with the sub-command's name when it was given on the command line
        List<String> c = new ArrayList<>(List.of("dispatchlab"));
        if (d.arguments().isEmpty() || !(d.arguments().getFirst().equals(d.command())
                || d.arguments().getFirst().equals("simulate"))) {
            c.add(d.command());
        }
        c.addAll(d.arguments());
        return c;
    }

    private static void section(Html h, Section s) {
        String id = "set-" + s.number;
        h.raw("<section id=\"").raw(id).raw("\">\n<h2>").text(s.title()).raw("</h2>\n");
        for (List<String> c : s.commandLines()) {
            h.raw("<pre>").text(String.join(" ", c.stream().map(HtmlReport::shellWord).toList())).raw("</pre>\n");
        }
        long failed = s.runs().stream().filter(r -> !r.checks().passed()).count();
        if (failed > 0) {
            h.raw("<p class=\"bad\">").text(failed + " of " + s.runs().size() + " runs failed their checks: their "
                    + "figures are shown in the tables, marked, but they are errors, not results, and no chart uses "
                    + "them.").raw("</p>\n");
        }
        if (s.bench() != null) {
            bench(h, id, s.bench());
        }
        List<String> labels = labels(s);
        environment(h, id, s.runs(), labels);
        settings(h, id, s.runs(), labels);
        models(h, s.runs());
        sideBySide(h, id, s, labels);
        drops(h, id, s.runs(), labels);
        checks(h, id, s.runs(), labels);
        events(h, id, s.runs(), labels);
        notes(h, s.runs(), labels);
        charts(h, id, s, labels);
        threads(h, s.runs(), labels);
        h.raw("</section>\n");
    }

    /** @return a name per run: its model, with its rate when needed to tell runs apart, numbered when still alike */
    private static List<String> labels(Section s) {
        Set<Double> rates = new LinkedHashSet<>();
        s.runs().forEach(r -> rates.add(SweepTable.nominalRate(r)));
        List<String> labels = new ArrayList<>();
        for (RunResult r : s.runs()) {
            String size = s.command().equals("bench") ? " " + r.settings().get("sizes") + " B" : "";
            labels.add(r.model() + size + (s.sweep() || rates.size() > 1 ? " @ " + rate(SweepTable.nominalRate(r)) : ""));
        }
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        labels.forEach(l -> counts.merge(l, 1L, Long::sum));
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            if (counts.get(l) > 1) {
                labels.set(i, l + " #" + seen.merge(l, 1, Integer::sum));
            }
        }
        return labels;
    }

    /** The bench's own tables: the limits, the gateways, the ratios and the targets. */
    private static void bench(Html h, String id, BenchTable b) {
        h.raw("<h3 id=\"").raw(id).raw("-limits\">Limits of this machine</h3>\n<table>\n<thead><tr><th>limit</th>");
        for (String size : b.sizes()) {
            h.raw("<th>").text(size + " B").raw("</th>");
        }
        h.raw("<th>what</th></tr></thead>\n<tbody>\n");
        for (BenchTable.Limit l : b.limits()) {
            h.raw("<tr><td>").text(l.name()).raw("</td>");
            for (double v : l.bySize()) {
                h.raw("<td class=\"n\">").text(Double.isNaN(v) ? "-" : l.unit().equals("ns")
                        ? ResultTable.fmt(v / 1e3, 2) + " us" : ResultTable.fmt(v / 1e3, 1) + " kpps").raw("</td>");
            }
            h.raw("<td>").text(l.description()).raw("</td></tr>\n");
        }
        h.raw("</tbody></table>\n");
        h.raw("<h3 id=\"").raw(id).raw("-gateways\">Gateways</h3>\n<table>\n<thead><tr><th>gateway</th><th>kind</th>");
        for (String size : b.sizes()) {
            h.raw("<th>").text(size + " B delivered (kpps)").raw("</th>");
        }
        for (String size : b.sizes()) {
            h.raw("<th>").text(size + " B host CPU (ns/pkt)").raw("</th>");
        }
        h.raw("<th>half load (kpps)</th><th>p99 at half load (us)</th><th>checks</th></tr></thead>\n<tbody>\n");
        for (BenchTable.Gateway g : b.gateways()) {
            h.raw("<tr><td>").text(g.name()).raw("</td><td>").text(g.kind()).raw("</td>");
            for (double v : g.deliveredPps()) {
                h.raw("<td class=\"n\">").text(ResultTable.fmt(v / 1e3, 1)).raw("</td>");
            }
            for (double v : g.hostCpuNanos()) {
                h.raw("<td class=\"n\">").text(ResultTable.fmt(v, 0)).raw("</td>");
            }
            h.raw("<td class=\"n\">").text(g.halfLoadPps() > 0 ? ResultTable.fmt(g.halfLoadPps() / 1e3, 1) : "-")
                    .raw("</td><td class=\"n\">").text(g.halfLoadP99Nanos() > 0
                            ? ResultTable.fmt(g.halfLoadP99Nanos() / 1e3, 1) : "-").raw("</td><td")
                    .raw(g.checksPassed() ? ">ok" : " class=\"bad\">FAILED").raw("</td></tr>\n");
        }
        h.raw("</tbody></table>\n");
        h.raw("<h3 id=\"").raw(id).raw("-ratios\">Ratios, ours over theirs</h3>\n<table>\n<thead><tr><th>ours</th>"
                + "<th>against</th>");
        for (String size : b.sizes()) {
            h.raw("<th>").text(size + " B").raw("</th>");
        }
        h.raw("<th>p99 at half load</th></tr></thead>\n<tbody>\n");
        for (BenchTable.Ratio r : b.ratios()) {
            if (!r.delivered()) {
                continue;
            }
            h.raw("<tr><td>").text(r.ours()).raw("</td><td>").text(r.against()).raw("</td>");
            for (double v : r.bySize()) {
                h.raw("<td class=\"n\">").text(Double.isNaN(v) ? "-" : ResultTable.fmt(v, 2) + "x").raw("</td>");
            }
            h.raw("<td class=\"n\">").text(Double.isNaN(r.p99()) ? "-" : ResultTable.fmt(r.p99(), 2) + "x")
                    .raw("</td></tr>\n");
        }
        h.raw("</tbody></table>\n");
        if (!b.targets().isEmpty()) {
            h.raw("<h3>Targets</h3>\n<ul>\n");
            for (BenchTable.Target t : b.targets()) {
                h.raw("<li").raw(t.met() ? ">" : " class=\"bad\">").text(t.what() + ": " + ResultTable.fmt(t.ratio(), 2)
                        + "x, " + (t.atMost() ? "at most " : "at least ") + ResultTable.fmt(t.required(), 2) + "x: "
                        + (t.met() ? "met" : "not met")).raw("</li>\n");
            }
            h.raw("</ul>\n");
        }
        for (String n : b.notes()) {
            h.raw("<p class=\"muted\">").text(n).raw("</p>\n");
        }
    }

    private static void environment(Html h, String id, List<RunResult> runs, List<String> labels) {
        Map<Environment, List<String>> envs = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            envs.computeIfAbsent(runs.get(i).environment(), e -> new ArrayList<>()).add(labels.get(i));
        }
        h.raw("<h3 id=\"").raw(id).raw("-environment\">Environment</h3>\n");
        for (Map.Entry<Environment, List<String>> e : envs.entrySet()) {
            if (envs.size() > 1) {
                h.raw("<p>Runs ").text(String.join(", ", e.getValue())).raw(":</p>\n");
            }
            Environment v = e.getKey();
            Map<String, String> m = new LinkedHashMap<>();
            m.put("host", v.host());
            m.put("operating system", v.os() + " " + v.arch());
            m.put("CPU", v.cpuModel());
            m.put("CPUs available", Integer.toString(v.cpus()));
            m.put("memory", v.memoryBytes() < 0 ? "unknown" : gib(v.memoryBytes()));
            m.put("JDK", v.jdk() + " (" + v.vendor() + ")");
            m.put("VM", v.vm());
            m.put("garbage collectors", v.gc() == null ? "" : String.join(", ", v.gc()));
            m.put("maximum heap", gib(v.maxHeapBytes()));
            m.put("JVM arguments", v.jvmArgs() == null ? "" : String.join(" ", v.jvmArgs()));
            keyValues(h, m);
        }
    }

    private static void settings(Html h, String id, List<RunResult> runs, List<String> labels) {
        List<Map<String, String>> flat = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (RunResult r : runs) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("workload", r.workload());
            flatten("", r.settings(), m);
            m.put("measured interval", String.format(Locale.ROOT, "%.3f s", r.seconds()));
            flat.add(m);
            keys.addAll(m.keySet());
        }
        Map<String, String> common = new LinkedHashMap<>();
        List<String> differing = new ArrayList<>();
        for (String k : keys) {
            Set<String> values = new LinkedHashSet<>();
            flat.forEach(m -> values.add(m.getOrDefault(k, "—")));
            if (values.size() == 1) {
                common.put(k, values.iterator().next());
            } else {
                differing.add(k);
            }
        }
        h.raw("<h3 id=\"").raw(id).raw("-settings\">Settings</h3>\n");
        if (runs.size() > 1) {
            h.raw("<p>Common to every run:</p>\n");
        }
        keyValues(h, common);
        if (!differing.isEmpty()) {
            h.raw("<p>Different per run:</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>run</th>");
            differing.forEach(k -> h.raw("<th>").text(k).raw("</th>"));
            h.raw("</tr></thead>\n<tbody>\n");
            for (int i = 0; i < runs.size(); i++) {
                h.raw("<tr><td>").text(labels.get(i)).raw("</td>");
                for (String k : differing) {
                    h.raw("<td>").text(flat.get(i).getOrDefault(k, "—")).raw("</td>");
                }
                h.raw("</tr>\n");
            }
            h.raw("</tbody></table></div>\n");
        }
    }

    private static void models(Html h, List<RunResult> runs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (RunResult r : runs) {
            m.putIfAbsent(r.model(), Objects.requireNonNullElse(r.modelDescription(), ""));
        }
        h.raw("<h3>Models: which context runs which stage</h3>\n");
        keyValues(h, m);
    }

    private static void sideBySide(Html h, String id, Section s, List<String> labels) {
        h.raw("<h3 id=\"").raw(id).raw("-table\">Side by side</h3>\n");
        h.raw("<p class=\"muted\">The terminal table's figures, over the measured interval; per-packet figures are "
                + "per delivered packet; device figures are apart from the host's.</p>\n");
        h.raw("<div class=\"scroll\"><table>\n<thead><tr>");
        boolean withRun = s.sweep() || labels.stream().anyMatch(l -> l.contains("@") || l.contains("#"));
        if (withRun) {
            h.raw("<th>run</th>");
        }
        ResultTable.HEAD.forEach(c -> h.raw("<th>").text(c).raw("</th>"));
        h.raw("</tr>\n<tr class=\"units\">");
        if (withRun) {
            h.raw("<th></th>");
        }
        ResultTable.UNITS.forEach(c -> h.raw("<th>").text(c).raw("</th>"));
        h.raw("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < s.runs().size(); i++) {
            RunResult r = s.runs().get(i);
            h.raw(r.checks().passed() ? "<tr>" : "<tr class=\"failed\">");
            if (withRun) {
                h.raw("<td>").text(labels.get(i)).raw("</td>");
            }
            String[] row = ResultTable.row(r);
            for (int c = 0; c < row.length; c++) {
                h.raw(c < 2 ? "<td>" : "<td class=\"n\">").text(row[c]).raw("</td>");
            }
            h.raw("</tr>\n");
        }
        for (ResultFiles.Baseline b : s.baselines()) {
            h.raw("<tr class=\"baseline\">");
            if (withRun) {
                h.raw("<td>baseline</td>");
            }
            h.raw("<td>").text(b.name().replace('-', ' ')).raw("</td><td>jca</td><td class=\"n\"></td><td class=\"n\">")
                    .text(ResultTable.fmt(b.pps() / 1e3, 1)).raw("</td><td class=\"n\">")
                    .text(ResultTable.fmt(b.gbps(), 3)).raw("</td><td colspan=\"")
                    .raw(Integer.toString(ResultTable.HEAD.size() - 5)).raw("\">").text(b.description())
                    .raw("</td></tr>\n");
        }
        h.raw("</tbody></table></div>\n");
    }

    private static void drops(Html h, String id, List<RunResult> runs, List<String> labels) {
        Set<String> reasons = new LinkedHashSet<>();
        Set<String> sent = new LinkedHashSet<>();
        for (RunResult r : runs) {
            reasons.addAll(r.drops().keySet());
            if (r.sentBad() != null) {
                sent.addAll(r.sentBad().keySet());
            }
        }
        h.raw("<h3 id=\"").raw(id).raw("-drops\">Drops by reason</h3>\n");
        if (reasons.isEmpty()) {
            h.raw("<p>No packet was dropped in the measured interval of any run.</p>\n");
        } else {
            h.raw("<p class=\"muted\">Packets dropped in the measured interval, by where and why.</p>\n");
            matrix(h, runs, labels, reasons, (r, k) -> {
                Long v = r.drops().get(k);
                return v == null ? "0" : Long.toString(v);
            });
        }
        if (!sent.isEmpty()) {
            h.raw("<p class=\"muted\">Bad packets the source sent on purpose over each whole run, by the drop reason "
                    + "each must meet:</p>\n");
            matrix(h, runs, labels, sent, (r, k) -> {
                Long v = r.sentBad() == null ? null : r.sentBad().get(k);
                return v == null ? "0" : Long.toString(v);
            });
        }
    }

    private static void checks(Html h, String id, List<RunResult> runs, List<String> labels) {
        h.raw("<h3 id=\"").raw(id).raw("-checks\">Checks, accounting and the wire</h3>\n");
        h.raw("<p class=\"muted\">Accounting covers each whole run (warm-up and shutdown included): offered = "
                + "delivered + IKE + fragments absorbed + dropped, with nothing left in flight. The wire columns say "
                + "whether the source kept its schedule.</p>\n");
        h.raw("<div class=\"scroll\"><table>\n<thead><tr><th>run</th><th>checks</th><th>offered</th><th>delivered</th>"
                + "<th>IKE</th><th>fragments absorbed</th><th>dropped</th><th>in flight</th><th>content mismatches</th>"
                + "<th>threads left</th><th>wire asked pps</th><th>wire achieved pps</th><th>wire max lag ms</th>"
                + "</tr></thead>\n<tbody>\n");
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            RunResult.AccountingResult a = r.accounting();
            boolean ok = r.checks().passed();
            h.raw(ok ? "<tr>" : "<tr class=\"failed\">").raw("<td>").text(labels.get(i)).raw("</td><td>")
                    .raw(ok ? "<span class=\"good\">passed</span>" : "<span class=\"bad\">FAILED</span>: ")
                    .text(ok ? "" : SweepTable.failure(r)).raw("</td>");
            for (long v : new long[]{a.offered(), a.delivered(), a.ikePassed(), a.fragmentsAbsorbed(), a.dropped(),
                    a.inFlight(), r.checks().contentMismatches()}) {
                h.raw("<td class=\"n\">").text(Long.toString(v)).raw("</td>");
            }
            h.raw("<td>").text(String.join(", ", r.checks().threadsLeftRunning())).raw("</td>");
            Map<String, Object> w = r.wire() == null ? Map.of() : r.wire();
            boolean max = w.get("offeredPps") instanceof Number n && n.doubleValue() >= RunSpec.MAX_RATE;
            h.raw("<td class=\"n\">").text(max ? "max" : number(w.get("offeredPps"), 1, 0)).raw("</td><td class=\"n\">")
                    .text(number(w.get("achievedPps"), 1, 0)).raw("</td><td class=\"n\">")
                    .text(number(w.get("maxLagNanos"), 1e6, 1)).raw("</td></tr>\n");
        }
        h.raw("</tbody></table></div>\n");
    }

    private static void events(Html h, String id, List<RunResult> runs, List<String> labels) {
        Set<String> names = new LinkedHashSet<>();
        runs.forEach(r -> {
            if (r.events() != null) {
                names.addAll(r.events().keySet());
            }
        });
        if (names.isEmpty()) {
            return;
        }
        h.raw("<h3 id=\"").raw(id).raw("-events\">Runtime events per delivered packet</h3>\n");
        h.raw("<p class=\"muted\">Every counter the execution contexts kept over the measured interval, divided by "
                + "the packets delivered in it.</p>\n");
        matrix(h, runs, labels, names, (r, k) -> {
            Long v = r.events() == null ? null : r.events().get(k);
            double delivered = r.deliveredPps() * r.seconds();
            if (v == null) {
                return "0";
            }
            return delivered > 0 ? String.format(Locale.ROOT, "%.3f", v / delivered) : v + " (none delivered)";
        });
    }

    private static void notes(Html h, List<RunResult> runs, List<String> labels) {
        boolean any = runs.stream().anyMatch(r -> r.notes() != null && !r.notes().isEmpty());
        if (!any) {
            return;
        }
        h.raw("<h3>Notes</h3>\n<ul>\n");
        for (int i = 0; i < runs.size(); i++) {
            for (String n : runs.get(i).notes()) {
                h.raw("<li><b>").text(labels.get(i)).raw("</b>: ").text(n).raw("</li>\n");
            }
        }
        h.raw("</ul>\n");
    }

    private static void charts(Html h, String id, Section s, List<String> labels) {
        h.raw("<h3 id=\"").raw(id).raw("-charts\">Charts</h3>\n");
        if (!s.sweep()) {
            ReportFigures.sideBySide(id, s.runs(), labels, s.baselines(), true).forEach(f -> figure(h, f));
            return;
        }
        Map<String, List<RunResult>> byProfile = simulatedProfiles(s.runs());
        if (byProfile.size() > 1) {
            // a simulated sweep over several machines: one set of curves per machine, its models on it,
            // rather than every model of every machine on one chart (42 lines for all seven on all six)
            byProfile.forEach((profile, runs) -> {
                h.raw("<h4 id=\"").raw(id).raw("-profile-").raw(slug(profile)).raw("\">").text("Profile " + profile)
                        .raw("</h4>\n");
                ReportFigures.sweep(id + "-" + slug(profile), runs, s.baselines()).forEach(f -> figure(h, f));
            });
        } else {
            ReportFigures.sweep(id, s.runs(), s.baselines()).forEach(f -> figure(h, f));
        }
        TreeMap<Double, List<Integer>> byRate = new TreeMap<>();
        for (int i = 0; i < s.runs().size(); i++) {
            byRate.computeIfAbsent(SweepTable.nominalRate(s.runs().get(i)), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Double, List<Integer>> e : byRate.entrySet()) {
            String rate = rate(e.getKey());
            List<RunResult> runs = e.getValue().stream().map(s.runs()::get).toList();
            List<String> names = runs.stream().map(RunResult::model).toList();
            h.raw("<details id=\"").raw(id).raw("-rate-").raw(slug(SweepTable.rateLabel(e.getKey()))).raw("\">")
                    .raw("<summary>").text("Offered " + rate + ": every model side by side").raw("</summary>\n");
            ReportFigures.sideBySide(id + "-" + slug(SweepTable.rateLabel(e.getKey())), runs, names, s.baselines(),
                    false).forEach(f -> figure(h, f));
            h.raw("</details>\n");
        }
    }

    /** @return simulated runs by their profile, in order; empty when any run is not simulated */
    private static Map<String, List<RunResult>> simulatedProfiles(List<RunResult> runs) {
        Map<String, List<RunResult>> byProfile = new LinkedHashMap<>();
        for (RunResult r : runs) {
            Object profile = r.settings() == null ? null : r.settings().get("profile");
            if (!Boolean.TRUE.equals(r.settings() == null ? null : r.settings().get("simulated")) || profile == null) {
                return Map.of();
            }
            byProfile.computeIfAbsent(profile.toString(), k -> new ArrayList<>()).add(r);
        }
        return byProfile;
    }

    private static void threads(Html h, List<RunResult> runs, List<String> labels) {
        h.raw("<h3>Per-thread OS counts</h3>\n");
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            if (r.threads() == null || r.threads().isEmpty()) {
                continue;
            }
            h.raw("<details><summary>").text(labels.get(i)).raw("</summary>\n<table>\n<thead><tr><th>thread</th>"
                    + "<th>role</th><th>voluntary</th><th>involuntary</th><th>CPU ms</th><th>run-queue wait ms</th>"
                    + "<th>fate</th></tr></thead>\n"
                    + "<tbody>\n");
            for (RunResult.ThreadCounts t : r.threads()) {
                h.raw("<tr><td>").text(t.name()).raw("</td><td>").text(t.role()).raw("</td><td class=\"n\">")
                        .text(Long.toString(t.voluntary())).raw("</td><td class=\"n\">")
                        .text(Long.toString(t.involuntary())).raw("</td><td class=\"n\">")
                        .text(ResultTable.fmt(t.cpuNanos() / 1e6, 2)).raw("</td><td class=\"n\">")
                        .text(t.waitNanos() == null ? "-" : ResultTable.fmt(t.waitNanos() / 1e6, 2)).raw("</td><td>")
                        .text(t.fate())
                        .raw("</td></tr>\n");
            }
            h.raw("</tbody></table></details>\n");
        }
    }

    private static void figure(Html h, ReportFigures.Figure f) {
        h.raw("<figure id=\"").raw(f.id()).raw("\">\n");
        if (f.png() == null) {
            h.raw("<p><b>").text(f.title()).raw("</b></p>\n");
        } else {
            h.raw("<img alt=\"").text(f.title()).raw("\" width=\"").raw(Integer.toString(Charts.WIDTH))
                    .raw("\" height=\"").raw(Integer.toString(Charts.HEIGHT)).raw("\" src=\"data:image/png;base64,")
                    .raw(Base64.getEncoder().encodeToString(f.png())).raw("\">\n");
        }
        h.raw("<figcaption>").text(f.caption()).raw("</figcaption>\n</figure>\n");
    }

    private static void method(Html h) {
        h.raw("<section id=\"method\">\n<h2>How the figures are measured</h2>\n<ul>\n");
        for (String m : List.of(
                "Host and device threads. Threads that stand for hardware (the wire that emits the packets, the "
                        + "crypto engine that stands for a card) are device threads; all others are host threads. "
                        + "Figures are for the host; device figures are shown beside them, apart.",
                "Context switches come from the operating system: voluntary plus involuntary switches of every host "
                        + "thread, read from /proc/self/task/*/status at the start and end of the measured interval. "
                        + "Switches per packet = host switches / delivered packets.",
                "Handoffs (a packet moving from one context to another) and wakeups (a sleeping context made "
                        + "runnable) are counted by the runtime.",
                "Latency runs from the packet's arrival at the device to its receipt by the user thread, recorded in "
                        + "an HdrHistogram; p50, p90, p99, p99.9 and max are reported.",
                "Throughput is delivered packets per second and inner-payload Gbit/s, beside the offered rate.",
                "CPU per packet is the host threads' CPU time (the kernel's schedstat) over delivered packets.",
                "Accounting: at the end of every run, offered = delivered + drops by reason, with nothing left in "
                        + "flight. A run where that fails is an error, never a result.",
                "Each run states its machine, JDK, model, source, sizes, rates, CPU placement, warm-up and measured "
                        + "interval (the environment and settings above), so that it can be repeated.")) {
            h.raw("<li>").text(m).raw("</li>\n");
        }
        h.raw("</ul>\n</section>\n");
    }

    // ---- helpers

    private interface Cell {
        String of(RunResult r, String key);
    }

    private static void matrix(Html h, List<RunResult> runs, List<String> labels, Collection<String> columns, Cell cell) {
        h.raw("<div class=\"scroll\"><table>\n<thead><tr><th>run</th>");
        columns.forEach(c -> h.raw("<th>").text(c).raw("</th>"));
        h.raw("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < runs.size(); i++) {
            h.raw(runs.get(i).checks().passed() ? "<tr>" : "<tr class=\"failed\">").raw("<td>").text(labels.get(i))
                    .raw("</td>");
            for (String c : columns) {
                h.raw("<td class=\"n\">").text(cell.of(runs.get(i), c)).raw("</td>");
            }
            h.raw("</tr>\n");
        }
        h.raw("</tbody></table></div>\n");
    }

    private static void keyValues(Html h, Map<String, String> m) {
        h.raw("<table>\n<tbody>\n");
        m.forEach((k, v) -> h.raw("<tr><th>").text(k).raw("</th><td>").text(v).raw("</td></tr>\n"));
        h.raw("</tbody></table>\n");
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> in, Map<String, String> out) {
        in.forEach((k, v) -> {
            if (v instanceof Map<?, ?> nested) {
                flatten(prefix + k + ".", (Map<String, Object>) nested, out);
            } else {
                out.put(prefix + k, value(v));
            }
        });
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double || v instanceof Float) {
            return trimmed(((Number) v).doubleValue());
        }
        if (v instanceof List<?> l) {
            return String.join(", ", l.stream().map(HtmlReport::value).toList());
        }
        return v.toString();
    }

    private static String trimmed(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    private static String number(Object v, double divisor, int decimals) {
        return v instanceof Number n ? ResultTable.fmt(n.doubleValue() / divisor, decimals) : "";
    }

    private static String rate(double pps) {
        String l = SweepTable.rateLabel(pps);
        return l.equals("max") ? "max (saturation)" : l + " pps";
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** @return {@code w} quoted for a POSIX shell when it needs it, so the command line can be pasted back */
    private static String shellWord(String w) {
        if (!w.isEmpty() && w.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return w;
        }
        return "'" + w.replace("'", "'\\''") + "'";
    }

    /** A string builder that escapes text and leaves markup alone. */
    private static final class Html {
        private final StringBuilder sb = new StringBuilder(1 << 20);

        Html raw(String s) {
            sb.append(s);
            return this;
        }

        Html text(String s) {
            if (s == null) {
                return this;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '&' -> sb.append("&amp;");
                    case '<' -> sb.append("&lt;");
                    case '>' -> sb.append("&gt;");
                    case '"' -> sb.append("&quot;");
                    case '\'' -> sb.append("&#39;");
                    default -> sb.append(c);
                }
            }
            return this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
