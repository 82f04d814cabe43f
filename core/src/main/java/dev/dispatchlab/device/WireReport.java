package dev.dispatchlab.device;

/**
 * What the synthetic wire did, beside what it was asked to do. Every packet it generated was
 * offered ({@code OFFERED}) and is either placed on a ring or dropped at the device with a reason:
 * {@code offered = placed + ringFull + poolExhausted}.
 *
 * @param seed            the arrival generator's seed (to repeat the run)
 * @param arrivals        the arrival process
 * @param offeredPps      the requested rate
 * @param achievedPps     packets generated per second of wire time
 * @param offered         packets generated (OFFERED)
 * @param placed          packets placed on a ring
 * @param ringFull        packets dropped because their ring was full (RX_RING_FULL)
 * @param poolExhausted   packets dropped for want of a buffer (POOL_EXHAUSTED)
 * @param elapsedNanos    wire time from the first due packet to one gap after the last
 * @param bursts          clock readings that placed packets
 * @param fullBursts      bursts cut at maxBurst with more packets already due (the wire was saturated)
 * @param maxLagNanos     the latest any burst was placed after its first packet was due
 * @param finalLagNanos   how late the last burst was
 * @param fellBehind      maxLag exceeded the configured tolerance: the offered rate was not honoured
 */
public record WireReport(long seed, ArrivalProcess arrivals, double offeredPps, double achievedPps, long offered,
                         long placed, long ringFull, long poolExhausted, long elapsedNanos, long bursts, long fullBursts,
                         long maxLagNanos, long finalLagNanos, boolean fellBehind) {

    /** @return mean packets per burst */
    public double meanBurst() {
        return bursts == 0 ? 0 : (double) (offered) / bursts;
    }

    @Override
    public String toString() {
        return String.format("wire: %s offered %.0f pps, achieved %.0f pps (%d packets, %d placed, %d ring full, "
                        + "%d pool exhausted) in %.3f ms; %d bursts (%.1f/burst, %d full); lag max %.1f us, final %.1f us%s; seed %d",
                arrivals, offeredPps, achievedPps, offered, placed, ringFull, poolExhausted, elapsedNanos / 1e6, bursts,
                meanBurst(), fullBursts, maxLagNanos / 1e3, finalLagNanos / 1e3, fellBehind ? " FELL BEHIND" : "", seed);
    }
}
