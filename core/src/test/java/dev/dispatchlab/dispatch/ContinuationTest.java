package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContinuationTest {

    private final ManualClock clock = new ManualClock();
    private final StageContext caller = new StageContext("caller", clock);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        caller.close();
    }

    private ExecutionContext context(String name) {
        ExecutionContext c = new ExecutionContext(name, Lifecycle.plainThreads(), clock, IdleStrategies.PARK);
        toClose.add(c);
        return c;
    }

    @Test
    void fromAnotherThreadItIsDeferredAndRunsOnTheContext() throws Exception {
        ExecutionContext ctx = context("kcont/0");
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<StageContext> ranWith = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        Continuation<String> k = new Continuation<>("k", ctx, (item, c) -> {
            ranOn.set(Thread.currentThread());
            ranWith.set(c);
            ran.countDown();
        }, 16, 8);
        ctx.start();

        assertThat(k.schedule("x", caller)).isTrue();
        Await.latch(ran, "the deferred continuation");

        assertThat(ranOn.get()).isEqualTo(ctx.threads().getFirst()).isNotEqualTo(Thread.currentThread());
        assertThat(ranWith.get()).isSameAs(ctx.stage());
        assertThat(caller.counters().get(Counter.CONTINUATION_DEFERRED)).isEqualTo(1);
        assertThat(caller.counters().get(Counter.HANDOFF)).isEqualTo(1);
        assertThat(caller.counters().get(Counter.CONTINUATION_IMMEDIATE)).isZero();
    }

    @Test
    void onItsOwnContextItRunsImmediatelyWithoutAHandoff() throws Exception {
        ExecutionContext ctx = context("kcont/0");
        List<String> order = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Continuation<String>> second = new AtomicReference<>();
        second.set(new Continuation<>("second", ctx, (item, c) -> order.add("second:" + item), 16, 8));
        Continuation<String> first = new Continuation<>("first", ctx, (item, c) -> {
            order.add("first:" + item);
            second.get().schedule(item, c); // on its own context: runs inside this call
            order.add("first returns");
            done.countDown();
        }, 16, 8);
        ctx.start();

        first.schedule("a", caller);
        Await.latch(done, "the first continuation");
        ctx.stop();
        assertThat(ctx.join(Duration.ofSeconds(10))).isTrue();

        assertThat(order).containsExactly("first:a", "second:a", "first returns");
        assertThat(ctx.stage().counters().get(Counter.CONTINUATION_IMMEDIATE)).isEqualTo(1);
        assertThat(ctx.stage().counters().get(Counter.HANDOFF)).isZero();
    }

    @Test
    void aChainOfImmediateRunsIsCutAtTheDepthLimitAndStillCompletes() throws Exception {
        ExecutionContext ctx = context("kcont/0");
        int runs = 3 * Continuation.MAX_IMMEDIATE_DEPTH;
        AtomicInteger left = new AtomicInteger(runs);
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Continuation<Integer>> self = new AtomicReference<>();
        self.set(new Continuation<>("chain", ctx, (item, c) -> {
            maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
            if (left.decrementAndGet() > 0) {
                self.get().schedule(item, c);
            } else {
                done.countDown();
            }
            depth.decrementAndGet();
        }, 16, 64));
        ctx.start();

        self.get().schedule(1, caller);
        Await.latch(done, "the whole chain");
        ctx.stop();
        assertThat(ctx.join(Duration.ofSeconds(10))).isTrue();

        assertThat(maxDepth.get()).isEqualTo(Continuation.MAX_IMMEDIATE_DEPTH);
        long immediate = ctx.stage().counters().get(Counter.CONTINUATION_IMMEDIATE);
        long deferredOnSelf = ctx.stage().counters().get(Counter.CONTINUATION_DEFERRED);
        assertThat(immediate + deferredOnSelf).isEqualTo(runs - 1);
        assertThat(deferredOnSelf).isPositive();
        assertThat(ctx.stage().counters().get(Counter.HANDOFF)).isZero();
    }

    @Test
    void aFullQueueRefusesAndCountsAndTheCallerKeepsTheItem() {
        ExecutionContext ctx = context("kcont/0"); // never started: nothing drains
        Continuation<String> k = new Continuation<>("k", ctx, (item, c) -> { }, 2, 8);
        assertThat(k.schedule("a", caller)).isTrue();
        assertThat(k.schedule("b", caller)).isTrue();
        assertThat(k.schedule("c", caller)).isFalse();
        assertThat(caller.counters().get(Counter.QUEUE_FULL)).isEqualTo(1);
        assertThat(k.queued()).isEqualTo(2);
    }

    @Test
    void stopDrainsWhatIsQueuedAndLeftoversAreDiscardedAfterJoin() throws Exception {
        ExecutionContext ctx = context("kcont/0");
        AtomicInteger handled = new AtomicInteger();
        Continuation<String> k = new Continuation<>("k", ctx, (item, c) -> handled.incrementAndGet(), 64, 4);
        for (int i = 0; i < 10; i++) {
            k.schedule("x", caller);
        }
        ctx.start();
        ctx.stop();
        assertThat(ctx.join(Duration.ofSeconds(10))).isTrue();
        assertThat(handled.get()).as("queued before stop: drained").isEqualTo(10);

        assertThat(k.schedule("late", caller)).as("after the context ended: refused").isFalse();
        assertThat(k.discardRemaining((item, c) -> { })).isZero();
        assertThat(ctx.threads()).allMatch(t -> !t.isAlive());
    }

    @Test
    void sourcesAreAddedBeforeStartOnly() {
        ExecutionContext ctx = context("c");
        ctx.start();
        assertThatThrownBy(() -> ctx.add((c, b) -> 0, 1)).hasMessageContaining("before start");
        assertThatThrownBy(ctx::start).hasMessageContaining("twice");
    }

    @Test
    void aFailingSourceEndsTheContextAndIsReported() throws Exception {
        ExecutionContext ctx = context("c");
        ctx.add((c, b) -> {
            throw new IllegalStateException("boom");
        }, 1);
        ctx.start();
        assertThat(ctx.join(Duration.ofSeconds(10))).isTrue();
        assertThat(ctx.failure()).hasMessage("boom");
        assertThat(ctx.ended()).isTrue();
    }
}
