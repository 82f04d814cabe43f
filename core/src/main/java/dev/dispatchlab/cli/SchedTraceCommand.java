package dev.dispatchlab.cli;

import dev.dispatchlab.metrics.SchedTraceSummary;
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
                "  dispatchlab sched-trace results/puller.trace results/puller-sim.trace --threads puller,user"})
public final class SchedTraceCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files")
    List<Path> files;

    @Option(names = "--threads", split = ",", paramLabel = "LIST",
            description = "the threads to show, by name or name prefix (default: the --top busiest)")
    List<String> threads = List.of();

    @Option(names = "--top", defaultValue = "10", description = "without --threads, the busiest threads shown"
            + " (default: ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new UsageException("--top: at least 1, got " + top);
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new UsageException(f + ": no such file");
            }
        }
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
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
            if (i > 0) {
                System.out.println();
            }
            SchedTraceSummary.print(System.out, s, threads, top);
        }
        return 0;
    }
}
