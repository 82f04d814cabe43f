package dev.dispatchlab.packet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PacketPool} under concurrent use: several platform threads run random scripts of acquire,
 * release, and hand-over through a queue (so that buffers are released by threads other than the
 * ones that acquired them, as packets are in the receive path). An ownership table, updated with
 * compare-and-set at every step, and a stamp each owner writes into the buffer and checks before
 * letting go, catch a buffer handed to two owners; at the end every buffer is back
 * ({@code outstanding() == 0}) and can be acquired once more, each exactly once.
 */
class PacketPoolProperties {

    enum Step { ACQUIRE, RELEASE, HAND_OVER, TAKE_OVER }

    private static final int FREE = -1;
    private static final int IN_TRANSIT = -2;

    @Provide
    Arbitrary<List<List<Step>>> scripts() {
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Step.ACQUIRE)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Step.RELEASE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Step.HAND_OVER)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Step.TAKE_OVER)));
        return step.list().ofMinSize(1).ofMaxSize(3000).list().ofMinSize(2).ofMaxSize(4);
    }

    @Property(tries = 60)
    void concurrentAcquireAndReleaseNeverShareABuffer(@ForAll @IntRange(min = 2, max = 24) int buffers,
                                                      @ForAll("scripts") List<List<Step>> scripts)
            throws InterruptedException {
        PacketPool pool = new PacketPool("pool-property", buffers, 64, 8);
        AtomicIntegerArray owner = new AtomicIntegerArray(buffers);
        for (int i = 0; i < buffers; i++) {
            owner.set(i, FREE);
        }
        ConcurrentLinkedQueue<PacketBuffer> transit = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger acquired = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < scripts.size(); t++) {
            int me = t;
            List<Step> script = scripts.get(t);
            threads.add(Thread.ofPlatform().name("pool-" + t).start(() -> {
                ArrayDeque<PacketBuffer> held = new ArrayDeque<>();
                try {
                    start.await();
                    for (Step s : script) {
                        switch (s) {
                            case ACQUIRE -> {
                                PacketBuffer b = pool.acquire();
                                if (b != null) {
                                    own(b, owner, FREE, me);
                                    acquired.incrementAndGet();
                                    held.add(b);
                                }
                            }
                            case RELEASE -> release(held.pollFirst(), owner, me);
                            case HAND_OVER -> {
                                PacketBuffer b = held.pollLast();
                                if (b != null) {
                                    checkStamp(b, me);
                                    disown(b, owner, me, IN_TRANSIT);
                                    transit.add(b);
                                }
                            }
                            case TAKE_OVER -> {
                                PacketBuffer b = transit.poll();
                                if (b != null) {
                                    own(b, owner, IN_TRANSIT, me);
                                    held.add(b);
                                }
                            }
                        }
                    }
                    while (!held.isEmpty()) {
                        release(held.pollFirst(), owner, me);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
        }
        assertThat(failure.get()).as("a buffer had two owners or was mishandled").isNull();
        PacketBuffer b;
        while ((b = transit.poll()) != null) {
            own(b, owner, IN_TRANSIT, 99);
            release(b, owner, 99);
        }
        assertThat(pool.outstanding()).as("buffers still out: " + pool.leaked()).isZero();
        assertThat(pool.leaked()).isEmpty();
        // every buffer comes back exactly once
        List<PacketBuffer> all = new ArrayList<>();
        for (int i = 0; i < buffers; i++) {
            PacketBuffer x = pool.acquire();
            assertThat(x).isNotNull();
            all.add(x);
        }
        assertThat(pool.acquire()).isNull();
        assertThat(all.stream().map(PacketBuffer::index).distinct().count()).isEqualTo(buffers);
        all.forEach(PacketBuffer::release);
        assertThat(pool.outstanding()).isZero();
    }

    /** Claims {@code b} for {@code me}; fails if someone else holds it. Stamps the buffer with the new owner. */
    private static void own(PacketBuffer b, AtomicIntegerArray owner, int from, int me) {
        int was = owner.compareAndExchange(b.index(), from, me);
        if (was != from) {
            throw new AssertionError("buffer #" + b.index() + " handed to " + me + " while owned by " + was);
        }
        if (!b.inUse()) {
            throw new AssertionError("buffer #" + b.index() + " handed out but not marked in use");
        }
        Bytes.put32(b.data(), 0, me);
        Bytes.put32(b.data(), 4, ~me);
    }

    private static void disown(PacketBuffer b, AtomicIntegerArray owner, int me, int to) {
        int was = owner.compareAndExchange(b.index(), me, to);
        if (was != me) {
            throw new AssertionError("buffer #" + b.index() + " let go by " + me + " but owned by " + was);
        }
    }

    private static void checkStamp(PacketBuffer b, int me) {
        if (Bytes.i32(b.data(), 0) != me || Bytes.i32(b.data(), 4) != ~me) {
            throw new AssertionError("buffer #" + b.index() + " written by another owner while " + me + " held it");
        }
    }

    private static void release(PacketBuffer b, AtomicIntegerArray owner, int me) {
        if (b == null) {
            return;
        }
        checkStamp(b, me);
        disown(b, owner, me, FREE);
        b.release();
    }

    /** A second release is a bug the pool refuses, and it leaves the pool consistent. */
    @Example
    void aSecondReleaseThrowsAndLeavesThePoolWhole() {
        PacketPool pool = new PacketPool("double-release", 2, 64, 8);
        PacketBuffer b = pool.acquire();
        b.release();
        assertThatThrownBy(b::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("released twice");
        assertThat(pool.outstanding()).isZero();
        PacketBuffer x = pool.acquire();
        PacketBuffer y = pool.acquire();
        assertThat(x).isNotSameAs(y);
        assertThat(pool.acquire()).isNull();
        x.release();
        y.release();
        assertThat(pool.outstanding()).isZero();
    }
}
