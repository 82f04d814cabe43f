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
                "  dispatchlab sched-trace results/puller.trace --cpu 1 --against results/puller-sim.trace --threads puller,user"})
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

    @Option(names = "--cpu", defaultValue = "-1", paramLabel = "N", description = "in each FILE only CPU N: its"
            + " switches and the wakeups aimed at it (default: every CPU; a run's host CPU is 1 by default)")
    int cpu;

    @Option(names = "--against-cpu", defaultValue = "-1", paramLabel = "N", description = "in the --against trace"
            + " only CPU N (default: every CPU; a simulated trace holds its host CPU as 0 and, at the maximum rate"
            + " beside an emulated card, its device CPU's wire and engine as 1)")
    int againstCpu;

    @Option(names = "--top", defaultValue = "10", description = "without --threads, the busiest threads shown"
            + " (default: ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new UsageException("--top: at least 1, got " + top);
        }
        if (cpu < -1 || againstCpu < -1) {
            throw new UsageException((cpu < -1 ? "--cpu" : "--against-cpu") + ": a CPU number from 0, got "
                    + Math.min(cpu, againstCpu));
        }
        SchedTraceSummary.Summary other = against == null ? null : read(against, againstCpu);
        for (int i = 0; i < files.size(); i++) {
            SchedTraceSummary.Summary s = read(files.get(i), cpu);
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
    private static SchedTraceSummary.Summary read(Path f, int cpu) {
        if (!Files.isRegularFile(f)) {
            throw new UsageException(f + ": no such file");
        }
        SchedTraceSummary.Summary s;
        try {
            s = SchedTraceSummary.read(f, cpu);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException(f + ": cannot read it: " + e.getMessage());
        }
        if (s.switches() + s.wakeups() == 0) {
            throw new UsageException(f + ": no sched_switch or sched_wakeup lines" + (cpu >= 0 ? " of CPU " + cpu : "")
                    + " (trace with the events sched:sched_switch and sched:sched_wakeup on)");
        }
        return s;
    }
}
