package dev.dispatchlab.blast;

import dev.dispatchlab.workload.Workload;

import java.net.InetSocketAddress;

/**
 * What the traffic generator sends, where, how fast and for how long.
 *
 * @param target        the receiver's address and port (its socket source listens there)
 * @param workload      the traffic: sizes, flows, SAs, suite, ESN, bad-traffic shares, seed
 * @param ratePps       datagrams per second, all threads together; 0 for as fast as possible
 * @param durationNanos how long to send; 0 when {@code packets} bounds the run instead
 * @param packets       datagrams to send (bad ones included); -1 when {@code durationNanos} bounds the run
 * @param batch         datagrams per {@code sendmmsg}, 1 to 1024: also the unit of pacing
 * @param sockets       sending sockets (each its own UDP source port, each a lane of SAs): 1 to
 *                      {@code min(sas, 64)}; a receiver with several SO_REUSEPORT sockets can only
 *                      spread what comes from several
 * @param threads       sending threads, 1 to {@code sockets}; thread {@code t} sends on sockets
 *                      {@code t, t + threads, ...}
 */
public record BlastConfig(InetSocketAddress target, Workload workload, double ratePps, long durationNanos,
                          long packets, int batch, int sockets, int threads) {

    public static final int DEFAULT_BATCH = 64;
    public static final int MAX_SOCKETS = 64;
    /** Rates at or above this are refused (as {@code run}'s): no sender reaches it, and pacing arithmetic stops meaning anything. */
    public static final double MAX_RATE = 1e9;

    public BlastConfig {
        if (target == null || target.isUnresolved() || target.getPort() == 0) {
            throw new IllegalArgumentException("blast needs a target address with a port, got " + target);
        }
        if (target.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("blast: the target " + target.getAddress().getHostAddress()
                    + " is a wildcard; give the receiver's address");
        }
        if (workload == null) {
            throw new IllegalArgumentException("blast needs a workload");
        }
        if (!(ratePps >= 0) || ratePps >= MAX_RATE) {
            throw new IllegalArgumentException("rate must be a positive number of packets per second or max, got " + ratePps);
        }
        if ((durationNanos > 0) == (packets >= 0)) {
            throw new IllegalArgumentException("give either a duration or a packet count, not both (or neither)");
        }
        if (durationNanos < 0) {
            throw new IllegalArgumentException("duration must be positive, got " + durationNanos + " ns");
        }
        if (batch < 1 || batch > 1024) {
            throw new IllegalArgumentException("batch must be 1..1024 datagrams, got " + batch);
        }
        int maxSockets = Math.min(workload.sas(), MAX_SOCKETS);
        if (sockets < 1 || sockets > maxSockets) {
            throw new IllegalArgumentException("sockets must be 1.." + maxSockets + " (at most one per SA, at most "
                    + MAX_SOCKETS + "), got " + sockets);
        }
        if (threads < 1 || threads > sockets) {
            throw new IllegalArgumentException("threads must be 1.." + sockets + " (at most one per socket), got " + threads);
        }
    }

    /** @return true when the run is bounded by a packet count */
    public boolean byCount() {
        return packets >= 0;
    }

    /** @return the default socket count for a workload: one per SA (each tunnel a peer of its own), at most 64 */
    public static int defaultSockets(Workload w) {
        return Math.min(w.sas(), MAX_SOCKETS);
    }
}
