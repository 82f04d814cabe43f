package dev.dispatchlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dispatchlab.sim.SimSpec;
import dev.dispatchlab.sim.study.Answer;
import dev.dispatchlab.sim.study.Validation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The simulator's part of the report: the answer table ({@code simulate --answer}) and the validation
 * table ({@code validate}), as terminal tables, as JSON documents, and as an HTML section. Simulated
 * runs themselves are ordinary result documents (marked simulated in their settings) and appear in
 * the report's usual sections.
 *
 * <p>Stateless; any thread.
 */
public final class SimulationSection {

    /** The commands whose documents are studies rather than runs. */
    public static final Set<String> COMMANDS = Set.of("simulate-answer", "validate");

    /** A study document and the name it is shown under. */
    public record Study(String name, JsonNode document) {
    }

    private SimulationSection() {
    }

    /** @return true if {@code file} is a JSON object whose command is a study's */
    public static boolean isStudy(Path file) {
        try {
            JsonNode n = ResultFiles.mapper().readTree(Files.readString(file));
            return n != null && n.isObject() && COMMANDS.contains(n.path("command").asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads a study document, checking it has its rows. */
    public static Study load(Path file) throws BadResultFileException {
        JsonNode n;
        try {
            n = ResultFiles.mapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new BadResultFileException(file + ": cannot read it as JSON");
        }
        if (n == null || !n.path("rows").isArray()) {
            throw new BadResultFileException(file + ": a " + n.path("command").asText() + " document without rows");
        }
        return new Study(file.getFileName().toString(), n);
    }

    // ---- the answer

    /** Prints the answer table. */
    public static void printAnswer(PrintStream out, List<Answer.Row> rows) {
        out.printf(Locale.ROOT, "%-14s %-9s %12s %18s %11s %18s %9s %s%n", "profile", "model", "max pps/CPU",
                "(range)", "CPU @50k", "(range)", "sw/pkt", "as good as classic");
        for (Answer.Row r : rows) {
            Answer.Figures f = r.figures();
            out.printf(Locale.ROOT, "%-14s %-9s %12s %18s %11s %18s %9s %s%n", r.profile(), r.model(), pps(f.maxRate()),
                    "(" + pps(r.range().maxRateLow()) + "-" + pps(r.range().maxRateHigh()) + ")",
                    share(f.cpuFor50k(), f.extrapolated()),
                    "(" + share(r.range().cpuLow(), false) + "-" + share(r.range().cpuHigh(), false) + ")",
                    Double.isNaN(f.switchesPerPacket()) ? "-" : String.format(Locale.ROOT, "%.2f", f.switchesPerPacket()),
                    (r.aboutAsGoodAsClassic() ? "yes" : "no") + " (" + r.aboutAsGoodRange() + ")");
        }
        out.println("max pps/CPU: highest rate with >= 99% delivered and <= 1% dropped; CPU @50k: share of one "
                + "CPU for 50,000 pps (* extrapolated from the cpu per packet at the max rate: more than one CPU); "
                + "ranges: every ranged cost of the profile at the ends of its range, one at a time");
    }

    /**
     * @param checked what the validation of this machine said, stated with the answer; null when the
     *                answer was given without one
     * @return the answer as a JSON document
     */
    public static ObjectNode answerJson(List<String> args, SimSpec base, List<Answer.Row> rows, ValidationOutcome checked) {
        ObjectNode d = ResultFiles.mapper().createObjectNode();
        d.put("command", "simulate-answer");
        ArrayNode a = d.putArray("arguments");
        args.forEach(a::add);
        d.put("simulated", true);
        if (checked != null) {
            ObjectNode v = d.putObject("validation");
            v.put("file", checked.name());
            v.put("profile", checked.profile());
            v.put("rows", checked.rows());
            v.put("pass", checked.pass());
            ArrayNode f = v.putArray("notPassing");
            checked.failing().forEach(f::add);
        }
        d.put("seedRate", Answer.SEED_RATE);
        d.put("aboutAsGood", Answer.ABOUT_AS_GOOD);
        d.put("sizes", base.sizes().label());
        d.put("crypto", base.crypto() == null ? "model" : base.crypto().label());
        ArrayNode rs = d.putArray("rows");
        for (Answer.Row r : rows) {
            ObjectNode o = rs.addObject();
            o.put("profile", r.profile());
            o.put("model", r.model());
            o.put("maxRatePps", r.figures().maxRate());
            o.put("cpuShareFor50k", finite(r.figures().cpuFor50k()));
            o.put("cpuShareExtrapolated", r.figures().extrapolated());
            o.put("switchesPerPacket", finite(r.figures().switchesPerPacket()));
            o.put("cpuNanosPerPacket", finite(r.figures().cpuNanosPerPacket()));
            o.put("aboutAsGoodAsClassic", r.aboutAsGoodAsClassic());
            o.put("aboutAsGoodRange", r.aboutAsGoodRange());
            ObjectNode g = o.putObject("range");
            g.put("variants", r.range().variants());
            g.put("maxRateLow", r.range().maxRateLow());
            g.put("maxRateHigh", r.range().maxRateHigh());
            g.put("cpuShareLow", finite(r.range().cpuLow()));
            g.put("cpuShareHigh", finite(r.range().cpuHigh()));
            g.put("switchesLow", finite(r.range().switchesLow()));
            g.put("switchesHigh", finite(r.range().switchesHigh()));
        }
        return d;
    }

    public static void writeAnswer(Path file, List<String> args, SimSpec base, List<Answer.Row> rows,
                                   ValidationOutcome checked) throws IOException {
        write(file, answerJson(args, base, rows, checked));
    }

    public static Study answerStudy(List<String> args, SimSpec base, List<Answer.Row> rows, ValidationOutcome checked) {
        return new Study("this answer", answerJson(args, base, rows, checked));
    }

    // ---- the validation, stated with predictions for other CPUs

    /**
     * What a validation of this machine said, as {@code simulate} states it before predictions for
     * CPUs nobody can run here: the rule is that the simulator predicts this machine's runs
     * first, so a reader of the answer sees how far it did.
     *
     * @param name    the validation document's file name
     * @param profile the profile it validated
     * @param failing the rows that did not pass, each with its errors ("push overload: switches +83.1 %")
     */
    public record ValidationOutcome(String name, String profile, int rows, int pass, List<String> failing) {

        /** @return the statement, one line, with the rows not passing on a second line when there are any */
        public String statement() {
            String head = String.format(Locale.ROOT, "checked first against this machine (%s, profile %s): %d of %d "
                    + "rows pass (delivered within %.0f %%, switches per packet within %.0f %% or %s)", name, profile,
                    pass, rows, 100 * Validation.DELIVERED_TOLERANCE, 100 * Validation.SWITCHES_TOLERANCE,
                    Validation.SWITCHES_FLOOR);
            return failing.isEmpty() ? head : head + "\n  not passing: " + String.join("; ", failing);
        }
    }

    /** What {@code simulate} says when it was given no validation to state. */
    public static final String NOT_CHECKED = "not checked against a validation of this machine here: "
            + "'dispatchlab validate --json FILE' measures one, --validation FILE states it with these predictions";

    /** @return what the validation document {@code validation} said */
    public static ValidationOutcome outcome(Study validation) {
        JsonNode d = validation.document();
        int n = 0;
        int pass = 0;
        List<String> failing = new ArrayList<>();
        for (JsonNode r : d.path("rows")) {
            n++;
            boolean dp = r.path("deliveredPass").asBoolean();
            boolean sp = r.path("switchesPass").asBoolean();
            if (dp && sp) {
                pass++;
                continue;
            }
            List<String> errs = new ArrayList<>();
            if (!dp) {
                errs.add("delivered " + signedPct(r.path("deliveredError").asDouble()));
            }
            if (!sp) {
                errs.add("switches " + signedPct(r.path("switchesError").asDouble()));
            }
            failing.add(r.path("model").asText() + " " + r.path("load").asText() + ": " + String.join(", ", errs));
        }
        return new ValidationOutcome(validation.name(), d.path("profile").asText("?"), n, pass, List.copyOf(failing));
    }

    private static String signedPct(double err) {
        return Double.isFinite(err) ? String.format(Locale.ROOT, "%+.1f %%", 100 * err) : "inf";
    }

    // ---- validation

    /**
     * Prints the validation table; when runs were measured again, the second measurement's errors
     * against the first (the same rules) follow each row, and a last line counts the rows that
     * reproduce themselves.
     */
    public static void printValidation(PrintStream out, List<Validation.Cell> cells) {
        boolean again = cells.stream().anyMatch(c -> c.repeat() != null);
        out.printf(Locale.ROOT, "%-9s %-15s %10s | %10s %10s %7s %-4s | %7s %7s %7s %-4s | %9s %9s%s%n", "model", "load",
                "offered", "delivered", "predicted", "error", "", "sw/pkt", "pred", "error", "", "cpu ns", "pred",
                again ? String.format(Locale.ROOT, " | %-24s", "measured again: del, sw") : "");
        int pass = 0;
        for (Validation.Cell c : cells) {
            Validation.Repeat r = c.repeat();
            out.printf(Locale.ROOT, "%-9s %-15s %10.0f | %10.0f %10.0f %6.1f%% %-4s | %7.3f %7.3f %6.1f%% %-4s | %9.0f %9.0f%s%n",
                    c.model(), c.load(), c.offeredPps(), c.measuredDelivered(), c.predictedDelivered(),
                    100 * c.deliveredError(), verdict(c.deliveredPass()), c.measuredSwitches(),
                    c.predictedSwitches(), 100 * c.switchesError(), verdict(c.switchesPass()),
                    c.measuredCpuNanos(), c.predictedCpuNanos(), r == null ? "" : String.format(Locale.ROOT,
                            " | %6.1f%% %-4s %6.1f%% %-4s", 100 * r.deliveredError(), verdict(r.deliveredPass()),
                            100 * r.switchesError(), verdict(r.switchesPass())));
            pass += c.pass() ? 1 : 0;
        }
        out.printf(Locale.ROOT, "%d of %d rows pass (delivered within %.0f%%, switches/packet within %.0f%% or %.2f)%n",
                pass, cells.size(), 100 * Validation.DELIVERED_TOLERANCE, 100 * Validation.SWITCHES_TOLERANCE,
                Validation.SWITCHES_FLOOR);
        List<Validation.Cell> moved = cells.stream().filter(Validation.Cell::cpusMoved).toList();
        if (!moved.isEmpty()) {
            out.printf(Locale.ROOT, "the CPUs moved during %d of the runs (another distance after the run than before "
                            + "it: %s); the prediction passes %d of those and %d of the other %d%n", moved.size(),
                    String.join(", ", moved.stream().map(c -> c.model() + " " + c.load()).toList()),
                    moved.stream().filter(Validation.Cell::pass).count(),
                    cells.stream().filter(c -> !c.cpusMoved() && c.pass()).count(), cells.size() - moved.size());
        }
        if (again) {
            out.println(repeatSummary(cells));
        }
    }

    /** A line of the span table: model, load, delivered measured and span, switches measured and span, passes. */
    private static final String SPAN_ROW = "%-9s %-15s | %10s %21s | %7s %15s %-44s | %s%n";

    /**
     * Prints how each row's prediction moves over the profile's estimates ({@link Validation.Span}):
     * the span of delivered rates and of switches per packet, the range ends that give the fewest and
     * the most switches, and the ends at which the row would pass; then how many failing rows pass at
     * some end and how many at none.
     */
    public static void printSpans(PrintStream out, List<Validation.Cell> cells) {
        List<Validation.Cell> spanned = cells.stream().filter(c -> c.span() != null).toList();
        if (spanned.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "the prediction with each estimated cost at either end of its range, one at a time "
                + "(%d simulations a row; not judged):%n", spanned.getFirst().span().variants());
        out.printf(Locale.ROOT, SPAN_ROW, "model", "load", "delivered", "predicted span", "sw/pkt", "predicted span",
                "(fewest at; most at)", "passes at");
        int failing = 0;
        int rescued = 0;
        for (Validation.Cell c : spanned) {
            Validation.Span s = c.span();
            List<String> at = s.passingBy();
            out.printf(Locale.ROOT, SPAN_ROW, c.model(), c.load(), String.format(Locale.ROOT, "%.0f", c.measuredDelivered()),
                    String.format(Locale.ROOT, "%.0f - %.0f", s.deliveredLow(), s.deliveredHigh()),
                    String.format(Locale.ROOT, "%.3f", c.measuredSwitches()),
                    String.format(Locale.ROOT, "%.3f - %.3f", s.switchesLow(), s.switchesHigh()),
                    s.switchesLow() == s.switchesHigh() ? "(the same at every end)"
                            : "(" + s.switchesLowBy() + "; " + s.switchesHighBy() + ")",
                    at.size() == s.variants() ? "every end" : at.isEmpty() ? "none"
                            : at.size() <= 3 ? String.join(", ", at) : at.size() + " of " + s.variants() + " ends");
            if (!c.pass()) {
                failing++;
                rescued += at.isEmpty() ? 0 : 1;
            }
        }
        out.printf(Locale.ROOT, "of the %d rows that fail, %d pass at some end of some estimate's range and %d at none "
                + "(a miss outside what the profile estimates)%n", failing, rescued, failing - rescued);
    }

    /** A line of the thread table: model, load, thread, then CPU, sleeps, preemptions and wait. */
    private static final String THREAD_ROW = "%-9s %-15s %-25s | %16s | %16s | %16s | %16s%n";

    /**
     * Prints each row's host threads, measured against predicted, per delivered packet: CPU, sleeps
     * (voluntary switches), preemptions (involuntary ones) and time waiting on the run queue; "-" where
     * a side has no such thread or figure. Where the simulation runs the wire and the card's engine as
     * threads of the device CPU (at the maximum rate), their lines follow, marked {@code (device)}. A
     * row with the card ends with a {@code (card)} line: its engine wakeups and completion interrupts
     * per request ({@link Validation.CardRow}).
     */
    public static void printThreads(PrintStream out, List<Validation.Cell> cells) {
        out.println("host threads (and, at the maximum rate, the device CPU's) per delivered packet, measured "
                + "(predicted); the card's events per request:");
        out.printf(Locale.ROOT, THREAD_ROW, "model", "load", "thread", "cpu ns", "slept", "preempted",
                "run-queue wait ns");
        for (Validation.Cell c : cells) {
            if (!Double.isNaN(c.cpuRoundTripBefore()) || !Double.isNaN(c.cpuRoundTripAfter())) {
                out.printf(Locale.ROOT, "%-9s %-15s %-25s | cache line's round trip, device to host CPU: %s ns before "
                                + "the run, %s after%n", c.model(), c.load(), "(CPUs apart)",
                        figure(c.cpuRoundTripBefore(), "%.0f"), figure(c.cpuRoundTripAfter(), "%.0f"));
            }
            for (Validation.ThreadRow t : c.threads()) {
                out.printf(Locale.ROOT, THREAD_ROW, c.model(), c.load(),
                        "device".equals(t.role()) ? "(device) " + t.name() : t.name(),
                        pair(t.measuredCpuNanos(), t.predictedCpuNanos(), "%.0f"),
                        pair(t.measuredVoluntary(), t.predictedVoluntary(), "%.3f"),
                        pair(t.measuredInvoluntary(), t.predictedInvoluntary(), "%.3f"),
                        pair(t.measuredWaitNanos(), t.predictedWaitNanos(), "%.0f"));
            }
            Validation.CardRow k = c.card();
            if (k != null) {
                out.printf(Locale.ROOT, "%-9s %-15s %-25s | per request: engine woken %s, completion interrupts %s%n",
                        c.model(), c.load(), "(card)", pair(k.measuredWakeups(), k.predictedWakeups(), "%.4f"),
                        pair(k.measuredInterrupts(), k.predictedInterrupts(), "%.4f"));
            }
        }
    }

    private static String pair(double measured, double predicted, String format) {
        return figure(measured, format) + " (" + figure(predicted, format) + ")";
    }

    private static String figure(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static String verdict(boolean pass) {
        return pass ? "ok" : "FAIL";
    }

    /** @return how many rows the measurement reproduces within the tolerances, and how many of those pass */
    static String repeatSummary(List<Validation.Cell> cells) {
        return repeatSummary(cells.stream().filter(c -> c.repeat() != null).count(),
                cells.stream().filter(Validation.Cell::repeatable).count(),
                cells.stream().filter(c -> c.repeatable() && c.pass()).count());
    }

    /** The one wording of the repeat line, for the table and the HTML report alike. */
    private static String repeatSummary(long repeated, long repeatable, long passOfThose) {
        return String.format(Locale.ROOT, "measured again at the same rates: %d of %d rows reproduce the first "
                + "measurement within the same tolerances; the prediction passes %d of those %d", repeatable, repeated,
                passOfThose, repeatable);
    }

    /** @return the validation as a JSON document */
    public static ObjectNode validationJson(List<String> args, String profile, List<Validation.Cell> cells) {
        ObjectNode d = ResultFiles.mapper().createObjectNode();
        d.put("command", "validate");
        ArrayNode a = d.putArray("arguments");
        args.forEach(a::add);
        d.put("profile", profile);
        d.put("deliveredTolerance", Validation.DELIVERED_TOLERANCE);
        d.put("switchesTolerance", Validation.SWITCHES_TOLERANCE);
        d.put("switchesFloor", Validation.SWITCHES_FLOOR);
        ArrayNode rs = d.putArray("rows");
        for (Validation.Cell c : cells) {
            rs.add(ResultFiles.mapper().valueToTree(c));
        }
        return d;
    }

    public static void writeValidation(Path file, List<String> args, String profile, List<Validation.Cell> cells)
            throws IOException {
        write(file, validationJson(args, profile, cells));
    }

    private static void write(Path file, JsonNode doc) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ResultFiles.mapper().writeValue(file.toFile(), doc);
    }

    // ---- HTML

    /** @return the HTML section for {@code studies}, empty when there are none */
    public static String html(List<Study> studies) {
        if (studies.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<section id=\"simulation\">\n<h2>Simulation</h2>\n");
        h.append("<p class=\"muted\">Predictions of the discrete-event simulator (package <code>sim</code>): the same "
                + "dispatch models on architecture profiles whose costs come from published measurements. The "
                + "validation table checks the simulator against this machine's measured runs first.</p>\n");
        for (Study s : studies) {
            JsonNode d = s.document();
            String cmd = d.path("command").asText();
            if (cmd.equals("validate")) {
                validationHtml(h, s);
            } else if (cmd.equals("simulate-answer")) {
                answerHtml(h, s);
            }
        }
        return h.append("</section>\n").toString();
    }

    private static void validationHtml(StringBuilder h, Study s) {
        JsonNode d = s.document();
        h.append("<h3>Validation: predicted against measured (").append(esc(s.name())).append(")</h3>\n");
        h.append("<p>Profile <code>").append(esc(d.path("profile").asText())).append("</code>. A delivered cell passes "
                + "within ").append(pct(d.path("deliveredTolerance").asDouble())).append(", a switches cell within ")
                .append(pct(d.path("switchesTolerance").asDouble())).append(" or ")
                .append(d.path("switchesFloor").asDouble()).append(" switches per packet.</p>\n");
        boolean again = false;
        boolean spans = false;
        for (JsonNode r : d.path("rows")) {
            again |= r.path("repeat").isObject();
            spans |= r.path("span").isObject();
        }
        h.append("<div class=\"scroll\"><table><thead><tr><th>model</th><th>load</th><th>offered pps</th>"
                + "<th>delivered, measured</th><th>predicted</th><th>error</th><th>host switches/pkt, measured</th>"
                + "<th>predicted</th><th>error</th><th>cpu ns/pkt, measured</th><th>predicted</th>")
                .append(again ? "<th>delivered, measured again</th><th>against the first</th>"
                        + "<th>switches/pkt, measured again</th><th>against the first</th>" : "")
                .append(spans ? "<th>switches/pkt over the estimates' ranges</th><th>passes at</th>" : "")
                .append("</tr></thead><tbody>\n");
        int pass = 0;
        int n = 0;
        int repeated = 0;
        int repeatable = 0;
        int passOfRepeatable = 0;
        for (JsonNode r : d.path("rows")) {
            boolean dp = r.path("deliveredPass").asBoolean();
            boolean sp = r.path("switchesPass").asBoolean();
            n++;
            pass += dp && sp ? 1 : 0;
            h.append(dp && sp ? "<tr>" : "<tr class=\"failed\">")
                    .append(td(r.path("model").asText())).append(td(r.path("load").asText()))
                    .append(num(r.path("offeredPps").asDouble(), 0)).append(num(r.path("measuredDelivered").asDouble(), 0))
                    .append(num(r.path("predictedDelivered").asDouble(), 0))
                    .append(verdict(r.path("deliveredError").asDouble(), dp))
                    .append(num(r.path("measuredSwitches").asDouble(), 3)).append(num(r.path("predictedSwitches").asDouble(), 3))
                    .append(verdict(r.path("switchesError").asDouble(), sp))
                    .append(num(r.path("measuredCpuNanos").asDouble(), 0)).append(num(r.path("predictedCpuNanos").asDouble(), 0));
            JsonNode a = r.path("repeat");
            if (again && a.isObject()) {
                boolean ad = a.path("deliveredPass").asBoolean();
                boolean as = a.path("switchesPass").asBoolean();
                repeated++;
                repeatable += ad && as ? 1 : 0;
                passOfRepeatable += ad && as && dp && sp ? 1 : 0;
                h.append(num(a.path("delivered").asDouble(), 0)).append(verdict(a.path("deliveredError").asDouble(), ad))
                        .append(num(a.path("switches").asDouble(), 3)).append(verdict(a.path("switchesError").asDouble(), as));
            } else if (again) {
                h.append("<td></td><td></td><td></td><td></td>");
            }
            JsonNode span = r.path("span");
            if (spans && span.isObject()) {
                List<String> at = new ArrayList<>();
                span.path("passingBy").forEach(x -> at.add(x.asText()));
                int variants = span.path("variants").asInt();
                h.append(td(String.format(Locale.ROOT, "%.3f - %.3f", span.path("switchesLow").asDouble(),
                                span.path("switchesHigh").asDouble())))
                        .append(td(at.size() == variants ? "every end" : at.isEmpty() ? "none"
                                : at.size() + " of " + variants + " ends (" + String.join(", ", at) + ")"));
            } else if (spans) {
                h.append("<td></td><td></td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n<p>").append(pass).append(" of ").append(n).append(" rows pass")
                .append(spans ? " (each estimated cost at either end of its range, one at a time, shows how far "
                        + "the prediction moves; a row that passes only there still fails)" : "")
                .append(again ? "; " + repeatSummary(repeated, repeatable, passOfRepeatable) : "").append(".</p>\n");
    }

    private static void answerHtml(StringBuilder h, Study s) {
        JsonNode d = s.document();
        h.append("<h3>The answer: can a threaded or puller design be about as good as classic? (")
                .append(esc(s.name())).append(")</h3>\n");
        h.append("<p>For each profile and model: the highest rate one CPU sustains (at least 99 % delivered, at "
                + "most 1 % dropped), the share of one CPU 50,000 IPsec packets/s need (above 1: more than one CPU, extrapolated from the CPU per "
                + "packet at the highest rate), host switches per packet, and whether the model reaches 90 % of "
                + "classic's highest rate. Ranges: each ranged cost of the profile set to the ends of its range, one "
                + "at a time. Payloads ").append(esc(d.path("sizes").asText())).append(" bytes, crypto driver ")
                .append(esc(d.path("crypto").asText())).append(".</p>\n");
        JsonNode v = d.path("validation");
        if (v.isObject()) {
            int rows = v.path("rows").asInt();
            int pass = v.path("pass").asInt();
            String count = pass + " of " + rows + " rows pass";
            List<String> notPassing = new ArrayList<>();
            v.path("notPassing").forEach(x -> notPassing.add(x.asText()));
            h.append("<p>Checked first against this machine (").append(esc(v.path("file").asText()))
                    .append(", profile <code>").append(esc(v.path("profile").asText())).append("</code>): ")
                    .append(pass == rows ? count : "<strong>" + count + "</strong>")
                    .append(notPassing.isEmpty() ? "." : "; not passing: " + esc(String.join("; ", notPassing)) + ".")
                    .append("</p>\n");
        } else {
            h.append("<p class=\"muted\">This answer was given without a validation of this machine to state beside "
                    + "it.</p>\n");
        }
        h.append("<div class=\"scroll\"><table><thead><tr><th>profile</th><th>model</th><th>max pps per CPU</th>"
                + "<th>range</th><th>CPU for 50k pps</th><th>range</th><th>switches/pkt</th><th>as good as classic</th>"
                + "</tr></thead><tbody>\n");
        for (JsonNode r : d.path("rows")) {
            JsonNode g = r.path("range");
            h.append("<tr>").append(td(r.path("profile").asText())).append(td(r.path("model").asText()))
                    .append(num(r.path("maxRatePps").asDouble(), 0))
                    .append(td(pps(g.path("maxRateLow").asDouble()) + " – " + pps(g.path("maxRateHigh").asDouble())))
                    .append(td(share(r.path("cpuShareFor50k").asDouble(Double.POSITIVE_INFINITY),
                            r.path("cpuShareExtrapolated").asBoolean())))
                    .append(td(share(g.path("cpuShareLow").asDouble(Double.POSITIVE_INFINITY), false) + " – "
                            + share(g.path("cpuShareHigh").asDouble(Double.POSITIVE_INFINITY), false)))
                    .append(r.path("switchesPerPacket").isNumber() ? num(r.path("switchesPerPacket").asDouble(), 2) : td("-"))
                    .append(td((r.path("aboutAsGoodAsClassic").asBoolean() ? "yes" : "no") + " ("
                            + r.path("aboutAsGoodRange").asText() + ")"))
                    .append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
    }

    private static String verdict(double err, boolean pass) {
        String e = Double.isFinite(err) ? String.format(Locale.ROOT, "%+.1f%%", 100 * err) : "inf";
        return "<td class=\"n " + (pass ? "good" : "bad") + "\">" + e + (pass ? " ok" : " FAIL") + "</td>";
    }

    private static String td(String s) {
        return "<td>" + esc(s) + "</td>";
    }

    private static String num(double v, int decimals) {
        return "<td class=\"n\">" + String.format(Locale.ROOT, "%,." + decimals + "f", v) + "</td>";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** @return a rate as people write it */
    static String pps(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String share(double v, boolean extrapolated) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        return v >= 1 ? String.format(Locale.ROOT, "%.1f CPUs%s", v, extrapolated ? "*" : "")
                : String.format(Locale.ROOT, "%.0f%%%s", 100 * v, extrapolated ? "*" : "");
    }
}
