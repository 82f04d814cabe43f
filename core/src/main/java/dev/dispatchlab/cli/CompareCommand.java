package dev.dispatchlab.cli;

import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.report.HtmlReport;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.ResultTable;
import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.run.SocketBaseline;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code compare}: several models on the same workload, one after another in one process with the
 * same warm-up, side by side in one table, with the bare cipher's rate measured in the same run.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs several dispatch models (default: all) on the same workload, one after another in "
                + "this process, and prints them side by side.",
                "Example: dispatchlab compare --rate 5000 --json results/low-rate.json",
                "         dispatchlab compare --models puller,kcont,vthread --rate max --size 1400"})
public final class CompareCommand implements Callable<Integer> {

    @Option(names = "--models", defaultValue = "push,ithread,puller,kcont,vthread,busypoll", split = ",",
            paramLabel = "LIST", description = "models to run, in order (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--json", paramLabel = "FILE", description = "write every result, with every setting, as JSON")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "write the HTML report (tables and charts in one self-contained file)")
    Path html;

    @Option(names = "--no-baseline", description = "skip the bare-cipher baseline")
    boolean noBaseline;

    @Option(names = "--fork", description = "run each model in a JVM of its own, so that no model runs code the JIT "
            + "compiled with the other models' types (see the README); the baselines stay in this process")
    boolean fork;

    @Mixin
    RunOptions options;

    @Mixin
    HdrLogOption hdrLog;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        Outputs.check("--json", json, List.of());
        Outputs.check("--html", html, List.of());
        Outputs.distinct("--json", json, "--html", html);
        List<DispatchModel> chosen = Models.parse("--models", models);
        Workload w = options.workload();
        RunSpec base = options.spec(chosen.getFirst(), w);
        Models.prepareVirtualThreads(base.placement());
        boolean sockets = options.socketSource();
        TrafficSet traffic = null;
        if (!sockets && !fork) {
            System.err.println("building " + w.describe() + " ...");
            traffic = TrafficSet.build(w);
        }
        List<RunResult> results = new ArrayList<>();
        AtomicReference<Runner> current = new AtomicReference<>();
        try (StopOnSignal ctrlC = StopOnSignal.install("compare", () -> {
            Runner r = current.get();
            if (r != null) {
                r.stop();
            }
        })) {
            compare(chosen, base, w, sockets, traffic, results, current, ctrlC);
        }
        return 0;
    }

    private void compare(List<DispatchModel> chosen, RunSpec base, Workload w, boolean sockets, TrafficSet traffic,
                         List<RunResult> results, AtomicReference<Runner> current, StopOnSignal ctrlC) throws Exception {
        for (DispatchModel m : chosen) {
            if (ctrlC.signalled()) {
                break; // Ctrl-C: the models not yet run are left out
            }
            RunSpec spec = base.withModel(m);
            if (fork) {
                System.err.printf("running %-9s in a JVM of its own ...%n", m.label());
                results.add(ForkedRun.run(command.commandLine().getParseResult().originalArgs(), m.label()));
                continue;
            }
            System.err.printf("running %-9s (%s crypto, %s source) ...%n", m.label(), spec.effectiveCrypto().label(),
                    sockets ? "socket" : "synthetic");
            Runner runner = hdrLog.runner(spec, HdrLogOption.name(spec), "compare");
            current.set(runner);
            if (ctrlC.signalled()) {
                runner.stop(); // the signal came between two models
            }
            results.add(sockets ? runner.runSockets(spec) : runner.run(spec, traffic));
        }
        List<ResultFiles.Baseline> baselines = new ArrayList<>();
        List<String[]> extra = new ArrayList<>();
        boolean withBaselines = !noBaseline && !ctrlC.signalled();
        if (withBaselines && sockets) {
            for (int batch : new int[]{SocketConfig.DEFAULT_BATCH, 1}) {
                System.err.printf("running the bare receive loop, %d datagram%s per call ...%n", batch,
                        batch == 1 ? "" : "s");
                SocketBaseline sb = SocketBaseline.measure(base, batch);
                double gbps = sb.pps() * w.sizes().mean() * 8 / 1e9;
                String name = batch == 1 ? "bare recv x1" : "bare recvmmsg";
                baselines.add(new ResultFiles.Baseline(name, "bare receive loop, " + batch + " datagram(s) per "
                        + "system call, no path (generator achieved " + Math.round(sb.sentPps()) + " pps, "
                        + sb.calls() + " calls, " + sb.kernelDrops() + " kernel drops)", sb.pps(), gbps));
                extra.add(new String[]{name, "-", String.format(Locale.ROOT, "%.1f", sb.sentPps() / 1e3),
                        String.format(Locale.ROOT, "%.1f", sb.pps() / 1e3), String.format(Locale.ROOT, "%.3f", gbps)});
            }
        }
        if (withBaselines) {
            ResultFiles.Baseline b = Baselines.bareCipher(base, w, 1000);
            baselines.add(b);
            extra.add(new String[]{"bare cipher", "jca", "", String.format(Locale.ROOT, "%.1f", b.pps() / 1e3),
                    String.format(Locale.ROOT, "%.3f", b.gbps())});
        }
        ResultTable.print(System.out, results, extra);
        if (ctrlC.signalled()) {
            for (RunResult r : results) {
                System.out.println(RunCommand.accountingLine(r));
            }
            System.out.println("compare: stopped by Ctrl-C after " + results.size() + " of " + chosen.size() + " models");
        }
        ResultFiles.Document doc = new ResultFiles.Document("compare",
                command.commandLine().getParseResult().originalArgs(), results, baselines);
        if (json != null) {
            ResultFiles.write(json, doc);
            System.out.println("wrote " + json);
        }
        if (html != null) {
            HtmlReport.write(html, List.of(new HtmlReport.Source(json != null ? json.getFileName().toString()
                    : "this compare", doc)));
            System.out.println("wrote " + html);
        }
        for (RunResult r : results) {
            if (!r.checks().passed()) {
                throw new RunFailedException(r.model() + " failed its checks (see above); its figures are not a result");
            }
        }
        System.out.flush();
    }
}
