package dev.dispatchlab.run;

import dev.dispatchlab.report.Environment;

import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, with everything it was run with: what the terminal table prints and
 * what the JSON file holds (Jackson writes the records as they are). Rates and per-packet figures
 * are over the measured interval; the accounting covers the whole run, warm-up and shutdown included.
 *
 * @param model        dispatch model label
 * @param modelDescription which contexts run which stages
 * @param crypto       crypto driver label
 * @param workload     one-line workload description
 * @param settings     every setting of the run (rate, sizes, rings, coalescing, budget, idle, placement, ...)
 * @param environment  machine and JDK
 * @param seconds      length of the measured interval
 * @param offeredPps   packets the source offered per second
 * @param deliveredPps packets the user received per second
 * @param payloadGbps  inner payload delivered, Gbit/s
 * @param host         host threads' OS counts over the measured interval
 * @param device       device threads' OS counts
 * @param other        other (JVM) threads' OS counts
 * @param perPacket    costs per delivered packet
 * @param latency      arrival-to-user latency, nanoseconds
 * @param drops        drops by reason over the measured interval
 * @param events       runtime event counters over the measured interval (handoffs, wakeups, interrupts, ...)
 * @param accounting   the whole run's accounting identity
 * @param checks       pass/fail checks (accounting, content, threads left)
 * @param wire         the synthetic wire's own report (achieved vs offered, lag)
 * @param cryptoStats  the crypto driver's statistics (whole run)
 * @param threads      per-thread OS counts over the measured interval
 * @param notes        things a reader must know about this run (wire fell behind, shared CPUs, ...)
 * @param sentBad      bad packets the source sent on purpose over the whole run, by the drop reason each must meet
 */
public record RunResult(String model, String modelDescription, String crypto, String workload,
                        Map<String, Object> settings, Environment environment, double seconds, double offeredPps,
                        double deliveredPps, double payloadGbps, RoleCounts host, RoleCounts device, RoleCounts other,
                        PerPacket perPacket, Latency latency, Map<String, Long> drops, Map<String, Long> events,
                        AccountingResult accounting, Checks checks, Map<String, Object> wire,
                        Map<String, Object> cryptoStats, List<ThreadCounts> threads, List<String> notes,
                        Map<String, Long> sentBad) {

    /** @return this result with {@code key} set to {@code value} in its wire report (which is copied) */
    public RunResult withWire(String key, Object value) {
        Map<String, Object> w = new java.util.LinkedHashMap<>(wire == null ? Map.of() : wire);
        w.put(key, value);
        return new RunResult(model, modelDescription, crypto, workload, settings, environment, seconds, offeredPps,
                deliveredPps, payloadGbps, host, device, other, perPacket, latency, drops, events, accounting, checks,
                w, cryptoStats, threads, notes, sentBad);
    }

    /** OS counts for one role over the measured interval. */
    public record RoleCounts(int threads, long voluntarySwitches, long involuntarySwitches, long cpuNanos) {
        public long switches() {
            return voluntarySwitches + involuntarySwitches;
        }
    }

    /**
     * Costs per delivered packet over the measured interval.
     *
     * @param hostSwitches    host voluntary + involuntary context switches per packet
     * @param hostVoluntary   host voluntary switches per packet (sleeps)
     * @param deviceSwitches  device threads' switches per packet (reported apart)
     * @param handoffs        context-to-context handoffs per packet (runtime count)
     * @param wakeups         wakeups of sleeping contexts per packet (runtime count)
     * @param interrupts      interrupt handler runs per packet
     * @param hostCpuNanos    host CPU nanoseconds per packet
     * @param deviceCpuNanos  device CPU nanoseconds per packet
     */
    public record PerPacket(double hostSwitches, double hostVoluntary, double deviceSwitches, double handoffs,
                            double wakeups, double interrupts, double hostCpuNanos, double deviceCpuNanos) {

        /**
         * @return what an interval's count is divided by for a figure per delivered packet: the packets
         *         delivered, or NaN when none were (no figure per packet then, printed "-"; dividing by
         *         one printed the interval's counts as one packet's)
         */
        public static double divisor(double delivered) {
            return delivered > 0 ? delivered : Double.NaN;
        }
    }

    /** Latency percentiles in nanoseconds, from an HdrHistogram. */
    public record Latency(long count, long p50, long p90, long p99, long p999, long max, double mean) {
    }

    /** The accounting identity of the whole run. */
    public record AccountingResult(long offered, long delivered, long ikePassed, long fragmentsAbsorbed, long dropped,
                                   long inFlight, boolean balanced, Map<String, Long> drops) {
    }

    /** What makes a run an error rather than a result. */
    public record Checks(boolean accountingBalanced, long contentMismatches, List<String> threadsLeftRunning,
                         String failure) {
        public boolean passed() {
            return accountingBalanced && contentMismatches == 0 && threadsLeftRunning.isEmpty() && failure == null;
        }
    }

    /**
     * One thread's OS counts over the measured interval. {@code waitNanos}: its time runnable on a run
     * queue, waiting for its CPU (schedstat's {@code run_delay}); null where it was not measured (no
     * schedstat, or a file written before it was kept).
     */
    public record ThreadCounts(String name, String role, long voluntary, long involuntary, long cpuNanos,
                               Long waitNanos, String fate) {
    }
}
