package dev.dispatchlab.workload;

/**
 * The workload's mix of packets, drawn one packet at a time: valid, malformed, a replay of the last
 * valid one, or one with a corrupted ICV, in the shares the {@link Workload} gives. Both the
 * synthetic wire's {@link TrafficSet.Source} and the generator's {@link TrafficSet.Sender.Lane}
 * draw from one of these, so a workload means the same mix on either source.
 *
 * <p>Reproducible from its seed (a SplitMix64 sequence, whose top 53 bits are compared with the
 * cumulative shares scaled to 2^53) and free of allocation. Threading: one drawing thread.
 */
final class PacketMix {

    /** What the next packet is. */
    enum Kind { VALID, MALFORMED, REPLAY, BAD_ICV }

    private final long malformedCut;
    private final long replayCut;
    private final long badCut;
    private long seed;

    PacketMix(Workload w, long seed) {
        malformedCut = (long) (w.malformedShare() * (1L << 53));
        replayCut = malformedCut + (long) (w.replayShare() * (1L << 53));
        badCut = replayCut + (long) (w.badIcvShare() * (1L << 53));
        this.seed = seed;
    }

    /** @return the kind of the next packet */
    Kind next() {
        long r = nextRandom() >>> 11; // 53 random bits
        if (r >= badCut) {
            return Kind.VALID;
        }
        if (r < malformedCut) {
            return Kind.MALFORMED;
        }
        return r < replayCut ? Kind.REPLAY : Kind.BAD_ICV;
    }

    private long nextRandom() {
        // SplitMix64 step
        long z = (seed += 0x9E37_79B9_7F4A_7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
