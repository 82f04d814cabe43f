package dev.dispatchlab.esp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The anti-replay window of one inbound SA (RFC 4303 section 3.4.3), with extended sequence number
 * reconstruction (RFC 4303 Appendix A).
 *
 * <h2>Use</h2>
 * <ol>
 *   <li>{@link #check(long)} before the integrity check: reconstructs the 64-bit sequence number from
 *       the 32 bits on the wire and says whether it may be new. It changes nothing: a forged packet
 *       must not move the window.</li>
 *   <li>{@link #update(long)} only after the integrity check passed: marks the number seen and moves
 *       the right edge. It checks again, atomically with the marking, and returns false for a
 *       duplicate that raced its twin through the crypto engine; that packet is a replay.</li>
 * </ol>
 *
 * <h2>Layout (RFC 6479)</h2>
 * A ring of {@code 2^k} 64-bit words holds one bit per sequence number; sequence number {@code s}
 * lives in word {@code (s >>> 6) & mask}, bit {@code s & 63}. The ring has at least one word more
 * than the window needs, so moving the right edge only clears the words it enters, one store per
 * 64 sequence numbers, and a check or update is O(1) whatever the window size (no shifting of the
 * whole bitmap as in RFC 4303's sample code).
 *
 * <h2>Threading and cost</h2>
 * Any number of threads may call both methods concurrently; the check may run on the submitting
 * context and the update on whichever context completes the crypto request.
 * <ul>
 *   <li>{@code check} takes no lock: one acquire load of the right edge and one opaque read of a
 *       word. A check racing an update may see the old edge with newer words; the only effect is a
 *       false "may be new" for a number the update then rejects (one wasted decryption), never a
 *       false rejection of a number that is new and inside the window: {@code update} clears words
 *       before it publishes the new edge with a release store.</li>
 *   <li>{@code update} holds the window's monitor for a handful of stores. Uncontended that is one
 *       CAS to enter (tens of nanoseconds); when several contexts complete packets of the same SA at
 *       once they serialise here, and the window's cache lines move between their CPUs. Spreading a
 *       flow over several SAs (one per queue, as IKE's multiple child SAs do) removes the contention.</li>
 * </ul>
 *
 * <p>A window of size 0 disables replay protection (as {@code ip xfrm}'s {@code replay-window 0});
 * the right edge is still tracked, because ESN reconstruction needs it.
 */
public final class ReplayWindow {

    /** The window used when the configuration names none. */
    public static final int DEFAULT_SIZE = 1024;
    /** The largest window accepted (a 16 KiB bitmap). */
    public static final int MAX_SIZE = 1 << 17;

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TOP;
    private static final long LOW_MASK = 0xFFFF_FFFFL;

    static {
        try {
            TOP = MethodHandles.lookup().findVarHandle(ReplayWindow.class, "top", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int size;
    private final int guessSize;
    private final boolean esn;
    private final long[] bitmap;
    private final int wordMask;
    private final Object lock = new Object();
    /**
     * Highest authenticated sequence number (unsigned); 0 until the first packet. Written under the
     * lock with release stores and read by {@link #check} with acquire loads (through {@code TOP}):
     * that orders the word clears before the new edge, which is all a checker needs, without the
     * full fence a volatile store costs on every packet.
     */
    private long top;

    /**
     * @param size       window size in packets; 0 disables replay protection
     * @param esn        whether sequence numbers are 64-bit (only the low half on the wire)
     * @param initialTop the highest sequence number already received when the SA is installed, which
     *                   counts as seen (normally 0: none; a capture decryptor may start mid-stream with
     *                   the ESN high half known)
     */
    public ReplayWindow(int size, boolean esn, long initialTop) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("replay window must be in [0, " + MAX_SIZE + "]: size=" + size);
        }
        if (!esn && Long.compareUnsigned(initialTop, LOW_MASK) > 0) {
            throw new IllegalArgumentException("initial sequence number beyond 32 bits without ESN: " + initialTop);
        }
        this.size = size;
        this.guessSize = size == 0 ? DEFAULT_SIZE : size;
        this.esn = esn;
        int words = Integer.highestOneBit(Math.max(2, (size + 63) / 64 + 1) * 2 - 1);
        this.bitmap = new long[words];
        this.wordMask = words - 1;
        this.top = initialTop;
        if (initialTop != 0) {
            mark(initialTop);
        }
    }

    public ReplayWindow(int size, boolean esn) {
        this(size, esn, 0);
    }

    /** @return the window size in packets (0: replay protection off) */
    public int size() {
        return size;
    }

    public boolean esn() {
        return esn;
    }

    /** @return the highest authenticated sequence number so far (unsigned 64-bit) */
    public long top() {
        return (long) TOP.getAcquire(this);
    }

    /**
     * Reconstructs the sequence number of a packet and checks it against the window, changing nothing.
     * Any thread; no lock, no allocation.
     *
     * <p>With ESN, a low half that falls left of the window is read as a number in the next 2^32 block
     * (RFC 4303 A2.2): it "may be new", and the integrity check, computed with that high half, rejects
     * it. So an old replayed packet on an ESN SA is dropped as an integrity failure, not as a replay.
     *
     * @param wireSeq the 32-bit sequence number field, as an unsigned value
     * @return the full sequence number if the packet may be new, or 0 if it is a replay, too old, or
     *         the invalid sequence number 0
     */
    public long check(long wireSeq) {
        long t = (long) TOP.getAcquire(this);
        long seq = esn ? reconstruct(t, wireSeq & LOW_MASK, guessSize) : wireSeq & LOW_MASK;
        if (seq == 0) {
            return 0;
        }
        return fresh(seq, t) ? seq : 0;
    }

    /**
     * Marks {@code seq} (as returned by {@link #check}) seen and moves the window. Call only after
     * the packet's integrity check passed. Any thread.
     *
     * @return true if {@code seq} was still new; false if another packet with it got here first, or
     *         the window moved past it while the packet was being decrypted
     */
    public boolean update(long seq) {
        if (seq == 0) {
            return false;
        }
        synchronized (lock) {
            long t = top; // plain: only updaters write it, and they hold the lock
            if (!fresh(seq, t)) {
                return false;
            }
            if (Long.compareUnsigned(seq, t) > 0) {
                if (size != 0) {
                    long blocks = (seq >>> 6) - (t >>> 6);
                    if (Long.compareUnsigned(blocks, bitmap.length) >= 0) {
                        for (int i = 0; i < bitmap.length; i++) {
                            WORDS.setOpaque(bitmap, i, 0L);
                        }
                    } else {
                        for (long b = 1; b <= blocks; b++) {
                            WORDS.setOpaque(bitmap, (int) (((t >>> 6) + b) & wordMask), 0L);
                        }
                    }
                }
                mark(seq);
                TOP.setRelease(this, seq); // after the clears: a checker that sees this edge sees them
            } else {
                mark(seq);
            }
            return true;
        }
    }

    /**
     * Re-arms the window as if the SA had just been installed: nothing seen, right edge 0. This is
     * what installing a fresh SA after a rekey amounts to; the synthetic wire uses it when a
     * pre-built packet set comes round again (see {@code workload.TrafficSet}). Any thread; the
     * caller makes sure no packet of this SA is between check and update.
     */
    public void reset() {
        synchronized (lock) {
            for (int i = 0; i < bitmap.length; i++) {
                WORDS.setOpaque(bitmap, i, 0L);
            }
            TOP.setRelease(this, 0L);
        }
    }

    private void mark(long seq) {
        if (size != 0) {
            int w = (int) ((seq >>> 6) & wordMask);
            WORDS.setOpaque(bitmap, w, (long) WORDS.getOpaque(bitmap, w) | (1L << (seq & 63)));
        }
    }

    private boolean fresh(long seq, long t) {
        if (Long.compareUnsigned(seq, t) > 0) {
            return true;
        }
        if (size == 0) {
            return true;
        }
        if (Long.compareUnsigned(t - seq, size) >= 0) {
            return false;
        }
        long word = (long) WORDS.getOpaque(bitmap, (int) ((seq >>> 6) & wordMask));
        return (word & (1L << (seq & 63))) == 0;
    }

    /**
     * RFC 4303 Appendix A2.2: the high half of a sequence number from the low half on the wire and
     * the window's right edge {@code t}, assuming the packet lies within {@code w} of the window or
     * anywhere ahead of it in the same or the next 2^32 block.
     *
     * @return the 64-bit sequence number
     */
    static long reconstruct(long t, long seqLow, int w) {
        long tl = t & LOW_MASK;
        long th = t >>> 32;
        long high;
        if (tl >= w - 1) {
            // the window lies within one 2^32 block
            high = seqLow >= tl - w + 1 ? th : th + 1;
        } else {
            // the window spans the previous block's end; before any block, there is no previous one
            long edge = (tl - w + 1) & LOW_MASK;
            high = seqLow >= edge && th > 0 ? th - 1 : th;
        }
        return (high << 32) | seqLow;
    }

    @Override
    public String toString() {
        return "ReplayWindow{size=" + size + (esn ? ", esn" : "") + ", top=" + Long.toUnsignedString(top()) + '}';
    }
}
