package dev.dispatchlab.cli;

import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.report.ChartFiles;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code sweep}: the livelock curve. Every model at every offered rate, on one workload built once.
 *
 * <h2>The rates</h2>
 * By default ({@code --rates auto}) each model's ladder is its own: a short probe at maximum rate
 * finds the model's saturation rate S (or {@code --saturation} gives it), and the model is then run at
 * {@link #AUTO_FACTORS} times S, from a tenth of it to three times it, so every curve shows the
 * knee and what lies past it. Models run one after another, each ladder lowest first. With an
 * explicit {@code --rates} list every model runs at the same rates, rate by rate (all models at the
 * lowest rate, then the next), so that each rate's table is printed as soon as it is complete.
 *
 * <p>The JSON document is rewritten after every run, so what was measured survives a sweep that is
 * stopped or crashes. A run that fails its checks stays in the document, marked, and the sweep goes
 * on; the command exits with status 1 at the end, after the JSON, charts and HTML are written.
 * Progress goes to standard error: a bar with an estimate of the time left on a terminal, one line
 * per run otherwise.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs dispatch models (default: all) across offered rates on the same workload and prints "
                + "a table per rate and the livelock curve (delivered against offered).",
                "Example: dispatchlab sweep --warmup 200ms --measure 500ms --json results/sweep.json "
                        + "--html results/sweep.html --charts results/charts",
                "         dispatchlab sweep --models push,puller --rates 5k,20k,50k,100k,max --size 1400"})
public final class SweepCommand implements Callable<Integer> {

    /**
     * The ladder for an explicit list's examples and for a model whose probe delivered nothing: from
     * a rate every design handles on one host CPU up past what a 2-CPU machine's wire can place,
     * then saturation.
     */
    static final String DEFAULT_RATES = "5000,20000,50000,100000,200000,max";

    /** Multiples of a model's saturation rate that {@code --rates auto} runs it at. */
    static final double[] AUTO_FACTORS = {0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0};

    /** The probe that finds a model's saturation rate: short, since only its delivered rate is used. */
    static final Duration PROBE_WARMUP = Duration.ofMillis(300);
    static final Duration PROBE_MEASURE = Duration.ofMillis(500);

    /**
     * What a run costs beside its warm-up and measured interval (building, draining, a collection),
     * for the time estimate; measured about 0.5-0.8 s here.
     */
    static final double RUN_OVERHEAD_SECONDS = 0.8;

    @Option(names = "--models", defaultValue = "push,ithread,puller,kcont,vthread,busypoll", split = ",",
            paramLabel = "LIST", description = "models to run at each rate, in order (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--rates", defaultValue = "auto", paramLabel = "LIST",
            description = "'auto' (each model from 0.1x to 3x its saturation rate, found by a short probe), or "
                    + "offered rates in packets/s (5000, 20k, 1.5M) and 'max' for saturation, comma-separated; "
                    + "run lowest first (default: ${DEFAULT-VALUE})")
    String rates;

    @Option(names = "--saturation", paramLabel = "PPS",
            description = "with --rates auto: the saturation rate to build every ladder on, instead of probing")
    String saturation;

    @Option(names = "--json", paramLabel = "FILE", description = "write every run, with every setting, as JSON "
            + "(rewritten after each rate)")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "write the HTML report (livelock curve, tables, charts; one self-contained file)")
    Path html;

    @Option(names = "--no-baseline", description = "skip the bare-cipher baseline")
    boolean noBaseline;

    @Option(names = "--charts", paramLabel = "DIR",
            description = "write the charts (livelock, p99, switches, wakeups and CPU per packet against offered) "
                    + "as PNG and SVG files in DIR")
    Path charts;

    @Mixin
    RunOptions options;

    @Mixin
    HdrLogOption hdrLog;

    @Spec
    CommandSpec command;

    /** Measures one run; the runner, or in tests a stand-in that can make a run fail its checks. */
    @FunctionalInterface
    interface Measure {
        RunResult run(RunSpec spec, TrafficSet traffic) throws InterruptedException;
    }

    /** True while a saturation probe runs (it writes no HdrHistogram log). */
    private boolean probing;

    Measure runner = (spec, traffic) -> {
        Runner r = this.probing ? new Runner() : hdrLog.runner(spec, HdrLogOption.name(spec), "sweep");
        return traffic == null ? r.runSockets(spec) : r.run(spec, traffic);
    };

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
        boolean auto = rates.strip().equalsIgnoreCase("auto");
        double[] ladder = auto ? null : parseRates("--rates", rates);
        double given = 0;
        if (saturation != null) {
            if (!auto) {
                throw new UsageException("--saturation: only with --rates auto (the ladder is built on it)");
            }
            given = rate("--saturation", saturation.strip());
            if (given >= RunSpec.MAX_RATE) {
                throw new UsageException("--saturation: give a rate in packets/s, not 'max'");
            }
        }
        Workload w = options.workload();
        RunSpec base = options.spec(chosen.getFirst(), w);
        Models.prepareVirtualThreads(base.placement());
        System.err.println("building " + w.describe() + " ...");
        TrafficSet traffic = options.socketSource() ? null : TrafficSet.build(w);
        List<String> args = command.commandLine().getParseResult().originalArgs();
        List<RunResult> results = new ArrayList<>();
        List<ResultFiles.Baseline> baselines = new ArrayList<>();
        double perRun = base.warmup().toMillis() / 1e3 + base.measure().toMillis() / 1e3 + RUN_OVERHEAD_SECONDS;
        int points = auto ? AUTO_FACTORS.length : ladder.length;
        int probes = auto && given == 0 ? chosen.size() : 0;
        int total = points * chosen.size() + probes;
        double probeSeconds = (PROBE_WARMUP.toMillis() + PROBE_MEASURE.toMillis()) / 1e3 + RUN_OVERHEAD_SECONDS;
        double estimate = points * chosen.size() * perRun + probes * probeSeconds;
        java.io.PrintWriter err = command.commandLine().getErr();
        err.printf(Locale.ROOT, "sweep: %d runs%s, about %s%n", points * chosen.size(),
                probes > 0 ? " and " + probes + " saturation probes" : "", Progress.duration(estimate));
        err.flush();
        Progress progress = new Progress(err, Progress.stderrIsTerminal(), total, estimate / Math.max(1, total));
        if (!auto) {
            for (double rate : ladder) {
                List<RunResult> step = new ArrayList<>();
                for (DispatchModel m : chosen) {
                    RunSpec spec = base.withModel(m).withRate(rate);
                    progress.step("offered " + SweepTable.rateLabel(rate) + ": " + m.label() + " ("
                            + spec.effectiveCrypto().label() + " crypto)");
                    RunResult r = runner.run(spec, traffic);
                    progress.stepDone();
                    step.add(r);
                    results.add(r);
                }
                progress.clear();
                if (results.size() == step.size()) {
                    SweepTable.printHeader(System.out, step.getFirst());
                }
                SweepTable.printStep(System.out, rate, step);
                System.out.flush();
                if (json != null) {
                    write(args, results, baselines);
                }
            }
        } else {
            for (DispatchModel m : chosen) {
                double sat = given;
                if (sat == 0) {
                    progress.step(m.label() + ": probing its saturation rate");
                    probing = true;
                    RunResult probe;
                    try {
                        probe = runner.run(base.withModel(m).withRate(RunSpec.MAX_RATE)
                                .withTimes(PROBE_WARMUP, PROBE_MEASURE), traffic);
                    } finally {
                        probing = false;
                    }
                    progress.stepDone();
                    sat = probe.checks().passed() ? probe.deliveredPps() : 0;
                }
                double[] own = sat >= 1 ? autoLadder(sat) : parseRates("--rates", DEFAULT_RATES);
                progress.clear();
                err.printf(Locale.ROOT, "%s: saturation %s, ladder %s%n", m.label(),
                        sat >= 1 ? SweepTable.rateLabel(sat) + " pps" : "not found (the probe delivered nothing)",
                        ladderLabel(own));
                err.flush();
                for (double rate : own) {
                    RunSpec spec = base.withModel(m).withRate(rate);
                    progress.step(m.label() + " at " + SweepTable.rateLabel(rate) + " ("
                            + spec.effectiveCrypto().label() + " crypto)");
                    RunResult r = runner.run(spec, traffic);
                    progress.stepDone();
                    results.add(r);
                    progress.clear();
                    if (results.size() == 1) {
                        SweepTable.printHeader(System.out, r);
                    }
                    SweepTable.printStep(System.out, rate, List.of(r));
                    System.out.flush();
                    if (json != null) {
                        write(args, results, baselines);
                    }
                }
            }
        }
        progress.finish();
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
        if (charts != null) {
            List<Path> files = ChartFiles.writeSweep(charts, results, baselines);
            System.out.println("wrote " + files.size() + " chart files (PNG and SVG) in " + charts);
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

    /**
     * @return {@link #AUTO_FACTORS} times {@code saturation}, each rounded to three significant
     *         digits, lowest first, without repeats
     */
    static double[] autoLadder(double saturation) {
        java.util.TreeSet<Double> out = new java.util.TreeSet<>();
        for (double f : AUTO_FACTORS) {
            double r = f * saturation;
            double scale = Math.pow(10, Math.max(0, Math.floor(Math.log10(r)) - 2));
            out.add(Math.max(1, Math.round(r / scale) * scale));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String ladderLabel(double[] ladder) {
        StringBuilder b = new StringBuilder();
        for (double r : ladder) {
            b.append(b.isEmpty() ? "" : ",").append(SweepTable.rateLabel(r));
        }
        return b.toString();
    }

    static double rate(String flag, String word) {
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
