package dev.dispatchlab.sim;

import java.util.Map;

/**
 * What one simulated run counted. Rates and per-packet figures are over the measured interval; the
 * accounting covers the whole run, the drain after it included.
 *
 * @param spec            what it was run with
 * @param offeredPps      offered packets per second
 * @param deliveredPps    packets the user received per second
 * @param payloadGbps     payload delivered, Gbit/s
 * @param voluntary       host voluntary switches in the interval (threads that slept)
 * @param involuntary     host involuntary switches in the interval (threads preempted)
 * @param hostSwitches    host switches per delivered packet (this and the other per-packet figures are
 *                        NaN when the interval delivered nothing: a count over no packet is not a figure
 *                        per packet)
 * @param hostVoluntary   voluntary switches per delivered packet
 * @param handoffs        context-to-context handoffs per delivered packet
 * @param wakeups         wakeups of sleeping host threads per delivered packet
 * @param interrupts      interrupts per delivered packet
 * @param hostCpuNanos    host CPU nanoseconds per delivered packet
 * @param cpuShare        host CPU busy share of the interval (0..1)
 * @param deviceCpuNanos  the card's busy nanoseconds per delivered packet (0 without a card)
 * @param latency         p50, p90, p99, p99.9, max (ns), mean, count
 * @param drops           drops by reason label, in the interval
 * @param offered         packets offered over the whole run
 * @param delivered       packets delivered over the whole run
 * @param dropped         packets dropped over the whole run (SHUTDOWN included)
 * @param allDrops        drops by reason over the whole run
 * @param balanced        offered = delivered + dropped, nothing in flight
 * @param threads         per host thread, counts in the interval: name -> {voluntary, involuntary,
 *                        cpuNanos, run-queue waitNanos}
 * @param deviceThreads   the same per thread of the device CPU, where the wire and the card's engine run
 *                        as threads (empty elsewhere)
 * @param events          events the simulation ran
 * @param totals          the interval's counts the per-packet figures divide, kept whole: an interval
 *                        that delivered nothing has no per-packet figures (NaN) but has these
 */
public record SimResult(SimSpec spec, double offeredPps, double deliveredPps, double payloadGbps, long voluntary,
                        long involuntary, double hostSwitches, double hostVoluntary, double handoffs, double wakeups,
                        double interrupts, double hostCpuNanos, double cpuShare, double deviceCpuNanos,
                        Latency latency, Map<String, Long> drops, long offered, long delivered, long dropped,
                        Map<String, Long> allDrops, boolean balanced, Map<String, long[]> threads,
                        Map<String, long[]> deviceThreads, long events,
                        Totals totals) {

    /**
     * Counts over the measured interval; {@code deviceCpuNanos} is the card's busy time, and the card's
     * requests taken, engine wakeups (doorbells that found an emulated engine parked) and completion
     * interrupts are counted as the runtime's driver counts its {@code engine requests}, {@code engine
     * wakeups} and {@code completion interrupts} (all 0 without a card).
     */
    public record Totals(long handoffs, long wakeups, long interrupts, long hostCpuNanos, long deviceCpuNanos,
                         long engineRequests, long engineWakeups, long completionInterrupts) {
    }

    /** Latency percentiles, nanoseconds. */
    public record Latency(long count, long p50, long p90, long p99, long p999, long max, double mean) {
    }

    /** @return delivered over offered in the interval */
    public double deliveredShare() {
        return offeredPps == 0 ? 0 : deliveredPps / offeredPps;
    }
}
