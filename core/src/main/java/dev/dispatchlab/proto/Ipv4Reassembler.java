package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;

/**
 * IPv4 fragment reassembly (RFC 791, RFC 815's hole accounting reduced to "held bytes equal the
 * datagram's length"), for ESP packets that a path MTU split on the wire: the path's {@code ip_reass}.
 *
 * <h2>How to use it</h2>
 * After {@link IpInput#validate} succeeds on an IPv4 packet, call {@link #offer}: it returns the
 * same buffer when the packet is not a fragment, a new buffer holding the reassembled datagram when
 * this fragment completed one, or null when it kept or dropped the fragment. {@code offer} owns the
 * fragment in every case; the caller never drops or releases it afterwards. Call {@link #expire}
 * when idle (offers expire too) and {@link #flush} at the end of a run.
 *
 * <h2>Accounting (the rule the run's identity depends on)</h2>
 * Every fragment offered ends as exactly one of:
 * <ol>
 * <li><b>absorbed</b>: one of the k-1 fragments of a completed datagram that do not carry it on;
 *     counted {@link Counter#FRAGMENT_ABSORBED}, k-1 per datagram, when the datagram completes;</li>
 * <li><b>the carrier</b>: the fragment that completes a datagram (one per datagram). Its buffer is
 *     released like the others, and the reassembled datagram continues down the path in its
 *     place, a new buffer that ends like any packet (delivered, passed up or dropped). Each
 *     completion also counts {@link Counter#REASSEMBLED};</li>
 * <li><b>dropped</b> with a reason through {@link StageContext#drop}: alone (malformed
 *     {@code FRAGMENT_BAD}, {@code FRAGMENT_DUPLICATE}, no room for a new datagram
 *     {@code FRAGMENT_TABLE_FULL}) or with its datagram, when every held fragment of the failed
 *     datagram is counted as one drop of the datagram's reason ({@code FRAGMENT_TIMEOUT},
 *     {@code FRAGMENT_OVERLAP}, {@code FRAGMENT_TOO_LARGE}, {@code FRAGMENT_TOO_MANY},
 *     {@code FRAGMENT_BAD}, {@code FRAGMENT_TABLE_FULL}, {@code POOL_EXHAUSTED},
 *     {@code FRAGMENT_INCOMPLETE} on {@link #flush}).</li>
 * </ol>
 * Between offer and outcome a fragment is held ({@link #fragmentsHeld()}); after {@link #flush}
 * none is.
 *
 * <h2>Policies</h2>
 * <ul>
 * <li>Key: source, destination, identification and protocol (RFC 791), and the ESP layers the
 *     fragment came out of ({@link PacketBuffer#depth} and {@link PacketBuffer#sa}): fragments of a
 *     datagram decrypted from an SA meet only fragments decrypted from the same SA at the same depth,
 *     never cleartext ones that claim the same addresses and identification. Lookup is an
 *     open-addressing hash table (linear probing, backward-shift deletion) over preallocated
 *     slots: no allocation, and at most {@code 2 * maxDatagrams} probes even for colliding keys.</li>
 * <li>Malformed alone ({@code FRAGMENT_BAD}): an empty fragment, or a non-final one whose length is
 *     not a multiple of 8. Malformed with its datagram ({@code FRAGMENT_BAD}): a second, different
 *     last fragment, a fragment past the last one's end, or the same range with a different MF flag.</li>
 * <li>Overlap: by {@link ReassemblyLimits#overlapPolicy()} ({@link OverlapPolicy}); an exact
 *     duplicate is dropped alone. Held fragments never overlap.</li>
 * <li>Size: a datagram longer than 65535 bytes, or than a buffer of the datagram pool can hold
 *     after its headroom, is {@code FRAGMENT_TOO_LARGE}.</li>
 * <li>Memory: at most {@code maxDatagrams} in progress and {@code maxBytes} held. A fragment that
 *     would open a datagram beyond either bound is dropped alone ({@code FRAGMENT_TABLE_FULL});
 *     datagrams in progress are never evicted to make room (evicting lets a fragment flood destroy
 *     legitimate datagrams; Linux likewise refuses). A fragment of a datagram in progress that
 *     would exceed {@code maxBytes} drops that datagram, which could not complete without it.</li>
 * <li>Time: a datagram must complete within {@code timeoutNanos} of the offer that opened it, by
 *     {@link StageContext#now()}. Datagrams are kept in opening order, so expiry looks only at the
 *     oldest ones: O(1) per offer when nothing expires.</li>
 * <li>The reassembled datagram takes the first fragment's header (options included) with total
 *     length, flags (DF kept, MF and offset cleared) and checksum rewritten, the earliest arrival
 *     time of its fragments (so latency includes the wait for the others), and the carrier's flow
 *     hash, queue, link type, tag, ESP depth and SA (the same for every fragment, by the key).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Not thread-safe, by design: one reassembler per execution context, used only with that
 * context's {@link StageContext} (asserted), like the per-CPU reassembly queues of a kernel. A
 * model that spreads one flow over several contexts must steer fragments by the 2-tuple (source,
 * destination) so that all fragments of a datagram meet in one reassembler. The datagram pool may
 * be shared: buffers it hands out are released by whichever context finishes the datagram.
 */
public final class Ipv4Reassembler {

    private static final int EMPTY = -1;

    private final ReassemblyLimits limits;
    private final PacketPool datagrams;
    private final int maxDatagram;

    private final int[] table;
    private final int mask;

    // per slot, preallocated
    private final long[] addresses;
    private final int[] idProtocol;
    private final int[] depths;
    private final Object[] layers;
    private final int[] hashes;
    private final long[] deadline;
    private final long[] earliestArrival;
    private final int[] count;
    private final int[] received;
    private final int[] total;
    private final int[] bytes;
    private final PacketBuffer[][] fragments;
    private final int[][] starts;
    private final int[][] ends;
    private final int[] older;
    private final int[] newer;
    private final int[] freeSlots;

    private int freeCount;
    private int oldest = EMPTY;
    private int newest = EMPTY;
    private int fragmentsHeld;
    private int bytesHeld;
    private StageContext owner;

    /**
     * @param limits    the bounds; every array is sized from them now
     * @param datagrams the pool reassembled datagrams are written into, its buffers large enough for
     *                  the largest datagram accepted (65535 bytes plus headroom for all of them);
     *                  see {@link #datagramPool}
     */
    public Ipv4Reassembler(ReassemblyLimits limits, PacketPool datagrams) {
        long slots = (long) limits.maxDatagrams() * limits.maxFragments();
        if (slots > 1 << 22) {
            throw new IllegalArgumentException("maxDatagrams * maxFragments too large to preallocate: maxDatagrams="
                    + limits.maxDatagrams() + ", maxFragments=" + limits.maxFragments());
        }
        this.limits = limits;
        this.datagrams = datagrams;
        this.maxDatagram = Math.min(Ipv4Descriptor.MAX_TOTAL_LENGTH, datagrams.bufferSize() - datagrams.headroom());
        int n = limits.maxDatagrams();
        int size = Integer.highestOneBit(n) << 2; // at least 2n: load factor at most 1/2
        this.table = new int[size];
        java.util.Arrays.fill(table, EMPTY);
        this.mask = size - 1;
        this.addresses = new long[n];
        this.idProtocol = new int[n];
        this.depths = new int[n];
        this.layers = new Object[n];
        this.hashes = new int[n];
        this.deadline = new long[n];
        this.earliestArrival = new long[n];
        this.count = new int[n];
        this.received = new int[n];
        this.total = new int[n];
        this.bytes = new int[n];
        this.fragments = new PacketBuffer[n][limits.maxFragments()];
        this.starts = new int[n][limits.maxFragments()];
        this.ends = new int[n][limits.maxFragments()];
        this.older = new int[n];
        this.newer = new int[n];
        this.freeSlots = new int[n];
        for (int i = 0; i < n; i++) {
            freeSlots[i] = n - 1 - i;
        }
        this.freeCount = n;
    }

    /**
     * @return a pool of {@code count} buffers, each holding a 65535-byte datagram after the default
     *         headroom (the headroom leaves room to re-encapsulate on a gateway)
     */
    public static PacketPool datagramPool(String name, int count) {
        return new PacketPool(name, count, PacketPool.DEFAULT_HEADROOM + Ipv4Descriptor.MAX_TOTAL_LENGTH,
                PacketPool.DEFAULT_HEADROOM);
    }

    /**
     * Offers a validated IPv4 packet (offset and network offset at its header, length trimmed to its
     * total length, as {@link IpInput#validateIpv4} leaves it). Expires overdue datagrams first.
     *
     * @return {@code p} itself if it is not a fragment; the reassembled datagram (a buffer of the
     *         datagram pool, offset and network offset at its IP header, transport annotations set)
     *         if {@code p} completed one; null if {@code p} was held or dropped. In the last two
     *         cases the reassembler has taken ownership of {@code p}.
     */
    public PacketBuffer offer(PacketBuffer p, StageContext ctx) {
        assert ownedBy(ctx) : "Ipv4Reassembler used from two stage contexts: give each execution context its own";
        expire(ctx);
        byte[] b = p.data();
        int ip = p.networkOffset();
        int flags = Ipv4Descriptor.flagsFragment(b, ip);
        if ((flags & (Ipv4Descriptor.FLAG_MF | Ipv4Descriptor.OFFSET_MASK)) == 0) {
            return p;
        }
        int length = Ipv4Descriptor.totalLength(b, ip) - Ipv4Descriptor.headerLength(b, ip);
        int start = (flags & Ipv4Descriptor.OFFSET_MASK) << 3;
        int end = start + length;
        boolean last = (flags & Ipv4Descriptor.FLAG_MF) == 0;
        if (length <= 0 || (!last && (length & 7) != 0)) {
            ctx.drop(p, DropReason.FRAGMENT_BAD);
            return null;
        }
        long addrs = (long) Ipv4Descriptor.source(b, ip) << 32 | (Ipv4Descriptor.destination(b, ip) & 0xFFFF_FFFFL);
        int idp = Ipv4Descriptor.identification(b, ip) << 8 | Ipv4Descriptor.protocol(b, ip);
        int depth = p.depth;
        Object layer = p.sa;
        int hash = hash(addrs, idp, depth);
        int pos = find(addrs, idp, depth, layer, hash);
        int s = pos >= 0 ? table[pos] : EMPTY;
        if (end > maxDatagram - Ipv4Descriptor.MIN_HEADER_LENGTH) {
            return fail(s, p, DropReason.FRAGMENT_TOO_LARGE, ctx);
        }
        int held = p.length();
        if (s == EMPTY) {
            if (freeCount == 0 || held > limits.maxBytes() - bytesHeld) {
                ctx.drop(p, DropReason.FRAGMENT_TABLE_FULL);
                return null;
            }
            s = open(~pos, addrs, idp, depth, layer, hash, ctx.now());
        } else {
            int n = count[s];
            int[] st = starts[s];
            int[] en = ends[s];
            for (int j = 0; j < n; j++) {
                if (start < en[j] && st[j] < end) {
                    if (start == st[j] && end == en[j]) {
                        if (last == (total[s] == end)) {
                            ctx.drop(p, DropReason.FRAGMENT_DUPLICATE);
                            return null;
                        }
                        return fail(s, p, DropReason.FRAGMENT_BAD, ctx);
                    }
                    if (limits.overlapPolicy() == OverlapPolicy.DROP_FRAGMENT) {
                        ctx.drop(p, DropReason.FRAGMENT_OVERLAP);
                        return null;
                    }
                    return fail(s, p, DropReason.FRAGMENT_OVERLAP, ctx);
                }
            }
            int known = total[s];
            if (last ? (known >= 0 && known != end) || en[n - 1] > end : known >= 0 && end >= known) {
                return fail(s, p, DropReason.FRAGMENT_BAD, ctx);
            }
            if (n == limits.maxFragments()) {
                return fail(s, p, DropReason.FRAGMENT_TOO_MANY, ctx);
            }
            if (held > limits.maxBytes() - bytesHeld) {
                return fail(s, p, DropReason.FRAGMENT_TABLE_FULL, ctx);
            }
        }
        insert(s, p, start, end);
        if (last) {
            total[s] = end;
        }
        received[s] += length;
        bytes[s] += held;
        bytesHeld += held;
        fragmentsHeld++;
        if (p.arrivalNanos() < earliestArrival[s]) {
            earliestArrival[s] = p.arrivalNanos();
        }
        return received[s] == total[s] ? complete(s, p, ctx) : null;
    }

    /**
     * Drops, as {@link DropReason#FRAGMENT_TIMEOUT}, every fragment of every datagram whose time ran
     * out by {@code ctx.now()}.
     *
     * @return the number of fragments dropped (0 when nothing was due)
     */
    public int expire(StageContext ctx) {
        assert ownedBy(ctx) : "Ipv4Reassembler used from two stage contexts: give each execution context its own";
        long now = ctx.now();
        int dropped = 0;
        while (oldest != EMPTY && now - deadline[oldest] >= 0) {
            dropped += count[oldest];
            fail(oldest, null, DropReason.FRAGMENT_TIMEOUT, ctx);
        }
        return dropped;
    }

    /**
     * Drops every fragment held, as {@link DropReason#FRAGMENT_INCOMPLETE}: at the end of a run or on
     * shutdown, so that nothing stays in flight.
     *
     * @return the number of fragments dropped
     */
    public int flush(StageContext ctx) {
        assert ownedBy(ctx) : "Ipv4Reassembler used from two stage contexts: give each execution context its own";
        int dropped = 0;
        while (oldest != EMPTY) {
            dropped += count[oldest];
            fail(oldest, null, DropReason.FRAGMENT_INCOMPLETE, ctx);
        }
        return dropped;
    }

    /** @return datagrams in progress */
    public int inProgress() {
        return limits.maxDatagrams() - freeCount;
    }

    /** @return fragments held, awaiting their datagram's completion or failure */
    public int fragmentsHeld() {
        return fragmentsHeld;
    }

    /** @return bytes of the fragments held (whole IP packets) */
    public int bytesHeld() {
        return bytesHeld;
    }

    /** @return the largest datagram this reassembler produces, header included */
    public int maxDatagram() {
        return maxDatagram;
    }

    public ReassemblyLimits limits() {
        return limits;
    }

    /** @return the pool reassembled datagrams come from (for its leak check) */
    public PacketPool datagramPool() {
        return datagrams;
    }

    private PacketBuffer complete(int s, PacketBuffer carrier, StageContext ctx) {
        PacketBuffer first = fragments[s][0]; // the held fragments tile [0, total): the first starts at 0
        byte[] fb = first.data();
        int fip = first.networkOffset();
        int headerLength = Ipv4Descriptor.headerLength(fb, fip);
        int length = headerLength + total[s];
        if (length > maxDatagram) {
            return fail(s, null, DropReason.FRAGMENT_TOO_LARGE, ctx);
        }
        PacketBuffer out = datagrams.acquire();
        if (out == null) {
            return fail(s, null, DropReason.POOL_EXHAUSTED, ctx);
        }
        // The one copy reassembly costs, and a necessary one: the fragments lie in separate receive
        // buffers, and the stages after this (ESP's integrity check and decryption into the spare
        // array) need the datagram contiguous in one array. Chaining buffers as mbufs do would make
        // every later stage walk the chain instead.
        byte[] ob = out.data();
        int at = out.append(length);
        System.arraycopy(fb, fip, ob, at, headerLength);
        int n = count[s];
        PacketBuffer[] f = fragments[s];
        for (int j = 0; j < n; j++) {
            byte[] src = f[j].data();
            int ip = f[j].networkOffset();
            System.arraycopy(src, ip + Ipv4Descriptor.headerLength(src, ip), ob, at + headerLength + starts[s][j],
                    ends[s][j] - starts[s][j]);
        }
        Bytes.put16(ob, at + Ipv4Descriptor.TOTAL_LENGTH, length);
        Bytes.put16(ob, at + Ipv4Descriptor.FLAGS_FRAGMENT, Ipv4Descriptor.flagsFragment(fb, fip) & Ipv4Descriptor.FLAG_DF);
        Ipv4Descriptor.updateChecksum(ob, at);
        out.arrivalNanos(earliestArrival[s]);
        out.flowHash(carrier.flowHash());
        out.queue(carrier.queue());
        out.linkType(carrier.linkType());
        out.tag = carrier.tag;
        out.depth = carrier.depth;
        out.sa = carrier.sa;
        out.networkOffset(at);
        out.transportOffset(at + headerLength);
        out.transportProtocol(Ipv4Descriptor.protocol(ob, at));
        ctx.count(Counter.FRAGMENT_ABSORBED, n - 1);
        ctx.count(Counter.REASSEMBLED);
        for (int j = 0; j < n; j++) {
            f[j].release();
            f[j] = null;
        }
        close(s);
        return out;
    }

    /** Drops every fragment held for slot {@code s} (if any) and {@code p} (if not null) with {@code reason}. */
    private PacketBuffer fail(int s, PacketBuffer p, DropReason reason, StageContext ctx) {
        if (s != EMPTY) {
            PacketBuffer[] f = fragments[s];
            for (int j = 0, n = count[s]; j < n; j++) {
                ctx.drop(f[j], reason);
                f[j] = null;
            }
            close(s);
        }
        if (p != null) {
            ctx.drop(p, reason);
        }
        return null;
    }

    private void insert(int s, PacketBuffer p, int start, int end) {
        PacketBuffer[] f = fragments[s];
        int[] st = starts[s];
        int[] en = ends[s];
        int i = count[s];
        while (i > 0 && st[i - 1] > start) {
            f[i] = f[i - 1];
            st[i] = st[i - 1];
            en[i] = en[i - 1];
            i--;
        }
        f[i] = p;
        st[i] = start;
        en[i] = end;
        count[s]++;
    }

    private int open(int at, long addrs, int idp, int depth, Object layer, int hash, long now) {
        int s = freeSlots[--freeCount];
        table[at] = s;
        addresses[s] = addrs;
        idProtocol[s] = idp;
        depths[s] = depth;
        layers[s] = layer;
        hashes[s] = hash;
        deadline[s] = now + limits.timeoutNanos();
        earliestArrival[s] = Long.MAX_VALUE;
        count[s] = 0;
        received[s] = 0;
        total[s] = -1;
        bytes[s] = 0;
        older[s] = newest;
        newer[s] = EMPTY;
        if (newest != EMPTY) {
            newer[newest] = s;
        } else {
            oldest = s;
        }
        newest = s;
        return s;
    }

    private void close(int s) {
        removeFromTable(find(addresses[s], idProtocol[s], depths[s], layers[s], hashes[s]));
        layers[s] = null;
        if (older[s] != EMPTY) {
            newer[older[s]] = newer[s];
        } else {
            oldest = newer[s];
        }
        if (newer[s] != EMPTY) {
            older[newer[s]] = older[s];
        } else {
            newest = older[s];
        }
        bytesHeld -= bytes[s];
        fragmentsHeld -= count[s];
        count[s] = 0;
        freeSlots[freeCount++] = s;
    }

    /** @return the table index holding the key, or {@code ~index} of the empty entry where it would go */
    private int find(long addrs, int idp, int depth, Object layer, int hash) {
        int i = hash & mask;
        while (true) {
            int s = table[i];
            if (s == EMPTY) {
                return ~i;
            }
            if (hashes[s] == hash && addresses[s] == addrs && idProtocol[s] == idp && depths[s] == depth
                    && layers[s] == layer) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /** Linear-probing deletion by backward shift (Knuth 6.4 Algorithm R): no tombstones to age. */
    private void removeFromTable(int hole) {
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            int s = table[j];
            if (s == EMPTY) {
                break;
            }
            int home = hashes[s] & mask;
            boolean staysPut = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!staysPut) {
                table[hole] = s;
                hole = j;
            }
        }
        table[hole] = EMPTY;
    }

    private static int hash(long addrs, int idp, int depth) {
        long x = addrs * 0x9E37_79B9_7F4A_7C15L + idp + ((long) depth << 40);
        x ^= x >>> 32;
        x *= 0xD6E8_FEB8_6659_FD93L;
        x ^= x >>> 32;
        return (int) x;
    }

    private boolean ownedBy(StageContext ctx) {
        if (owner == null) {
            owner = ctx;
        }
        return owner == ctx;
    }
}
