package dev.dispatchlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A progress bar for commands that run many measurements (sweep): what is running, how many of how
 * many, and an estimate of the time left (the mean time of the steps done so far, or the caller's
 * estimate before the first is done). On a terminal it redraws one line on standard error; when
 * standard error is a file or a pipe it prints one plain line per step instead, so logs stay readable.
 *
 * <p>Threading: the command's thread only.
 */
final class Progress {

    private static final int WIDTH = 28;

    private final PrintWriter err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private int total;
    private double estimateSeconds;
    private int done;
    private String current = "";
    private boolean drawn;

    /**
     * @param total            steps to run
     * @param estimateSeconds  the caller's estimate of one step, used until a step has been timed
     */
    Progress(PrintWriter err, boolean terminal, int total, double estimateSeconds) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.estimateSeconds = estimateSeconds;
    }

    /** @return true when standard error is a terminal (Linux: /proc/self/fd/2 is a tty or pts device) */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    /** Adds {@code n} steps to the total (steps decided once a probe has run). */
    void addSteps(int n) {
        total += n;
    }

    /** Announces the next step. */
    void step(String what) {
        current = what;
        if (terminal) {
            draw();
        } else {
            err.printf(Locale.ROOT, "[%d/%d] %s (%s left)%n", done + 1, total, what, duration(secondsLeft()));
            err.flush();
        }
    }

    /** Marks the current step done. */
    void stepDone() {
        done++;
        if (terminal) {
            draw();
        }
    }

    /** Clears the bar so that other output can be printed on a clean line; the next step redraws it. */
    void clear() {
        if (terminal && drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }

    /** Ends the bar: a last line with the time taken. */
    void finish() {
        clear();
        err.printf(Locale.ROOT, "%d steps in %s%n", done, duration((System.nanoTime() - started) / 1e9));
        err.flush();
    }

    double secondsLeft() {
        double per = done == 0 ? estimateSeconds : (System.nanoTime() - started) / 1e9 / done;
        return Math.max(0, total - done) * per;
    }

    private void draw() {
        int filled = total == 0 ? WIDTH : (int) Math.round((double) WIDTH * done / total);
        String bar = "=".repeat(Math.min(WIDTH, filled)) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        err.printf(Locale.ROOT, "\r\033[K[%s] %d/%d %s, about %s left", bar, done, total, current,
                duration(secondsLeft()));
        err.flush();
        drawn = true;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
