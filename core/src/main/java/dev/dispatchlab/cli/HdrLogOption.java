package dev.dispatchlab.cli;

import dev.dispatchlab.metrics.LatencyRecorder;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.run.Runner;
import dev.dispatchlab.report.SweepTable;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code --hdr-log DIR}, shared by run, compare, sweep and bench: each run's latency histogram over
 * its measured interval written as an HdrHistogram log file, one per model and point.
 */
public final class HdrLogOption {

    @Option(names = "--hdr-log", paramLabel = "DIR",
            description = "write each run's latency histogram (nanoseconds) as an HdrHistogram log file in DIR, "
                    + "one per model and rate: MODEL-RATE.hlog")
    Path dir;

    /**
     * @param name    the file name without extension, e.g. {@code puller-5k}
     * @param command the command, for the log's comment line
     * @return a runner that writes the run's histogram to {@code DIR/name.hlog} when the flag was given
     */
    Runner runner(RunSpec spec, String name, String command) {
        Runner r = new Runner();
        if (dir == null) {
            return r;
        }
        Path file = dir.resolve(name + ".hlog");
        String comment = "dispatchlab " + command + ": " + spec.model().label() + ", " + spec.workload().describe()
                + ", offered " + (spec.saturating() ? "max" : Math.round(spec.ratePps()) + " pps");
        return r.latencyObserver(h -> {
            try {
                LatencyRecorder.writeLog(file, h, comment);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** @return the default file name of a run: MODEL-RATE, e.g. {@code puller-5k} or {@code push-max} */
    static String name(RunSpec spec) {
        return spec.model().label() + "-" + SweepTable.rateLabel(spec.ratePps());
    }
}
