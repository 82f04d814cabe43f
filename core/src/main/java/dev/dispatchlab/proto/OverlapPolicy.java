package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.DropReason;

/**
 * What {@link Ipv4Reassembler} does with a fragment that overlaps data it already holds for the
 * same datagram. Under both policies an exact duplicate (same offset, length and MF flag) is
 * dropped alone as {@link DropReason#FRAGMENT_DUPLICATE} and the datagram goes on, and the held
 * fragments never overlap, so the reassembled bytes cannot depend on arrival order. Merging
 * policies that keep part of an overlapping fragment (the historic BSD "first wins" trimming, or
 * "last wins") are deliberately not offered: overlap attacks exploit exactly that dependence.
 */
public enum OverlapPolicy {
    /**
     * The default, as RFC 5722 requires for IPv6 and Linux does for IPv4: the whole datagram is
     * discarded, each held fragment and the new one counted as {@link DropReason#FRAGMENT_OVERLAP}.
     */
    DROP_DATAGRAM,
    /**
     * Only the overlapping fragment is dropped ({@link DropReason#FRAGMENT_OVERLAP}); the datagram
     * completes if the fragments held tile it, else times out.
     */
    DROP_FRAGMENT
}
