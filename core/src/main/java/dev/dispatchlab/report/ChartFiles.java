package dev.dispatchlab.report;

import dev.dispatchlab.run.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep's charts as files, PNG and SVG side by side, for papers and slides: the livelock curve
 * (delivered against offered), p99 latency, host switches, wakeups and host CPU per packet against
 * offered, one line per model, the same charts the HTML report embeds.
 *
 * <p>Threading: stateless; any thread.
 */
public final class ChartFiles {

    /** The file names (without extension) of the charts, in the order they are written. */
    public static final List<String> SWEEP_CHARTS = List.of("livelock", "switches-vs-offered", "wakeups-vs-offered",
            "cpu-vs-offered", "p99-vs-offered");

    private ChartFiles() {
    }

    /**
     * Writes every sweep chart of {@code runs} as {@code NAME.png} and {@code NAME.svg} in {@code dir}
     * (created if needed). Runs that failed their checks are left out of the lines, as in the report.
     *
     * @return the files written, PNG then SVG for each chart; none when every run failed its checks
     */
    public static List<Path> writeSweep(Path dir, List<RunResult> runs, List<ResultFiles.Baseline> baselines)
            throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        List<ReportFigures.Figure> figures = ReportFigures.sweep("sweep", runs, baselines);
        for (ReportFigures.Figure f : figures) {
            if (f.chart() == null) {
                continue;
            }
            String name = fileName(f.id());
            Path png = dir.resolve(name + ".png");
            Files.write(png, f.png());
            Path svg = dir.resolve(name + ".svg");
            Files.writeString(svg, Charts.svg(f.chart()), StandardCharsets.UTF_8);
            out.add(png);
            out.add(svg);
        }
        return out;
    }

    private static String fileName(String figureId) {
        String s = figureId.substring("sweep-".length());
        return switch (s) {
            case "switches-rate" -> "switches-vs-offered";
            case "wakeups-rate" -> "wakeups-vs-offered";
            case "cpu-rate" -> "cpu-vs-offered";
            case "p99-rate" -> "p99-vs-offered";
            default -> s;
        };
    }
}
