package dev.dispatchlab.device;

import java.util.random.RandomGenerator;

/** How the synthetic wire spaces packets in time (open loop: arrivals never wait for the host). */
public enum ArrivalProcess {

    /** Evenly spaced: one packet every 1/rate seconds. No randomness. */
    CONSTANT {
        @Override
        double gapNanos(double meanGapNanos, RandomGenerator random) {
            return meanGapNanos;
        }
    },

    /** Poisson arrivals: exponentially distributed gaps with mean 1/rate, from the seeded generator. */
    POISSON {
        @Override
        double gapNanos(double meanGapNanos, RandomGenerator random) {
            return -Math.log(1.0 - random.nextDouble()) * meanGapNanos; // 1 - u is in (0, 1]: log never sees 0
        }
    };

    /** @return the gap before the next packet, in nanoseconds */
    abstract double gapNanos(double meanGapNanos, RandomGenerator random);
}
