package dev.dispatchlab.proto;

import java.util.concurrent.TimeUnit;

/**
 * Bounds of one {@link Ipv4Reassembler}: everything it may hold is sized from these when it is
 * built, so reassembly allocates nothing afterwards.
 *
 * @param maxDatagrams  datagrams in progress at once; a fragment of a further one is dropped as
 *                      {@code FRAGMENT_TABLE_FULL}
 * @param maxFragments  fragments held per datagram; one more drops the datagram as {@code FRAGMENT_TOO_MANY}
 * @param maxBytes      bytes of fragments (whole IP packets) held over all datagrams
 * @param timeoutNanos  how long a datagram may take from its first fragment to its last
 * @param overlapPolicy what an overlapping fragment does
 */
public record ReassemblyLimits(int maxDatagrams, int maxFragments, int maxBytes, long timeoutNanos,
                               OverlapPolicy overlapPolicy) {

    /**
     * 64 datagrams, 64 fragments each (a 64 KiB datagram in 1 KiB fragments), 1 MiB held, 30 s
     * (the reassembly time of Linux's ipfrag_time and of BSD's IPFRAGTTL), overlaps drop the datagram.
     */
    public static final ReassemblyLimits DEFAULT =
            new ReassemblyLimits(64, 64, 1 << 20, TimeUnit.SECONDS.toNanos(30), OverlapPolicy.DROP_DATAGRAM);

    public ReassemblyLimits {
        if (maxDatagrams < 1 || maxDatagrams > 1 << 16) {
            throw new IllegalArgumentException("maxDatagrams must be in [1, 65536]: maxDatagrams=" + maxDatagrams);
        }
        if (maxFragments < 2 || maxFragments > 8192) {
            throw new IllegalArgumentException("maxFragments must be in [2, 8192]: maxFragments=" + maxFragments);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: maxBytes=" + maxBytes);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeoutNanos must be positive: timeoutNanos=" + timeoutNanos);
        }
        if (overlapPolicy == null) {
            throw new IllegalArgumentException("overlapPolicy must not be null");
        }
    }
}
