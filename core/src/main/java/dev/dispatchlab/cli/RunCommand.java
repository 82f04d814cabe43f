package dev.dispatchlab.cli;

import dev.dispatchlab.dispatch.models.DispatchModels;
import dev.dispatchlab.os.Tracefs;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.report.ResultTable;
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
import java.util.List;
import java.util.concurrent.Callable;

/** {@code run}: one model, one workload; a table on the terminal and a JSON file with everything. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one dispatch model on one workload and prints what it cost per packet.",
                "Example: dispatchlab run --model puller --rate 5000 --size 1400 --json results/puller.json"})
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, defaultValue = "puller", paramLabel = "MODEL",
            description = "push, ithread, puller, kcont, vthread or busypoll (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--json", paramLabel = "FILE", description = "write the result, with every setting, as JSON")
    Path json;

    @Option(names = "--sched-trace", paramLabel = "FILE", description = "trace the kernel's scheduler (sched_switch,"
            + " sched_wakeup, every CPU) from the start of the measured interval and write its text to FILE, for"
            + " 'sched-trace' to read; needs tracefs at /sys/kernel/tracing, writable (root). Tracing costs every"
            + " event a little: the run's figures are a traced run's")
    Path schedTrace;

    @Mixin
    SchedTraceFor schedTraceFor;

    @Mixin
    RunOptions options;

    @Mixin
    HdrLogOption hdrLog;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        DispatchModels m = DispatchModels.byLabel(model);
        if (m == null) {
            throw new UsageException("--model: unknown model '" + model + "' (one of " + DispatchModels.labels() + ")");
        }
        Outputs.check("--json", json, List.of());
        Duration traceFor = schedTraceFor.duration();
        if (schedTrace != null) {
            Outputs.check("--sched-trace", schedTrace, List.of());
        }
        Workload w = options.workload();
        RunSpec spec = options.spec(m, w);
        Models.prepareVirtualThreads(spec.placement());
        boolean sockets = options.socketSource();
        TrafficSet traffic = null;
        if (!sockets) {
            System.err.println("building " + w.describe() + " ...");
            traffic = TrafficSet.build(w);
        }
        Runner runner = hdrLog.runner(spec, HdrLogOption.name(spec), "run");
        Tracefs trace = openTrace();
        if (trace != null) {
            Tracefs t = trace;
            runner.window(new Runner.Window() {
                @Override
                public void begin() throws IOException {
                    t.start();
                }

                @Override
                public void end() throws IOException {
                    t.stop();
                }
            }, traceFor);
        }
        try (Tracefs closing = trace) {
            return run(m, spec, sockets, traffic, runner, trace);
        }
    }

    /** @return the kernel's tracer for --sched-trace, or null without it; a usage error where tracefs cannot be used */
    private Tracefs openTrace() {
        if (schedTrace == null) {
            return null;
        }
        try {
            return Tracefs.open();
        } catch (IOException e) {
            throw new UsageException("--sched-trace: " + e.getMessage());
        }
    }

    private Integer run(DispatchModels m, RunSpec spec, boolean sockets, TrafficSet traffic, Runner runner,
                        Tracefs trace) throws Exception {
        try (StopOnSignal ctrlC = StopOnSignal.install("run", runner::stop)) {
            System.err.println("running " + m.label() + " (" + spec.effectiveCrypto().label() + " crypto, "
                    + (sockets ? "socket" : "synthetic") + " source) for " + spec.warmup().toMillis() / 1000.0
                    + " s warm-up + " + spec.measure().toMillis() / 1000.0 + " s (Ctrl-C stops it early) ...");
            RunResult r = sockets ? runner.runSockets(spec) : runner.run(spec, traffic);
            ResultTable.print(System.out, List.of(r), null);
            if (trace != null && trace.started()) {
                trace.copyTo(schedTrace);
                System.out.println("wrote " + schedTrace + " (the kernel's sched_switch and sched_wakeup, the first "
                        + schedTraceFor + " of the measured interval)");
            } else if (trace != null) {
                System.out.println("no scheduler trace: the run stopped before its measured interval");
            }
            if (ctrlC.signalled()) {
                System.out.println(accountingLine(r));
            }
            if (json != null) {
                ResultFiles.write(json, new ResultFiles.Document("run", command.commandLine().getParseResult().originalArgs(), List.of(r), List.of()));
                System.out.println("wrote " + json);
            }
            System.out.flush();
            if (!r.checks().passed()) {
                throw new RunFailedException("the run failed its checks (see above); its figures are not a result");
            }
        }
        return 0;
    }

    /** @return the run's accounting identity on one line, as printed after a run stopped by Ctrl-C */
    static String accountingLine(RunResult r) {
        RunResult.AccountingResult a = r.accounting();
        return r.model() + ": accounting offered " + a.offered() + " = delivered " + a.delivered() + " + ike "
                + a.ikePassed() + " + fragments absorbed " + a.fragmentsAbsorbed() + " + dropped " + a.dropped()
                + ", in flight " + a.inFlight() + (a.balanced() ? ": balanced" : ": NOT BALANCED");
    }
}
