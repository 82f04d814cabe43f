package dev.dispatchlab.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * {@code --sched-trace-for}, a mixin of {@code run}, {@code simulate} and {@code validate}: how much of
 * the measured interval, from its start, a scheduler trace ({@code --sched-trace}) covers.
 */
final class SchedTraceFor {

    @Option(names = "--sched-trace-for", defaultValue = "300ms", paramLabel = "TIME",
            description = "with --sched-trace: how much of the measured interval to trace, from its start"
                    + " (simulated time for simulate and validate; default: ${DEFAULT-VALUE})")
    String text;

    /** @return the window; a usage error unless above 0 */
    Duration duration() {
        Duration d = Durations.parse("--sched-trace-for", text);
        if (d.isNegative() || d.isZero()) {
            throw new UsageException("--sched-trace-for: above 0, got " + text);
        }
        return d;
    }

    @Override
    public String toString() {
        return text;
    }
}
