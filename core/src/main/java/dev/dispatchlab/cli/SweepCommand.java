package dev.dispatchlab.cli;

import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.report.HtmlReport;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.SweepTable;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.run.Runner;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code sweep}: the livelock curve. Every model at every offered rate, on one workload built once,
 * rate by rate (all models at the lowest rate, then the next), so that each rate's table can be
 * printed as soon as it is complete and a long sweep cut short still has whole rates.
 *
 * <p>The JSON document is rewritten after every rate, so what was measured survives a sweep that
 * is stopped or crashes. A run that fails its checks stays in the document, marked, and the sweep
 * goes on; the command exits with status 1 at the end, after the JSON and HTML are written.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs dispatch models (default: all) across offered rates on the same workload and prints "
                + "a table per rate and the livelock curve (delivered against offered).",
                "Example: dispatchlab sweep --warmup 200ms --measure 500ms --json results/sweep.json "
                        + "--html results/sweep.html",
                "         dispatchlab sweep --models push,puller --rates 5k,20k,50k,100k,max --size 1400"})
public final class SweepCommand implements Callable<Integer> {

    /**
     * The default ladder: from a rate every design handles on one host CPU up past what a 2-CPU
     * machine's wire can place, then saturation. Six rates times six models at the short intervals
     * of the example take about a minute; at the default intervals, three to four.
     */
    static final String DEFAULT_RATES = "5000,20000,50000,100000,200000,max";

    @Option(names = "--models", defaultValue = "push,ithread,puller,kcont,vthread,busypoll", split = ",",
            paramLabel = "LIST", description = "models to run at each rate, in order (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--rates", defaultValue = DEFAULT_RATES, paramLabel = "LIST",
            description = "offered rates in packets/s (5000, 20k, 1.5M) and 'max' for saturation, comma-separated; "
                    + "run lowest first (default: ${DEFAULT-VALUE})")
    String rates;

    @Option(names = "--json", paramLabel = "FILE", description = "write every run, with every setting, as JSON "
            + "(rewritten after each rate)")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "write the HTML report (livelock curve, tables, charts; one self-contained file)")
    Path html;

    @Option(names = "--no-baseline", description = "skip the bare-cipher baseline")
    boolean noBaseline;

    @Mixin
    RunOptions options;

    @Spec
    CommandSpec command;

    /** Measures one run; the runner, or in tests a stand-in that can make a run fail its checks. */
    @FunctionalInterface
    interface Measure {
        RunResult run(RunSpec spec, TrafficSet traffic) throws InterruptedException;
    }

    Measure runner = (spec, traffic) -> traffic == null ? new Runner().runSockets(spec) : new Runner().run(spec, traffic);

    @Override
    public Integer call() throws Exception {
        if (command.commandLine().getParseResult().hasMatchedOption("--rate")) {
            throw new UsageException("--rate: a sweep offers several rates; give them with --rates (e.g. --rates "
                    + DEFAULT_RATES + ")");
        }
        List<DispatchModel> chosen = Models.parse("--models", models);
        Set<DispatchModel> distinct = new HashSet<>(chosen);
        if (distinct.size() != chosen.size()) {
            throw new UsageException("--models: each model once in a sweep (one line per model on the curve); got "
                    + String.join(",", models));
        }
        double[] ladder = parseRates("--rates", rates);
        Workload w = options.workload();
        RunSpec base = options.spec(chosen.getFirst(), w);
        Models.prepareVirtualThreads(base.placement());
        System.err.println("building " + w.describe() + " ...");
        TrafficSet traffic = options.socketSource() ? null : TrafficSet.build(w);
        List<String> args = command.commandLine().getParseResult().originalArgs();
        List<RunResult> results = new ArrayList<>();
        List<ResultFiles.Baseline> baselines = new ArrayList<>();
        int total = ladder.length * chosen.size();
        for (double rate : ladder) {
            List<RunResult> step = new ArrayList<>();
            for (DispatchModel m : chosen) {
                RunSpec spec = base.withModel(m).withRate(rate);
                System.err.printf(Locale.ROOT, "[%d/%d] offered %s: running %-9s (%s crypto) ...%n",
                        results.size() + 1, total, SweepTable.rateLabel(rate), m.label(), spec.effectiveCrypto().label());
                RunResult r = runner.run(spec, traffic);
                step.add(r);
                results.add(r);
            }
            if (results.size() == step.size()) {
                SweepTable.printHeader(System.out, step.getFirst());
            }
            SweepTable.printStep(System.out, rate, step);
            System.out.flush();
            if (json != null) {
                write(args, results, baselines);
            }
        }
        if (!noBaseline) {
            // about as long as one measured interval, at most a second: the rate does not depend on the load
            long millis = Math.clamp(base.measure().toMillis(), 200, 1000);
            System.err.println("measuring the bare cipher ...");
            baselines.add(Baselines.bareCipher(base, w, millis));
        }
        SweepTable.printCurve(System.out, results, baselines);
        ResultFiles.Document doc = new ResultFiles.Document("sweep", args, results, baselines);
        if (json != null) {
            write(args, results, baselines);
            System.out.println("wrote " + json);
        }
        if (html != null) {
            HtmlReport.write(html, List.of(new HtmlReport.Source(json != null ? json.getFileName().toString()
                    : "this sweep", doc)));
            System.out.println("wrote " + html);
        }
        List<String> failed = new ArrayList<>();
        for (RunResult r : results) {
            if (!r.checks().passed()) {
                failed.add(r.model() + " @ " + SweepTable.rateLabel(SweepTable.nominalRate(r)));
            }
        }
        if (!failed.isEmpty()) {
            throw new RunFailedException(failed.size() + " of " + results.size() + " runs failed their checks ("
                    + String.join(", ", failed) + "; see above); their figures are not results");
        }
        return 0;
    }

    private void write(List<String> args, List<RunResult> results, List<ResultFiles.Baseline> baselines)
            throws IOException {
        ResultFiles.write(json, new ResultFiles.Document("sweep", args, List.copyOf(results), List.copyOf(baselines)));
    }

    /**
     * Parses a rate ladder: packets per second as plain numbers or with a k or M suffix, and 'max'
     * for saturation ({@link RunSpec#MAX_RATE}); returned lowest first, so the curve is walked
     * upwards as load is in a real overload.
     *
     * @throws UsageException naming {@code flag} for an empty list, a word that is not a rate, a
     *                        rate out of range or a rate given twice
     */
    static double[] parseRates(String flag, String text) {
        if (text == null || text.isBlank()) {
            throw new UsageException(flag + ": give at least one rate, e.g. " + DEFAULT_RATES);
        }
        String[] words = text.split(",", -1);
        double[] out = new double[words.length];
        for (int i = 0; i < words.length; i++) {
            String word = words[i].strip();
            out[i] = rate(flag, word);
            for (int j = 0; j < i; j++) {
                if (out[j] == out[i]) {
                    throw new UsageException(flag + ": rate '" + word + "' is given twice");
                }
            }
        }
        java.util.Arrays.sort(out);
        return out;
    }

    private static double rate(String flag, String word) {
        if (word.equalsIgnoreCase("max")) {
            return RunSpec.MAX_RATE;
        }
        String number = word.replace("_", "");
        double scale = 1;
        if (number.endsWith("k") || number.endsWith("K")) {
            scale = 1e3;
            number = number.substring(0, number.length() - 1);
        } else if (number.endsWith("M")) {
            scale = 1e6;
            number = number.substring(0, number.length() - 1);
        }
        double pps;
        try {
            if (!number.matches("\\d+(\\.\\d+)?")) {
                throw new NumberFormatException(number);
            }
            pps = Double.parseDouble(number) * scale;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + ": '" + word + "' is not a rate (packets per second such as 5000, 20k "
                    + "or 1.5M, or 'max')");
        }
        if (!(pps >= 1) || pps >= RunSpec.MAX_RATE) {
            throw new UsageException(flag + ": '" + word + "' is out of range: at least 1 and below 1e9 packets/s, "
                    + "or 'max'");
        }
        return pps;
    }
}
