package dev.dispatchlab.device;

import java.util.concurrent.TimeUnit;

/**
 * What the synthetic wire offers: a rate, an arrival process, and how long (a packet count, a
 * duration, or both: whichever ends first). Build with {@link #constant} or {@link #poisson} and the
 * {@code with...} methods.
 *
 * @param ratePps            offered packets per second
 * @param arrivals           how packets are spaced
 * @param packets            packets to offer; 0 for no limit (then a duration is needed)
 * @param durationNanos      how long to offer; 0 for no limit (then a count is needed)
 * @param maxBurst           most packets placed per clock reading (when behind, the wire places at most this many at once)
 * @param seed               seed of the arrival process's generator (printed with the report)
 * @param lagToleranceNanos  the wire reports it fell behind when a burst is placed later than this after its due time
 * @param parkThresholdNanos gaps longer than this are slept through (parkNanos), shorter ones are spun
 */
public record WireConfig(double ratePps, ArrivalProcess arrivals, long packets, long durationNanos, int maxBurst,
                         long seed, long lagToleranceNanos, long parkThresholdNanos) {

    public static final int DEFAULT_MAX_BURST = 32;
    public static final long DEFAULT_LAG_TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    public static final long DEFAULT_PARK_THRESHOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    public WireConfig {
        if (!(ratePps > 0) || Double.isInfinite(ratePps)) {
            throw new IllegalArgumentException("rate must be positive and finite: ratePps=" + ratePps);
        }
        if (packets < 0 || durationNanos < 0 || (packets == 0 && durationNanos == 0)) {
            throw new IllegalArgumentException("give a packet count, a duration or both: packets=" + packets
                    + ", durationNanos=" + durationNanos);
        }
        if (maxBurst < 1) {
            throw new IllegalArgumentException("maxBurst must be at least 1: maxBurst=" + maxBurst);
        }
        if (lagToleranceNanos < 0 || parkThresholdNanos < 0) {
            throw new IllegalArgumentException("tolerances must not be negative: lagToleranceNanos=" + lagToleranceNanos
                    + ", parkThresholdNanos=" + parkThresholdNanos);
        }
    }

    /** {@code packets} evenly spaced packets at {@code ratePps}. */
    public static WireConfig constant(double ratePps, long packets) {
        return new WireConfig(ratePps, ArrivalProcess.CONSTANT, packets, 0, DEFAULT_MAX_BURST, 0,
                DEFAULT_LAG_TOLERANCE_NANOS, DEFAULT_PARK_THRESHOLD_NANOS);
    }

    /** {@code packets} Poisson arrivals at mean rate {@code ratePps}, from {@code seed}. */
    public static WireConfig poisson(double ratePps, long packets, long seed) {
        return new WireConfig(ratePps, ArrivalProcess.POISSON, packets, 0, DEFAULT_MAX_BURST, seed,
                DEFAULT_LAG_TOLERANCE_NANOS, DEFAULT_PARK_THRESHOLD_NANOS);
    }

    public WireConfig withPackets(long n) {
        return new WireConfig(ratePps, arrivals, n, durationNanos, maxBurst, seed, lagToleranceNanos, parkThresholdNanos);
    }

    public WireConfig withDuration(long nanos) {
        return new WireConfig(ratePps, arrivals, packets, nanos, maxBurst, seed, lagToleranceNanos, parkThresholdNanos);
    }

    public WireConfig withMaxBurst(int n) {
        return new WireConfig(ratePps, arrivals, packets, durationNanos, n, seed, lagToleranceNanos, parkThresholdNanos);
    }

    public WireConfig withSeed(long s) {
        return new WireConfig(ratePps, arrivals, packets, durationNanos, maxBurst, s, lagToleranceNanos, parkThresholdNanos);
    }

    public WireConfig withLagTolerance(long nanos) {
        return new WireConfig(ratePps, arrivals, packets, durationNanos, maxBurst, seed, nanos, parkThresholdNanos);
    }

    public WireConfig withParkThreshold(long nanos) {
        return new WireConfig(ratePps, arrivals, packets, durationNanos, maxBurst, seed, lagToleranceNanos, nanos);
    }

    /** @return the mean gap between packets in nanoseconds */
    public double meanGapNanos() {
        return 1e9 / ratePps;
    }
}
