package dev.dispatchlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.report.BadResultFileException;
import dev.dispatchlab.report.Environment;
import dev.dispatchlab.report.HtmlReport;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.SimulationSection;
import dev.dispatchlab.run.Calibration;
import dev.dispatchlab.run.CpuDistance;
import dev.dispatchlab.run.Placement;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.run.Runner;
import dev.dispatchlab.sim.SimResult;
import dev.dispatchlab.sim.SimResults;
import dev.dispatchlab.sim.SimRunner;
import dev.dispatchlab.sim.SimSpec;
import dev.dispatchlab.sim.profile.CalibratedProfile;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.sim.profile.ProfileException;
import dev.dispatchlab.sim.study.Validation;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code validate}: the simulator with this machine's calibrated profile against the runtime's
 * measurements, every model at three loads (low, near saturation, overload); prints predicted
 * against measured and whether each cell is within tolerance. Calibration and measurements are taken
 * in this process unless given as files.
 *
 * <p>With {@code --repeat}, every run is measured a second time, at the same offered rate, once all
 * models have had their first runs (minutes later, as a prediction is compared minutes after the
 * calibration), and the table says beside each verdict whether the measurement reproduces itself
 * within the same tolerances: the finest a prediction can be judged on this machine.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks the simulator against this machine: calibrates (or reads --calibration), measures every "
                + "model at a low load, near saturation and in overload with compare's runner (or reads --measured "
                + "compare/sweep JSON), simulates the same runs with the calibrated profile and prints predicted "
                + "against measured.",
                "Example: dispatchlab validate --repeat --json results/validation.json",
                "         dispatchlab validate --calibration results/calibration.json --measured results/low.json "
                        + "results/near.json results/over.json"})
public final class ValidateCommand implements Callable<Integer> {

    /** The low load: every design handles it on one CPU. */
    static final double LOW_RATE = 5000;
    /** Near saturation: this share of what the model delivered in overload. */
    static final double NEAR_SHARE = 0.9;

    @Option(names = "--calibration", paramLabel = "FILE", description = "calibrate's JSON (default: calibrate now)")
    Path calibration;

    @Option(names = "--measured", arity = "1..*", paramLabel = "FILE",
            description = "compare or sweep JSON of the runtime (default: measure now)")
    List<Path> measured = new ArrayList<>();

    @Option(names = "--measured-again", arity = "1..*", paramLabel = "FILE",
            description = "with --measured: the same runs measured again (compare, sweep or run JSON), each model's "
                    + "runs at the same rates, to judge how well the measurement reproduces itself")
    List<Path> measuredAgain = new ArrayList<>();

    @Option(names = "--distance-tries", defaultValue = "3", paramLabel = "N",
            description = "when measuring here: take a run up to N times until the device and host CPUs were as far "
                    + "apart before and after it as around the calibration's in-place trials (within a factor of "
                    + "1.6); on a virtual machine the distance moves, and every frame pays it. The in-place check "
                    + "before a run (--path-per-run) that met them at another distance than the run is timed again "
                    + "after it, up to N-1 times, until one met them where the run did. 1 takes every run and "
                    + "check as it comes (default: ${DEFAULT-VALUE})")
    int distanceTries;

    @Option(names = "--path-per-run", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "predict each run on the calibration with the in-place path, receive, card and wire (calibrate's "
            + "inPlace.pathNanos, rxNanos, the card's beside-the-wire and refusing figures, wireFrameNanos) as timed just before "
            + "that run: validate times them before every run it measures (in the runs' JSON, wire.inPlaceCheck); on "
            + "a virtual machine they move within a day by a factor of two at one CPU distance. A run without them "
            + "is predicted with the calibration's; --no-path-per-run predicts every run so (default: on)")
    boolean pathPerRun;

    @Option(names = "--repeat", description = "measure every run a second time at the same rate, after all models' "
            + "first runs, and show whether the measurement reproduces itself within the tolerances")
    boolean repeat;

    @Option(names = "--models", defaultValue = "push,ithread,puller,kcont,vthread,busypoll", split = ",",
            paramLabel = "LIST", description = "models to measure (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--sched-trace", paramLabel = "DIR", description = "write each row's simulated scheduler events"
            + " (the first --sched-trace-for of its measured interval) to DIR/MODEL-LOAD.trace in the kernel's tracefs"
            + " text, for 'sched-trace' to read beside a real run's ('run --sched-trace')")
    Path schedTrace;

    @Mixin
    SchedTraceFor schedTraceFor;

    @Option(names = "--sim-seconds", defaultValue = "1", paramLabel = "S",
            description = "simulated interval per prediction, seconds (default: ${DEFAULT-VALUE})")
    double simSeconds;

    @Option(names = "--threads", description = "also print each row's host threads, measured against predicted, per "
            + "delivered packet: CPU, sleeps and preemptions, and with the card its engine wakeups and completion "
            + "interrupts per request (the JSON always has them)")
    boolean threads;

    @Option(names = "--json", paramLabel = "FILE", description = "write the table (and the calibrated profile's name) as JSON")
    Path json;

    @Option(names = "--measured-out", paramLabel = "FILE", description = "write the runs measured here as a compare JSON")
    Path measuredOut;

    @Option(names = "--again-out", paramLabel = "FILE", description = "with --repeat: write the second runs as a compare JSON")
    Path againOut;

    @Option(names = "--ranges", description = "also predict each row with every estimated cost of the calibrated "
            + "profile at either end of its range, one at a time, and show how far the prediction moves and at which "
            + "ends the row would pass (not judged: a row still passes or fails on the calibrated prediction)")
    boolean ranges;

    @Option(names = "--predicted-out", paramLabel = "FILE", description = "write each row's prediction as a simulated "
            + "run, in the measured runs' order, as a compare JSON (drops by reason, latency, threads), for 'report' "
            + "to set beside --measured-out")
    Path predictedOut;

    @Option(names = "--html", paramLabel = "FILE", description = "write the HTML report with the validation table")
    Path html;

    @Mixin
    RunOptions options;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (!(simSeconds > 0) || simSeconds > 60) {
            throw new UsageException("--sim-seconds: above 0 and at most 60");
        }
        if (repeat && !measured.isEmpty()) {
            throw new UsageException("--repeat: only when measuring here; with --measured give --measured-again");
        }
        if (!measuredAgain.isEmpty() && measured.isEmpty()) {
            throw new UsageException("--measured-again: only with --measured");
        }
        if (againOut != null && !repeat) {
            throw new UsageException("--again-out: only with --repeat");
        }
        if (distanceTries < 1) {
            throw new UsageException("--distance-tries: at least 1, got " + distanceTries);
        }
        schedTraceFor.duration(); // a bad window is a usage error before anything is measured
        if (schedTrace != null) {
            try {
                Files.createDirectories(schedTrace);
            } catch (IOException e) {
                throw new UsageException("--sched-trace: cannot make directory " + schedTrace + ": " + e.getMessage());
            }
        }
        Profile profile = profile();
        List<RunResult> runs = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        List<RunResult> again = new ArrayList<>();
        if (measured.isEmpty()) {
            measure(runs, loads, again);
        } else {
            read(runs, loads, again);
        }
        List<RunResult> predicted = new ArrayList<>();
        Validation.Simulator simulator = schedTrace == null ? Validation.Simulator.UNTRACED : this::traced;
        List<Validation.Cell> cells = Validation.validate(runs, loads, again.isEmpty() ? null : again,
                pathPerRun ? r -> profileOfRun(r, profile, calibrationTree) : r -> profile, simSeconds,
                (model, load, spec) -> {
                    SimResult p = simulator.run(model, load, spec);
                    predicted.add(SimResults.toRunResult(p));
                    return p;
                }, ranges ? Math.max(1, Runtime.getRuntime().availableProcessors()) : 0);
        if (cells.isEmpty()) {
            throw new UsageException("--measured: no run of a runtime model to validate against");
        }
        System.out.println("profile " + profile.name() + " (" + profile.origin() + ")");
        if (pathPerRun) {
            List<Map<?, ?>> checks = runs.stream().map(ValidateCommand::inPlaceCheck).filter(Objects::nonNull).toList();
            long checked = checks.size();
            long card = checks.stream().filter(c -> c.get("offloadRefusingNanosPerRequest") != null).count();
            long wire = checks.stream().filter(c -> c.get("wireFrameNanos") != null).count();
            System.out.printf(Locale.ROOT, "--path-per-run: %d of %d runs predicted with the in-place path and receive "
                    + "timed just before them (%d with the card too, %d with the wire's speed), the others with the "
                    + "calibration's%n", checked, runs.size(), card, wire);
        }
        if (calibrationApart != null && calibrationApart.has("cpuRoundTripNanos")) {
            System.out.printf(Locale.ROOT, "the calibration's in-place trials met the device and host CPUs %.0f ns apart "
                            + "(a cache line's round trip; %.0f to %.0f): a run that met them nearer or farther ran on a faster or slower machine%n",
                    calibrationApart.path("cpuRoundTripNanos").asDouble(),
                    calibrationApart.path("cpuRoundTripNanosMin").asDouble(),
                    calibrationApart.path("cpuRoundTripNanosMax").asDouble());
        }
        SimulationSection.printValidation(System.out, cells);
        if (runsRetaken > 0 || runsUnmatched > 0) {
            System.out.printf(Locale.ROOT, "runs measured here: %d; taken again because the CPUs had moved since the "
                    + "calibration: %d, of which %d met them at its distance in none of %d tries (the last kept)%n",
                    runsTaken, runsRetaken, runsUnmatched, distanceTries);
        }
        if (checksRetaken > 0) {
            System.out.printf(Locale.ROOT, "in-place checks timed again after their run because they met the CPUs at "
                    + "another distance than the run: %d, of which %d met them at the run's in none of %d tries "
                    + "(the one before the run kept)%n", checksRetaken, checksUnmatched, distanceTries - 1);
        }
        if (ranges) {
            SimulationSection.printSpans(System.out, cells);
        }
        if (threads) {
            SimulationSection.printThreads(System.out, cells);
        }
        write("--predicted-out", predictedOut, predicted);
        List<String> args = command.commandLine().getParseResult().originalArgs();
        if (json != null) {
            SimulationSection.writeValidation(json, args, profile.name(), cells);
            System.out.println("wrote " + json);
        }
        if (html != null) {
            HtmlReport.write(html, measuredOut != null || !runs.isEmpty()
                            ? List.of(new HtmlReport.Source("measured", new ResultFiles.Document("compare", args, runs, List.of())))
                            : List.of(),
                    List.of(new SimulationSection.Study("validation", SimulationSection.validationJson(args,
                            profile.name(), cells))));
            System.out.println("wrote " + html);
        }
        return 0;
    }

    /** The calibration's in-place figures, for the CPUs' distance its trials met (missing in older files). */
    private JsonNode calibrationApart;
    /** The whole calibration, for --path-per-run. */
    private JsonNode calibrationTree;
    /** Where a run measured here keeps the in-place path and receive timed just before it. */
    static final String IN_PLACE_CHECK = "inPlaceCheck";

    /**
     * @return {@code profile}, or, for a run whose in-place path and receive were timed just before it,
     *         the calibration {@code calibrationTree} with those figures (and their CPU distance), and the
     *         card's where the check has them, in place of its own
     */
    static Profile profileOfRun(RunResult r, Profile profile, JsonNode calibrationTree) {
        Map<?, ?> check = inPlaceCheck(r);
        if (calibrationTree == null || check == null || !(check.get("pathNanos") instanceof Number)
                || !(check.get("rxNanos") instanceof Number)) {
            return profile;
        }
        ObjectNode tree = calibrationTree.deepCopy();
        ObjectNode in = tree.get("inPlace") instanceof ObjectNode o ? o : tree.putObject("inPlace");
        for (Map.Entry<?, ?> e : check.entrySet()) {
            // the check's figures go under calibrate's own keys; the payload is the run's, which the check's
            // frames carried
            if (e.getKey() instanceof String k && e.getValue() instanceof Number v && !k.startsWith("cpuRoundTrip")) {
                if (k.equals("payloadBytes")) {
                    in.put(k, v.intValue());
                } else {
                    in.put(k, v.doubleValue());
                }
            }
        }
        if (check.get("cpuRoundTripNanosBefore") instanceof Number b) {
            in.put("cpuRoundTripNanos", b.doubleValue());
        }
        try {
            return CalibratedProfile.from(tree, profile.origin() + ", path and receive timed before the run");
        } catch (ProfileException e) {
            throw new UsageException("--path-per-run: " + e.getMessage());
        }
    }

    /** Simulates one row writing its scheduler events to {@code --sched-trace}'s directory. */
    private SimResult traced(String model, String load, SimSpec spec) throws IOException {
        Path file = schedTrace.resolve(model + "-" + load.replace(' ', '-') + ".trace");
        return SimRunner.runTraced(spec, file, schedTraceFor.duration().toNanos()).result();
    }

    /** @return the in-place check timed before {@code r} ({@link #IN_PLACE_CHECK}), or null */
    private static Map<?, ?> inPlaceCheck(RunResult r) {
        return r.wire() != null && r.wire().get(IN_PLACE_CHECK) instanceof Map<?, ?> check ? check : null;
    }

    private Profile profile() throws Exception {
        try {
            if (calibration != null) {
                Profile p = CalibratedProfile.fromFile(calibration);
                calibrationTree = ResultFiles.mapper().readTree(calibration.toFile());
                calibrationApart = calibrationTree.path("inPlace");
                return p;
            }
            CipherSuite s = CipherSuite.parse(options.suite);
            if (s == null) {
                throw new UsageException("--suite: unknown suite '" + options.suite + "'");
            }
            System.err.println("calibrating (about a minute) ...");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("environment", Environment.current());
            doc.putAll(Calibration.measure(Placement.defaults(), s));
            JsonNode tree = ResultFiles.mapper().valueToTree(doc);
            calibrationTree = tree;
            calibrationApart = tree.path("inPlace");
            return CalibratedProfile.from(tree, "calibration (this process)");
        } catch (ProfileException e) {
            throw new UsageException("--calibration: " + e.getMessage());
        }
    }

    private void read(List<RunResult> runs, List<String> loads, List<RunResult> again) {
        Map<String, List<RunResult>> byModel = byModel("--measured", measured);
        Map<String, List<RunResult>> againByModel = byModel("--measured-again", measuredAgain);
        for (Map.Entry<String, List<RunResult>> e : byModel.entrySet()) {
            List<RunResult> rs = e.getValue();
            List<RunResult> as = againByModel.get(e.getKey());
            if (!measuredAgain.isEmpty() && (as == null || as.size() != rs.size())) {
                throw new UsageException("--measured-again: " + e.getKey() + " has " + rs.size() + " runs in --measured but "
                        + (as == null ? 0 : as.size()) + " measured again; give the same runs");
            }
            for (int i = 0; i < rs.size(); i++) {
                runs.add(rs.get(i));
                loads.add(loadLabel(i, rs.size()));
                if (as != null) {
                    again.add(as.get(i));
                }
            }
        }
    }

    /** @return the runs of {@code files} by model, each model's lowest offered rate first */
    private static Map<String, List<RunResult>> byModel(String flag, List<Path> files) {
        Map<String, List<RunResult>> byModel = new LinkedHashMap<>();
        for (Path f : files) {
            ResultFiles.Document d;
            try {
                d = ResultFiles.load(f);
            } catch (BadResultFileException e) {
                throw new UsageException(flag + ": " + e.getMessage());
            }
            for (RunResult r : d.runs()) {
                if (r.settings() != null && Boolean.TRUE.equals(r.settings().get("simulated"))) {
                    throw new UsageException(flag + ": " + f + " holds simulated runs, not measurements");
                }
                byModel.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r);
            }
        }
        byModel.values().forEach(rs -> rs.sort(Comparator.comparingDouble(RunResult::offeredPps)));
        return byModel;
    }

    /** @return the load label of the i-th lowest of n runs of one model */
    static String loadLabel(int i, int n) {
        if (n == 3) {
            return List.of("low", "near saturation", "overload").get(i);
        }
        if (i == 0) {
            return "low";
        }
        return i == n - 1 ? "overload" : "load " + (i + 1) + " of " + n;
    }

    private void measure(List<RunResult> runs, List<String> loads, List<RunResult> again) throws Exception {
        List<DispatchModel> chosen = Models.parse("--models", models);
        Workload w = options.workload();
        RunSpec base = options.spec(chosen.getFirst(), w);
        Models.prepareVirtualThreads(base.placement());
        System.err.println("building " + w.describe() + " ...");
        TrafficSet traffic = TrafficSet.build(w);
        List<List<RunSpec>> specsByModel = new ArrayList<>(); // each model's runs, in the order of runs
        for (DispatchModel m : chosen) {
            RunSpec spec = base.withModel(m);
            System.err.printf("measuring %-9s at 5k, max, then near saturation ...%n", m.label());
            RunResult low = measuredAtDistance(spec.withRate(LOW_RATE), traffic);
            RunResult over = measuredAtDistance(spec.withRate(RunSpec.MAX_RATE), traffic);
            double near = Math.max(LOW_RATE * 2, NEAR_SHARE * over.deliveredPps());
            RunResult mid = measuredAtDistance(spec.withRate(near), traffic);
            specsByModel.add(List.of(spec.withRate(LOW_RATE), spec.withRate(near), spec.withRate(RunSpec.MAX_RATE)));
            runs.addAll(List.of(low, mid, over));
            loads.addAll(List.of("low", "near saturation", "overload"));
        }
        write("--measured-out", measuredOut, runs);
        if (repeat) {
            for (List<RunSpec> specs : specsByModel) {
                System.err.printf("measuring %-9s again at the same rates ...%n", specs.getFirst().model().label());
                for (RunSpec s : specs) {
                    again.add(measuredAtDistance(s, traffic));
                }
            }
            write("--again-out", againOut, again);
        }
    }

    private int runsTaken;
    private int runsRetaken;
    private int runsUnmatched;

    /**
     * Measures {@code spec}, up to {@code --distance-tries} times until the CPUs' distance before and
     * after the run matches the calibration's (see {@link #sameDistance}); keeps the last try otherwise.
     */
    private RunResult measuredAtDistance(RunSpec spec, TrafficSet traffic) throws Exception {
        double cal = calibrationApart == null ? Double.NaN : calibrationApart.path("cpuRoundTripNanos").asDouble(Double.NaN);
        runsTaken++;
        RunResult r = measured(spec, traffic);
        if (Double.isNaN(cal) || sameDistance(r, cal)) {
            return r;
        }
        if (distanceTries > 1) {
            runsRetaken++;
        }
        for (int t = 1; t < distanceTries; t++) {
            System.err.printf(Locale.ROOT, "  again: the CPUs were %.0f/%.0f ns apart before/after, the calibration's %.0f%n",
                    Validation.wireFigure(r, "cpuRoundTripNanosBefore"), Validation.wireFigure(r, "cpuRoundTripNanosAfter"), cal);
            r = measured(spec, traffic);
            if (sameDistance(r, cal)) {
                return r;
            }
        }
        if (distanceTries > 1) {
            runsUnmatched++;
        }
        return r;
    }

    /** @return true when the run's distance before and after it are both at {@code cal}'s level (CpuDistance) */
    static boolean sameDistance(RunResult r, double cal) {
        return r.wire() != null && metAt(r.wire(), cal);
    }

    /** @return true when {@code m}'s distances before and after (a run's wire or a check) are both at {@code level} */
    private static boolean metAt(Map<?, ?> m, double level) {
        return CpuDistance.sameLevel(Validation.figure(m, "cpuRoundTripNanosBefore"), level)
                && CpuDistance.sameLevel(Validation.figure(m, "cpuRoundTripNanosAfter"), level);
    }

    private int checksRetaken;
    private int checksUnmatched;

    /**
     * Times the in-place path and receive ({@link Calibration#inPlaceCheck}), then measures {@code spec}.
     * A check the machine kept disturbing is left out (the run is predicted with the calibration's).
     * A check that met the CPUs at another distance than the run did, before and after it alike, is
     * timed again after the run, up to {@code --distance-tries - 1} times, until one meets them where
     * the run did: the path and receive differ by a factor of about two between the two distances
     * (the README's set 31: 601 to 682 ns near, 938 to 1,274 far), and a run is predicted with its check's.
     * Without such a try the check before the run is kept.
     */
    private RunResult measured(RunSpec spec, TrafficSet traffic) throws Exception {
        Map<String, Object> check = checkOrNone(spec, traffic, "before");
        RunResult r = new Runner().run(spec, traffic);
        if (!r.checks().passed()) {
            throw new RunFailedException(spec.model().label() + " failed its checks; its figures are not a measurement");
        }
        if (!check.isEmpty() && !checkMetRun(check, r)
                && CpuDistance.sameLevel(Validation.wireFigure(r, "cpuRoundTripNanosBefore"),
                        Validation.wireFigure(r, "cpuRoundTripNanosAfter"))) {
            if (distanceTries > 1) {
                checksRetaken++;
            }
            boolean met = false;
            for (int t = 1; t < distanceTries && !met; t++) {
                System.err.printf(Locale.ROOT, "  the check met the CPUs %.0f ns apart, the run %.0f: timing it "
                        + "again%n",
                        Validation.figure(check, "cpuRoundTripNanosBefore"),
                        Validation.wireFigure(r, "cpuRoundTripNanosBefore"));
                Map<String, Object> after = checkOrNone(spec, traffic, "after");
                if (!after.isEmpty() && checkMetRun(after, r)) {
                    check = new LinkedHashMap<>(after);
                    check.put("timed", "after the run, at its CPU distance");
                    met = true;
                }
            }
            if (!met && distanceTries > 1) {
                checksUnmatched++;
            }
        }
        return check.isEmpty() ? r : r.withWire(IN_PLACE_CHECK, check);
    }

    /** @return the in-place check, or an empty map when the machine kept disturbing it */
    private static Map<String, Object> checkOrNone(RunSpec spec, TrafficSet traffic, String when)
            throws InterruptedException {
        try {
            return Calibration.inPlaceCheck(spec.placement(), traffic);
        } catch (IllegalStateException e) {
            System.err.println("  no in-place check " + when + " this run: " + e.getMessage());
            return Map.of();
        }
    }

    /**
     * @return true when the check met the CPUs, before and after its trials, at the distance the run met
     *         them before it ({@link CpuDistance#sameLevel})
     */
    static boolean checkMetRun(Map<?, ?> check, RunResult r) {
        return metAt(check, Validation.wireFigure(r, "cpuRoundTripNanosBefore"));
    }

    /** Writes {@code rs} as a compare document to {@code file} (given by {@code flag}), if one was given. */
    private void write(String flag, Path file, List<RunResult> rs) {
        if (file != null) {
            try {
                ResultFiles.write(file, new ResultFiles.Document("compare",
                        command.commandLine().getParseResult().originalArgs(), rs, List.of()));
            } catch (IOException e) {
                throw new UsageException(flag + ": cannot write " + file + " (" + e + ")", e);
            }
            System.out.println("wrote " + file);
        }
    }
}
