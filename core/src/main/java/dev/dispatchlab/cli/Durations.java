package dev.dispatchlab.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as users write them: {@code 3s}, {@code 500ms}, {@code 5us}, {@code 2m}, {@code 1.5s}. */
final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m)?");

    /** The longest duration accepted, in seconds (about 11.6 days): longer ones are typing mistakes, and overflow. */
    static final double MAX_SECONDS = 1e6;

    private Durations() {
    }

    static Duration parse(String flag, String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new UsageException(flag + ": '" + text + "' is not a duration (e.g. 3s, 500ms, 5us)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = switch (unit) {
            case "ns" -> v;
            case "us", "µs" -> v * 1e3;
            case "ms" -> v * 1e6;
            case "m" -> v * 60e9;
            default -> v * 1e9;
        };
        if (nanos > MAX_SECONDS * 1e9) {
            throw new UsageException(flag + ": '" + text + "' is too long (at most " + (long) MAX_SECONDS
                    + " s, about 11 days)");
        }
        return Duration.ofNanos((long) nanos);
    }
}
