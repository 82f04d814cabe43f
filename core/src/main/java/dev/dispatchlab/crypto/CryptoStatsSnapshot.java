package dev.dispatchlab.crypto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A driver's or a session's counts at one moment, for printing ({@link #toString()}) and for the JSON
 * results ({@link #toJson()}). Taken with {@link CryptoDriver#stats()} or {@link CryptoSession#stats()};
 * exact once traffic has stopped, a recent consistent-enough view while it runs.
 *
 * @param owner               the driver ({@code "offload"}) or session ({@code "session#3"}) counted
 * @param submitted           requests handed to the driver, refused ones included
 * @param inFlight            submitted and not yet completed
 * @param completed           completions by {@link CryptoStatus#label()}, every status listed
 * @param events              the non-zero {@link CryptoCounter}s by label
 * @param meanSubmitBatch     requests per submit call (per doorbell)
 * @param meanCompletionBatch completions delivered per drain run (per handled interrupt); 0 for inline drivers
 * @param queueHighWater      the deepest the submission ring was seen, right after a submit
 * @param latency             submit-to-completion time; null for sessions and when not recorded
 * @param settings            the driver's configuration as reported (thresholds, ring sizes, ...)
 * @param parts               the drivers a composite driver is made of (auto: its software and offload parts)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CryptoStatsSnapshot(String owner, long submitted, long inFlight, Map<String, Long> completed,
                                  Map<String, Long> events, double meanSubmitBatch, double meanCompletionBatch,
                                  long queueHighWater, Latency latency, Map<String, Object> settings,
                                  List<CryptoStatsSnapshot> parts) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Submit-to-completion time in nanoseconds, recorded at delivery from the submit stamp and not
     * corrected for coordinated omission.
     */
    public record Latency(long count, double meanNanos, long p50Nanos, long p90Nanos, long p99Nanos, long p999Nanos,
                          long maxNanos) {

        static Latency of(Histogram h) {
            if (h == null || h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(h.getTotalCount(), h.getMean(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                    h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
        }
    }

    public CryptoStatsSnapshot {
        completed = Collections.unmodifiableMap(new LinkedHashMap<>(completed));
        events = Collections.unmodifiableMap(new LinkedHashMap<>(events));
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    /** @return the completions with status {@code s} */
    public long completed(CryptoStatus s) {
        return completed.getOrDefault(s.label(), 0L);
    }

    /** @return the value of {@code c} (0 when it never happened) */
    public long event(CryptoCounter c) {
        return events.getOrDefault(c.label(), 0L);
    }

    /** @return the sum of completions over every status */
    public long completedTotal() {
        long sum = 0;
        for (long v : completed.values()) {
            sum += v;
        }
        return sum;
    }

    /** @return the part named {@code owner}, or null */
    public CryptoStatsSnapshot part(String owner) {
        for (CryptoStatsSnapshot p : parts) {
            if (p.owner.equals(owner)) {
                return p;
            }
        }
        return null;
    }

    /** @return this snapshot as indented JSON */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise crypto stats of " + owner + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb, "");
        return sb.toString();
    }

    private void append(StringBuilder sb, String indent) {
        sb.append(indent).append("crypto ").append(owner).append(": submitted ").append(submitted)
                .append(", in flight ").append(inFlight)
                .append(String.format(", submit batch %.2f", meanSubmitBatch));
        if (meanCompletionBatch > 0) {
            sb.append(String.format(", completion batch %.2f", meanCompletionBatch));
        }
        if (queueHighWater > 0) {
            sb.append(", queue high water ").append(queueHighWater);
        }
        sb.append('\n').append(indent).append("  completed:");
        completed.forEach((k, v) -> {
            if (v != 0) {
                sb.append(' ').append(k).append(' ').append(v).append(',');
            }
        });
        trimComma(sb);
        if (!events.isEmpty()) {
            sb.append('\n').append(indent).append("  events:");
            events.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v).append(','));
            trimComma(sb);
        }
        if (latency != null && latency.count() > 0) {
            sb.append('\n').append(indent).append(String.format(
                    "  latency ns: n %d, mean %.0f, p50 %d, p90 %d, p99 %d, p99.9 %d, max %d", latency.count(),
                    latency.meanNanos(), latency.p50Nanos(), latency.p90Nanos(), latency.p99Nanos(),
                    latency.p999Nanos(), latency.maxNanos()));
        }
        if (!settings.isEmpty()) {
            sb.append('\n').append(indent).append("  settings: ").append(settings);
        }
        for (CryptoStatsSnapshot p : parts) {
            sb.append('\n');
            p.append(sb, indent + "  ");
        }
    }

    private static void trimComma(StringBuilder sb) {
        if (sb.charAt(sb.length() - 1) == ',') {
            sb.setLength(sb.length() - 1);
        }
    }
}
