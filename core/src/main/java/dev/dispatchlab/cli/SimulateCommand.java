package dev.dispatchlab.cli;

import dev.dispatchlab.report.BadResultFileException;
import dev.dispatchlab.report.HtmlReport;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.ResultTable;
import dev.dispatchlab.report.SimulationSection;
import dev.dispatchlab.report.SweepTable;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.sim.SimResult;
import dev.dispatchlab.sim.SimResults;
import dev.dispatchlab.sim.SimRunner;
import dev.dispatchlab.sim.SimSpec;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.sim.study.Answer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code simulate}: the dispatch models on architecture profiles, in simulated time. One rate (like
 * {@code compare}), a ladder of rates ({@code --rates}, {@code --sweep}, like {@code sweep}), or the
 * answer ({@code --answer}). Results are written in the runtime's JSON, marked simulated.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulates dispatch models on architecture profiles (old and new CPUs) with the same "
                + "workload options as compare; --warmup and --measure are simulated time. Without "
                + "--kernel-priority each model runs as in a kernel, its kernel-side threads above the user "
                + "(busypoll excepted); --kernel-priority 0 runs them at the user's priority, as the runtime does.",
                "Example: dispatchlab simulate --profile sun4m --rate 5000",
                "         dispatchlab simulate --profile all --sweep --json results/sim-sweep.json",
                "         dispatchlab simulate --answer --json results/answer.json"})
public final class SimulateCommand implements Callable<Integer> {

    /** The --sweep ladder's points per profile (see {@link #sweepLadder}). */
    static final int SWEEP_POINTS = 20;
    /** The --sweep ladder starts this far below the rate the profile's slowest path sustains ... */
    static final int SWEEP_BELOW = 400;
    /** ... and ends this far above the rate its fastest path sustains. */
    static final int SWEEP_ABOVE = 10;
    /** Packets simulated per point of a ladder unless --warmup or --measure say otherwise. */
    static final long LADDER_PACKETS = 5000;

    @Option(names = "--models", defaultValue = "all", split = ",", paramLabel = "LIST",
            description = "models to simulate: " + "push, ithread, puller, kcont, vthread, busypoll, classic, or all "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--rates", paramLabel = "LIST", description = "simulate each rate (5000, 20k, 1.5M, max): a sweep; "
            + "unless --warmup or --measure are given, each point simulates " + "5000 packets")
    String rates;

    @Option(names = "--sweep", description = "simulate " + SWEEP_POINTS + " rates on each profile, from far below what "
            + "its path sustains into overload (this machine: about 2,000 packets/s to 5 million; the VAX: 1 to 1,450)")
    boolean sweep;

    @Option(names = "--answer", description = "for each profile and model: highest rate one CPU sustains, CPU share "
            + "for 50,000 packets/s, switches per packet, about as good as classic, with sensitivity ranges; every "
            + "model with the crypto card and interrupts on the host CPU unless --crypto or --interrupts say otherwise")
    boolean answer;

    @Option(names = "--no-sensitivity", description = "with --answer: skip the sensitivity ranges")
    boolean noSensitivity;

    @Option(names = "--validation", paramLabel = "FILE", description = "a validation of this machine "
            + "('validate --json FILE'): how many of its rows passed, and the errors of those that did not, are "
            + "stated before the predictions and kept in the answer's JSON and HTML")
    Path validation;

    @Option(names = "--threads", defaultValue = "2", description = "simulations run at once (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "write the results as JSON")
    Path json;

    @Option(names = "--sched-trace", paramLabel = "FILE", description = "write the host CPU's scheduler events"
            + " (sched_switch, sched_wakeup) from the start of the measured interval, as the kernel's tracefs"
            + " writes them, for 'sched-trace' to read beside a real run's; one profile, one model, one rate")
    Path schedTrace;

    @Mixin
    SchedTraceFor schedTraceFor;

    @Option(names = "--html", paramLabel = "FILE", description = "write the HTML report")
    Path html;

    @Mixin
    RunOptions options;

    @Mixin
    SimOptions sim;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (options.socketSource()) {
            throw new UsageException("--source: the simulator offers synthetic traffic only");
        }
        if (options.rings != 1) {
            throw new UsageException("--rings: the simulator models one receive ring on one host CPU");
        }
        if (threads < 1 || threads > 64) {
            throw new UsageException("--threads: 1 to 64");
        }
        List<SimModels> chosen = SimOptions.models("--models", models);
        List<Profile> profiles = sim.profiles();
        long traceNs = schedTraceFor.duration().toNanos();
        if (schedTrace != null && (answer || sweep || rates != null || chosen.size() != 1 || profiles.size() != 1)) {
            throw new UsageException("--sched-trace: one profile, one model and one rate (no --answer, --sweep or"
                    + " --rates), to trace one simulation");
        }
        boolean kp = command.commandLine().getParseResult().hasMatchedOption("--kernel-priority");
        List<String> args = command.commandLine().getParseResult().originalArgs();
        // The simulator's predictions for other CPUs stand on its predictions for this one: say how
        // those went (or that nobody said) before any table.
        SimulationSection.ValidationOutcome checked = validation == null ? null : readValidation(validation);
        System.out.println(checked == null ? SimulationSection.NOT_CHECKED : checked.statement());
        if (answer) {
            return answer(profiles, chosen, kp, args, checked);
        }
        double[] ladder = null;
        if (rates != null) {
            ladder = SweepCommand.parseRates("--rates", rates);
        }
        List<RunResult> results = new ArrayList<>();
        boolean many = profiles.size() > 1;
        var parse = command.commandLine().getParseResult();
        boolean timesGiven = parse.hasMatchedOption("--warmup") || parse.hasMatchedOption("--measure");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
        for (Profile p : profiles) {
            if (sweep) {
                ladder = sweepLadder(sim.spec(options, p, chosen.getFirst(), kp));
            }
            List<RunResult> block = new ArrayList<>();
            for (double rate : ladder == null ? new double[]{-1} : ladder) {
                List<RunResult> step = new ArrayList<>();
                List<java.util.concurrent.Future<SimResult>> futures = new ArrayList<>();
                for (SimModels m : chosen) {
                    SimSpec s = sim.spec(options, p, m, kp);
                    if (rate > 0) {
                        s = s.withRate(rate);
                        if (!timesGiven) {
                            // a ladder: the same number of packets at every rate, not the same time
                            long measure = Math.max(2_000_000L, (long) (LADDER_PACKETS * 1e9 / s.offeredPps()));
                            s = s.withTimes(measure / 5, measure);
                        }
                    }
                    SimSpec spec = s;
                    futures.add(pool.submit(() -> schedTrace == null ? SimRunner.run(spec) : traced(spec, traceNs)));
                }
                for (int i = 0; i < chosen.size(); i++) {
                    SimModels m = chosen.get(i);
                    SimResult r = futures.get(i).get();
                    RunResult rr = SimResults.toRunResult(r);
                    if (many) {
                        rr = relabel(rr, m.label() + "@" + p.name());
                    }
                    step.add(rr);
                }
                if (ladder != null) {
                    if (block.isEmpty()) {
                        System.out.println("profile " + p.name() + ": " + p.title());
                        SweepTable.printHeader(System.out, step.getFirst());
                    }
                    SweepTable.printStep(System.out, rate, step);
                }
                block.addAll(step);
            }
            if (ladder == null) {
                System.out.println("profile " + p.name() + ": " + p.title() + " (simulated)");
                ResultTable.print(System.out, block, List.of());
            }
            results.addAll(block);
        }
        } finally {
            pool.shutdownNow();
        }
        ResultFiles.Document doc = new ResultFiles.Document(ladder == null ? "compare" : "sweep", args, results,
                List.of());
        if (json != null) {
            ResultFiles.write(json, doc);
            System.out.println("wrote " + json);
        }
        if (html != null) {
            HtmlReport.write(html, List.of(new HtmlReport.Source(json != null ? json.getFileName().toString()
                    : "this simulation", doc)));
            System.out.println("wrote " + html);
        }
        for (RunResult r : results) {
            if (!r.checks().passed()) {
                throw new RunFailedException(r.model() + ": the simulated accounting does not balance");
            }
        }
        return 0;
    }

    /**
     * The --sweep ladder of one profile: {@value #SWEEP_POINTS} rates, geometric, from {@value #SWEEP_BELOW}
     * times below what its path sustains with the cipher in software (one packet's stages, read and
     * copy, {@link SimSpec#pathNs}) to {@value #SWEEP_ABOVE} times above what it sustains without it,
     * each to three significant figures. One ladder for every profile (it was 500 packets/s to 2
     * million) put the VAX past its livelock at every point, where it delivered nothing: its models
     * saturate at a few hundred packets a second.
     */
    static double[] sweepLadder(SimSpec s) {
        // a profile whose stages cost nothing is taken as one whose path costs a nanosecond
        double low = Math.max(1, 1e9 / Math.max(1, s.pathNs(true)) / SWEEP_BELOW);
        // no faster than the profile's saturating rate ("max": on this machine the runtime's wire)
        double high = Math.max(low * 10, Math.min(s.withRate(SimSpec.MAX_RATE).offeredPps(),
                1e9 / Math.max(1, s.pathNs(false)) * SWEEP_ABOVE));
        double[] ladder = new double[SWEEP_POINTS];
        for (int i = 0; i < SWEEP_POINTS; i++) {
            double r = low * Math.pow(high / low, i / (double) (SWEEP_POINTS - 1));
            ladder[i] = new java.math.BigDecimal(r).round(new java.math.MathContext(3)).doubleValue();
        }
        return ladder;
    }

    /** Runs {@code spec} writing its scheduler events to {@code --sched-trace} for {@code ns} of its measured interval. */
    private SimResult traced(SimSpec spec, long ns) throws IOException {
        SimRunner.Traced t = SimRunner.runTraced(spec, schedTrace, ns);
        System.out.printf(Locale.ROOT, "wrote %s: %,d scheduler events, simulated %.3f to %.3f s%n", schedTrace,
                t.events(), t.fromPs() / 1e12, t.toPs() / 1e12);
        return t.result();
    }

    private static RunResult relabel(RunResult r, String label) {
        return new RunResult(label, r.modelDescription(), r.crypto(), r.workload(), r.settings(), r.environment(),
                r.seconds(), r.offeredPps(), r.deliveredPps(), r.payloadGbps(), r.host(), r.device(), r.other(),
                r.perPacket(), r.latency(), r.drops(), r.events(), r.accounting(), r.checks(), r.wire(),
                r.cryptoStats(), r.threads(), r.notes(), r.sentBad());
    }

    /** Reads {@code --validation}'s document; anything but a validate document is a usage error. */
    static SimulationSection.ValidationOutcome readValidation(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--validation: no such file: " + file);
        }
        String cmd;
        try {
            cmd = ResultFiles.mapper().readTree(file.toFile()).path("command").asText();
        } catch (IOException e) {
            throw new UsageException("--validation: " + file + ": cannot read it as JSON");
        }
        if (!cmd.equals("validate")) {
            throw new UsageException("--validation: " + file + (cmd.isEmpty() ? " names no command"
                    : " is a " + cmd + " document") + ", not one 'validate --json' wrote");
        }
        try {
            return SimulationSection.outcome(SimulationSection.load(file));
        } catch (BadResultFileException e) {
            throw new UsageException("--validation: " + e.getMessage());
        }
    }

    private int answer(List<Profile> profiles, List<SimModels> chosen, boolean kp, List<String> args,
                       SimulationSection.ValidationOutcome checked) throws Exception {
        SimSpec base = sim.spec(options, profiles.getFirst(), chosen.getFirst(), kp);
        // The seed's question is about one CPU taking its own interrupts, with the crypto card of Fast
        // IPsec: unless told otherwise, every model gets the card and the host CPU takes the interrupts.
        if (options.crypto.equalsIgnoreCase("model")) {
            base = base.withCrypto(dev.dispatchlab.crypto.CryptoDrivers.OFFLOAD);
        }
        if (!command.commandLine().getParseResult().hasMatchedOption("--interrupts")) {
            base = base.withInterrupts(SimSpec.Interrupts.HOST);
        }
        long t0 = System.nanoTime();
        List<Answer.Row> rows = Answer.run(profiles, chosen, base, threads, !noSensitivity);
        double secs = (System.nanoTime() - t0) / 1e9;
        SimulationSection.printAnswer(System.out, rows);
        System.out.printf(Locale.ROOT, "(%d profiles x %d models%s in %.1f s)%n", profiles.size(), rows.size()
                / Math.max(1, profiles.size()), noSensitivity ? "" : ", with sensitivity variants", secs);
        if (json != null) {
            SimulationSection.writeAnswer(json, args, base, rows, checked);
            System.out.println("wrote " + json);
        }
        if (html != null) {
            HtmlReport.write(html, List.of(), List.of(SimulationSection.answerStudy(args, base, rows, checked)));
            System.out.println("wrote " + html);
        }
        return 0;
    }
}
