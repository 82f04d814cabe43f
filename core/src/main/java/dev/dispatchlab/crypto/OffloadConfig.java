package dev.dispatchlab.crypto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The emulated accelerator's knobs (see {@link OffloadDriver}). Immutable; validated on construction
 * with messages that name the value.
 *
 * @param engines              engine threads (crypto cores); each does real cipher work with its own transforms
 * @param submissionRingSize   descriptors the submission ring holds (a power of two); a full ring refuses with QUEUE_FULL
 * @param completionRingSize   completions the host may leave undrained (a power of two) before the engines stall
 * @param requestLatencyNanos  fixed added latency per request: the PCI round trip of descriptor fetch and write-back
 * @param engineBytesPerSecond per-engine speed cap in payload bytes per second; 0 for uncapped (the CPU's speed)
 * @param coalesceCount        fire the completion interrupt after this many completions ...
 * @param coalesceNanos        ... or this long after the first unsignalled completion, whichever is first (0: every completion)
 * @param timeoutNanos         a request the engine has not started this long after submission completes with TIMEOUT; 0: never
 * @param watchdogPeriodNanos  how often the watchdog thread scans for overdue requests; 0: no watchdog thread
 *                             (call {@link OffloadDriver#expireOverdue} yourself)
 * @param engineIdleSpins      busy polls of the empty submission ring before an idle engine parks (each well under
 *                             0.1 us). More spinning saves the submitter the wakeup (a futex wake, tens of us on a VM)
 *                             when requests come in quick succession, and costs a CPU the host may need: on a
 *                             2-CPU machine shared with other work it lowers throughput. 0 parks at once.
 */
public record OffloadConfig(int engines, int submissionRingSize, int completionRingSize, long requestLatencyNanos,
                            long engineBytesPerSecond, int coalesceCount, long coalesceNanos, long timeoutNanos,
                            long watchdogPeriodNanos, int engineIdleSpins) {

    /** Upper bound on engine threads: the machine is small and each engine is a thread. */
    public static final int MAX_ENGINES = 64;

    public OffloadConfig {
        if (engines < 1 || engines > MAX_ENGINES) {
            throw new IllegalArgumentException("engines must be in [1, " + MAX_ENGINES + "]: engines=" + engines);
        }
        requirePowerOfTwo("submissionRingSize", submissionRingSize);
        requirePowerOfTwo("completionRingSize", completionRingSize);
        if (requestLatencyNanos < 0 || engineBytesPerSecond < 0 || coalesceNanos < 0 || timeoutNanos < 0
                || watchdogPeriodNanos < 0) {
            throw new IllegalArgumentException("times and rates must not be negative: requestLatencyNanos="
                    + requestLatencyNanos + ", engineBytesPerSecond=" + engineBytesPerSecond + ", coalesceNanos="
                    + coalesceNanos + ", timeoutNanos=" + timeoutNanos + ", watchdogPeriodNanos=" + watchdogPeriodNanos);
        }
        if (coalesceCount < 1) {
            throw new IllegalArgumentException("coalesceCount must be at least 1: coalesceCount=" + coalesceCount);
        }
        if (engineIdleSpins < 0) {
            throw new IllegalArgumentException("engineIdleSpins must not be negative: engineIdleSpins=" + engineIdleSpins);
        }
    }

    private static void requirePowerOfTwo(String what, int v) {
        if (v < 2 || Integer.bitCount(v) != 1 || v > 1 << 20) {
            throw new IllegalArgumentException(what + " must be a power of two in [2, 2^20]: " + what + "=" + v);
        }
    }

    /**
     * One engine, 256-entry rings, 5 us per request, uncapped speed, an interrupt per 8 completions or
     * 10 us, 50 ms timeout scanned every 10 ms, 64 idle spins (a few microseconds) before parking.
     */
    public static OffloadConfig defaults() {
        return new OffloadConfig(1, 256, 256, 5_000, 0, 8, 10_000, 50_000_000, 10_000_000, 64);
    }

    /**
     * Roughly a Broadcom BCM5822 as Fast IPsec used it: one engine capped at 50 MB/s (the ">400 Mbit/s"
     * IPsec terminator of Leffler's BSDCon'03 paper, dispatch-costs.md section 5; the card's per-request
     * latency was not found, so the 5 us PCI round trip is an assumption).
     */
    public static OffloadConfig bcm5822() {
        return defaults().withEngineBytesPerSecond(50_000_000L);
    }

    public OffloadConfig withEngines(int n) {
        return new OffloadConfig(n, submissionRingSize, completionRingSize, requestLatencyNanos, engineBytesPerSecond,
                coalesceCount, coalesceNanos, timeoutNanos, watchdogPeriodNanos, engineIdleSpins);
    }

    public OffloadConfig withRings(int submission, int completion) {
        return new OffloadConfig(engines, submission, completion, requestLatencyNanos, engineBytesPerSecond,
                coalesceCount, coalesceNanos, timeoutNanos, watchdogPeriodNanos, engineIdleSpins);
    }

    public OffloadConfig withRequestLatencyNanos(long nanos) {
        return new OffloadConfig(engines, submissionRingSize, completionRingSize, nanos, engineBytesPerSecond,
                coalesceCount, coalesceNanos, timeoutNanos, watchdogPeriodNanos, engineIdleSpins);
    }

    public OffloadConfig withEngineBytesPerSecond(long bytesPerSecond) {
        return new OffloadConfig(engines, submissionRingSize, completionRingSize, requestLatencyNanos, bytesPerSecond,
                coalesceCount, coalesceNanos, timeoutNanos, watchdogPeriodNanos, engineIdleSpins);
    }

    public OffloadConfig withCoalescing(int count, long nanos) {
        return new OffloadConfig(engines, submissionRingSize, completionRingSize, requestLatencyNanos, engineBytesPerSecond,
                count, nanos, timeoutNanos, watchdogPeriodNanos, engineIdleSpins);
    }

    public OffloadConfig withTimeout(long timeoutNanos, long watchdogPeriodNanos) {
        return new OffloadConfig(engines, submissionRingSize, completionRingSize, requestLatencyNanos, engineBytesPerSecond,
                coalesceCount, coalesceNanos, timeoutNanos, watchdogPeriodNanos, engineIdleSpins);
    }

    public OffloadConfig withEngineIdleSpins(int spins) {
        return new OffloadConfig(engines, submissionRingSize, completionRingSize, requestLatencyNanos, engineBytesPerSecond,
                coalesceCount, coalesceNanos, timeoutNanos, watchdogPeriodNanos, spins);
    }

    /** @return the settings as an ordered map for reports; allocates */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engines", engines);
        m.put("submissionRingSize", submissionRingSize);
        m.put("completionRingSize", completionRingSize);
        m.put("requestLatencyNanos", requestLatencyNanos);
        m.put("engineBytesPerSecond", engineBytesPerSecond);
        m.put("coalesceCount", coalesceCount);
        m.put("coalesceNanos", coalesceNanos);
        m.put("timeoutNanos", timeoutNanos);
        m.put("watchdogPeriodNanos", watchdogPeriodNanos);
        m.put("engineIdleSpins", engineIdleSpins);
        return m;
    }
}
