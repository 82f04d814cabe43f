package dev.dispatchlab.blast;

import dev.dispatchlab.metrics.DropReason;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a traffic generator run sent, and the rate it achieved beside the rate asked for.
 *
 * @param target        where it sent
 * @param source        the address it sent from
 * @param targetPps     the rate asked for (0: as fast as possible)
 * @param elapsedNanos  from the start to the last batch the kernel took
 * @param sent          datagrams the kernel took
 * @param bytes         their UDP payload bytes (ESP header to ICV)
 * @param valid         valid datagrams made, each with a new sequence number
 * @param repeats       repeats of a valid datagram (the receiver's anti-replay must drop them)
 * @param badIcv        datagrams with a corrupted ICV
 * @param malformed     malformed datagrams (unknown SPI, truncated ESP)
 * @param unsent        datagrams made but not taken by the kernel when a stop came (normally 0)
 * @param batches       {@code sendmmsg} batches
 * @param lateBatches   batches sent more than one batch interval after they were due
 * @param maxLagNanos   the largest delay of a batch behind its due time
 * @param refused       sends refused with ECONNREFUSED (nothing listening at the target then)
 * @param expectedDrops datagrams sent on purpose for each drop reason, by ordinal
 */
public record BlastReport(InetSocketAddress target, InetAddress source, double targetPps, long elapsedNanos, long sent,
                          long bytes, long valid, long repeats, long badIcv, long malformed, long unsent, long batches,
                          long lateBatches, long maxLagNanos, long refused, long[] expectedDrops) {

    /** @return datagrams per second achieved */
    public double achievedPps() {
        return elapsedNanos <= 0 ? 0 : sent * 1e9 / elapsedNanos;
    }

    /** @return Gbit/s of UDP payload achieved */
    public double gbitPerSecond() {
        return elapsedNanos <= 0 ? 0 : bytes * 8.0 / elapsedNanos;
    }

    /** @return true when the generator could not hold the rate asked for (a batch more than 1 ms late) */
    public boolean fellBehind() {
        return targetPps > 0 && maxLagNanos > 1_000_000;
    }

    /** @return the drops the receiver should count for what was sent on purpose (non-zero only); allocates */
    public Map<DropReason, Long> expected() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (int i = 0; i < expectedDrops.length; i++) {
            if (expectedDrops[i] != 0) {
                m.put(DropReason.of(i), expectedDrops[i]);
            }
        }
        return m;
    }

    /** @return the final report, two lines */
    public String describe() {
        String rate = targetPps > 0 ? String.format("%,.0f pkt/s", targetPps) : "max";
        return String.format("blast: sent %,d datagrams in %.2f s to %s: %,.0f pkt/s (target %s), %.3f Gbit/s of"
                        + " ESP-in-UDP payload%n"
                        + "blast: %,d valid, %,d repeats, %,d bad ICV, %,d malformed%s; %,d batches, %,d late,"
                        + " max lag %.3f ms%s; refused %,d%s",
                sent, elapsedNanos / 1e9, hostPort(target), achievedPps(), rate, gbitPerSecond(),
                valid, repeats, badIcv, malformed, unsent == 0 ? "" : String.format(", %,d unsent at stop", unsent),
                batches, lateBatches, maxLagNanos / 1e6, fellBehind() ? " (fell behind the rate asked for)" : "",
                refused, refused > 0 ? " (no receiver listening for part of the run)" : "");
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
