package dev.dispatchlab.esp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/** The anti-replay window on its own: RFC 4303 3.4.3 semantics, RFC 6479 ring, Appendix A ESN. */
class ReplayWindowProperties {

    private static final long TWO_32 = 1L << 32;

    @Provide
    Arbitrary<Integer> windows() {
        return Arbitraries.integers().between(1, 4096).edgeCases(c -> c.includeOnly(1, 63, 64, 65, 1024, 4096));
    }

    /** A shuffled window's worth of sequence numbers is accepted exactly once each, in any order. */
    @Property(tries = 300)
    void shuffledWindowAcceptedExactlyOnce(@ForAll("windows") int w, @ForAll @LongRange(min = 1, max = 1L << 40) long base,
                                           @ForAll boolean esn, @ForAll Random random) {
        if (!esn && base + w > TWO_32) {
            base = TWO_32 - w;
        }
        ReplayWindow rw = new ReplayWindow(w, esn, base - 1);
        List<Long> seqs = new ArrayList<>();
        for (long s = base; s < base + w; s++) {
            seqs.add(s);
        }
        Collections.shuffle(seqs, random);
        for (long s : seqs) {
            long full = rw.check(s & 0xFFFF_FFFFL);
            assertThat(full).as("check %d", s).isEqualTo(s);
            assertThat(rw.update(full)).as("update %d", s).isTrue();
        }
        Collections.shuffle(seqs, random);
        for (long s : seqs) {
            assertThat(rw.check(s & 0xFFFF_FFFFL)).as("replayed %d", s).isZero();
            assertThat(rw.update(s)).isFalse();
        }
        assertThat(rw.top()).isEqualTo(base + w - 1);
    }

    /** Sequence numbers at or beyond the left edge (top - window) are rejected, seen or not. */
    @Property(tries = 300)
    void leftOfTheWindowRejected(@ForAll("windows") int w, @ForAll @IntRange(min = 0, max = 100_000) int ahead,
                                @ForAll @IntRange(min = 0, max = 100_000) int behind) {
        ReplayWindow rw = new ReplayWindow(w, false);
        long top = w + ahead + 1L;
        assertThat(rw.update(rw.check(top))).isTrue();
        long old = top - w - behind;
        if (old > 0) {
            assertThat(rw.check(old)).isZero();
            assertThat(rw.update(old)).isFalse();
        }
        if (w > 1) {
            long inside = top - w + 1;
            assertThat(rw.check(inside)).as("the window's left edge, unseen").isEqualTo(inside);
        }
    }

    /**
     * Against a model (a set of seen numbers and the highest): for random arrivals around and far
     * beyond the right edge, check and update agree with RFC 4303 3.4.3 exactly, so the ring's
     * clearing never loses or invents a bit.
     */
    @Property(tries = 300)
    void agreesWithASetModel(@ForAll("windows") int w, @ForAll @IntRange(min = 1, max = 400) int steps,
                             @ForAll Random random) {
        // 32-bit numbers: with ESN a number left of the window is read as the next 2^32 block
        // (RFC 4303 A2.2) and left for the integrity check to reject, which this model does not do
        ReplayWindow rw = new ReplayWindow(w, false);
        Set<Long> seen = new HashSet<>();
        long top = 0;
        for (int i = 0; i < steps; i++) {
            long s = switch (random.nextInt(4)) {
                case 0 -> top + 1 + random.nextInt(3 * w + 130);
                case 1 -> top + 1 + random.nextInt(200_000);
                default -> top - random.nextInt(w + 70) + 1;
            };
            if (s <= 0) {
                continue;
            }
            boolean fresh = s > top || (top - s < w && !seen.contains(s));
            long full = rw.check(s & 0xFFFF_FFFFL);
            assertThat(full).as("check %d (top %d)", s, top).isEqualTo(fresh ? s : 0);
            if (fresh) {
                assertThat(rw.update(full)).isTrue();
                seen.add(s);
                top = Math.max(top, s);
            }
        }
        assertThat(rw.top()).isEqualTo(top);
    }

    /**
     * ESN (RFC 4303 Appendix A): from the low half alone, any sequence number inside the window or up
     * to 2^31 ahead of it is reconstructed exactly, across 2^32 boundaries.
     */
    @Property(tries = 2000)
    void esnReconstruction(@ForAll("windows") int w, @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long top,
                           @ForAll @LongRange(min = -4096, max = 1L << 31) long delta) {
        long seq = top + delta;
        if (delta <= -w || seq <= 0) {
            return;
        }
        assertThat(ReplayWindow.reconstruct(top, seq & 0xFFFF_FFFFL, w)).isEqualTo(seq);
    }

    @Property(tries = 200)
    void esnWrapAcross2To32(@ForAll @LongRange(min = 0, max = 1L << 30) long high, @ForAll("windows") int w,
                            @ForAll @IntRange(min = 1, max = 3000) int n) {
        long start = ((high + 1) << 32) - n;
        ReplayWindow rw = new ReplayWindow(w, true, start - 1);
        for (long s = start; s < start + 2L * n; s++) {
            long full = rw.check(s & 0xFFFF_FFFFL);
            assertThat(full).isEqualTo(s);
            assertThat(rw.update(full)).isTrue();
        }
        assertThat(rw.top() >>> 32).isEqualTo(high + 1);
    }

    @Example
    void sequenceZeroIsNeverValid() {
        ReplayWindow rw = new ReplayWindow(64, false);
        assertThat(rw.check(0)).isZero();
        assertThat(rw.update(0)).isFalse();
        ReplayWindow esn = new ReplayWindow(64, true);
        assertThat(esn.check(0)).isZero();
    }

    @Example
    void windowZeroTurnsReplayProtectionOff() {
        ReplayWindow rw = new ReplayWindow(0, false);
        assertThat(rw.update(rw.check(5))).isTrue();
        assertThat(rw.check(5)).isEqualTo(5);
        assertThat(rw.update(5)).isTrue();
        assertThat(rw.check(1)).isEqualTo(1);
        assertThat(rw.top()).isEqualTo(5);
    }

    /**
     * Several threads check and update overlapping sequence numbers at once, each in its own order:
     * every number is accepted exactly once in all. (No timing: the threads start together and the
     * test waits for all of them.)
     */
    @Example
    void concurrentUpdatesAcceptEachNumberOnce() throws InterruptedException {
        int n = 20_000;
        int threads = 4;
        ReplayWindow rw = new ReplayWindow(ReplayWindow.MAX_SIZE, false);
        AtomicIntegerArray accepted = new AtomicIntegerArray(n + 1);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread th = new Thread(() -> {
                List<Long> order = new ArrayList<>();
                for (long s = 1; s <= n; s++) {
                    order.add(s);
                }
                Collections.shuffle(order, new Random(seed));
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (long s : order) {
                    long full = rw.check(s);
                    if (full != 0 && rw.update(full)) {
                        accepted.incrementAndGet((int) s);
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        for (int s = 1; s <= n; s++) {
            assertThat(accepted.get(s)).as("seq %d", s).isEqualTo(1);
        }
    }
}
