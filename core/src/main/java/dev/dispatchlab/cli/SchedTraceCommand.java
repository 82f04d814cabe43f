package dev.dispatchlab.cli;

import dev.dispatchlab.metrics.SchedTraceSummary;
import dev.dispatchlab.sim.study.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code dispatchlab sched-trace}: per-thread figures of scheduler traces, a kernel's or the
 * simulator's ({@link SchedTraceSummary} reads both), one table per file, so that a run and its
 * simulation can be read side by side.
 */
@Command(name = "sched-trace", mixinStandardHelpOptions = true,
        description = {"Summarises scheduler traces per thread: switches in, sleeps, preemptions (and the share"
                + " by a thread it had just woken), wakeups, run length and wakeup-to-running time. Reads the text"
                + " of /sys/kernel/tracing/trace with the events sched:sched_switch and sched:sched_wakeup on, as"
                + " 'run --sched-trace' and 'simulate --sched-trace' write it.",
                "Exit status: 0 done, 2 a file that cannot be read or holds neither event."},
        footer = {"", "Example:",
                "  dispatchlab run --model puller --rate 1M --sched-trace results/puller.trace",
                "  dispatchlab simulate --calibration results/calibration.json --models puller --rate 1M"
                        + " --interrupts device --kernel-priority 0 --sched-trace results/puller-sim.trace",
                "  dispatchlab sched-trace results/puller.trace --against results/puller-sim.trace --threads puller,user"})
public final class SchedTraceCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files")
    List<Path> files;

    @Option(names = "--threads", split = ",", paramLabel = "LIST",
            description = "the threads to show, by name or name prefix (default: the --top busiest)")
    List<String> threads = List.of();

    @Option(names = "--against", paramLabel = "FILE", description = "set each FILE's figures beside this trace's, as"
            + " \"FILE's (this one's)\", threads paired by name (the JDK's ForkJoinPool-N- carriers with the"
            + " simulator's carrier/0): a real run against its simulation")
    Path against;

    @Option(names = "--top", defaultValue = "10", description = "without --threads, the busiest threads shown"
            + " (default: ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new UsageException("--top: at least 1, got " + top);
        }
        SchedTraceSummary.Summary other = against == null ? null : read(against);
        for (int i = 0; i < files.size(); i++) {
            SchedTraceSummary.Summary s = read(files.get(i));
            if (i > 0) {
                System.out.println();
            }
            if (other == null) {
                SchedTraceSummary.print(System.out, s, threads, top);
            } else {
                SchedTraceSummary.printAgainst(System.out, s, other, threads, top, Validation::simulatedName);
            }
        }
        return 0;
    }

    /** Reads {@code f}; one that is missing, unreadable or holds no scheduler event is a usage error. */
    private static SchedTraceSummary.Summary read(Path f) {
        if (!Files.isRegularFile(f)) {
            throw new UsageException(f + ": no such file");
        }
        SchedTraceSummary.Summary s;
        try {
            s = SchedTraceSummary.read(f);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException(f + ": cannot read it: " + e.getMessage());
        }
        if (s.switches() + s.wakeups() == 0) {
            throw new UsageException(f + ": no sched_switch or sched_wakeup lines (trace with the events"
                    + " sched:sched_switch and sched:sched_wakeup on)");
        }
        return s;
    }
}
