package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SoftintTest {

    private final ManualClock clock = new ManualClock();
    private final StageContext caller = new StageContext("caller", clock);
    private final Softints softints = new Softints(2, Lifecycle.plainThreads(), clock, IdleStrategies.PARK);

    @AfterEach
    void close() {
        softints.close();
        caller.close();
    }

    private void stopAndJoin() throws InterruptedException {
        softints.stop();
        assertThat(softints.join(Duration.ofSeconds(10))).isTrue();
        assertThat(softints.failure()).isNull();
    }

    @Test
    void schedulesWhilePendingCoalesceIntoOneRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        Softint s = softints.establish(SoftintLevel.NET, 0, "ipintr", (ctx, budget) -> {
            runs.incrementAndGet();
            ran.countDown();
            return 1;
        }, 8);
        assertThat(s.schedule(caller)).isTrue();
        assertThat(s.schedule(caller)).isFalse();
        assertThat(s.schedule(caller)).isFalse();
        assertThat(s.isPending()).isTrue();

        softints.start();
        Await.latch(ran, "the softint to run");
        stopAndJoin();

        assertThat(runs.get()).isEqualTo(1);
        assertThat(caller.counters().get(Counter.SOFTINT_SCHEDULED)).isEqualTo(1);
        assertThat(caller.counters().get(Counter.SOFTINT_COALESCED)).isEqualTo(2);
        assertThat(s.context().stage().counters().get(Counter.SOFTINT_RUN)).isEqualTo(1);
    }

    @Test
    void aScheduleDuringTheRunQueuesExactlyOneMoreRun() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondRun = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Softint s = softints.establish(SoftintLevel.NET, 0, "ipintr", (ctx, budget) -> {
            if (runs.incrementAndGet() == 1) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            } else {
                secondRun.countDown();
            }
            return 1;
        }, 8);
        softints.start();
        s.schedule(caller);
        Await.latch(entered, "the first run");
        assertThat(s.isPending()).as("pending is cleared before the handler runs").isFalse();
        for (int i = 0; i < 5; i++) {
            s.schedule(caller);
        }
        release.countDown();
        Await.latch(secondRun, "the second run");
        stopAndJoin();

        assertThat(runs.get()).isEqualTo(2);
        assertThat(caller.counters().get(Counter.SOFTINT_SCHEDULED)).isEqualTo(2);
        assertThat(caller.counters().get(Counter.SOFTINT_COALESCED)).isEqualTo(4);
    }

    @Test
    void aHandlerThatUsesItsBudgetRunsAgain() throws Exception {
        AtomicInteger left = new AtomicInteger(10);
        CountDownLatch done = new CountDownLatch(1);
        Softint s = softints.establish(SoftintLevel.NET, 0, "ipintr", (ctx, budget) -> {
            int n = Math.min(budget, left.get());
            if (left.addAndGet(-n) == 0) {
                done.countDown();
            }
            return n;
        }, 4);
        softints.start();
        s.schedule(caller);
        Await.latch(done, "all items");
        stopAndJoin();
        // 4, 4 (both used the budget: rescheduled), then 2
        StageContext softnet = s.context().stage();
        assertThat(softnet.counters().get(Counter.SOFTINT_RUN)).isEqualTo(3);
        assertThat(softnet.counters().get(Counter.BUDGET_EXHAUSTED)).isEqualTo(2);
    }

    @Test
    void oneThreadPerLevelPerCpuAndHandlersRunOnTheirs() throws Exception {
        List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(3);
        Work record = (ctx, budget) -> {
            ranOn.add(Thread.currentThread().getName() + "=" + ctx.name());
            all.countDown();
            return 1;
        };
        Softint net0 = softints.establish(SoftintLevel.NET, 0, "a", record, 8);
        Softint net1 = softints.establish(SoftintLevel.NET, 1, "b", record, 8);
        Softint bio0 = softints.establish(SoftintLevel.BIO, 0, "c", record, 8);
        softints.establish(SoftintLevel.NET, 0, "d", record, 8);
        softints.start();
        net0.schedule(caller);
        net1.schedule(caller);
        bio0.schedule(caller);
        Await.latch(all, "three softints");
        stopAndJoin();

        assertThat(softints.threads()).extracting(Thread::getName)
                .containsExactlyInAnyOrder("softnet/0", "softnet/1", "softbio/0");
        assertThat(ranOn).containsExactlyInAnyOrder("softnet/0=softnet/0", "softnet/1=softnet/1", "softbio/0=softbio/0");
        assertThatThrownBy(() -> softints.establish(SoftintLevel.NET, 0, "late", record, 1)).hasMessageContaining("before start");
        assertThatThrownBy(() -> softints.context(SoftintLevel.NET, 2)).hasMessageContaining("cpu=2");
    }

    @Test
    void aSoftintQueueDefersEveryItemToTheSoftintThreadInOrder() throws Exception {
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> thread = new AtomicReference<>();
        CountDownLatch all = new CountDownLatch(100);
        SoftintQueue<Integer> q = softints.queue(SoftintLevel.NET, 1, "ipintrq", 128, 16, (item, ctx) -> {
            thread.set(Thread.currentThread().getName());
            got.add(item);
            all.countDown();
        });
        softints.start();
        for (int i = 0; i < 100; i++) {
            assertThat(q.enqueue(i, caller)).isTrue();
        }
        Await.latch(all, "all items");
        stopAndJoin();

        assertThat(got).hasSize(100).isSorted();
        assertThat(thread.get()).isEqualTo("softnet/1");
        assertThat(caller.counters().get(Counter.HANDOFF)).isEqualTo(100);
        assertThat(caller.counters().get(Counter.SOFTINT_SCHEDULED) + caller.counters().get(Counter.SOFTINT_COALESCED))
                .isEqualTo(100);
        assertThat(caller.counters().get(Counter.SOFTINT_SCHEDULED)).isBetween(1L, 100L);
    }

    @Test
    void aFullSoftintQueueRefusesAndCounts() {
        SoftintQueue<Integer> q = softints.queue(SoftintLevel.NET, 0, "ipintrq", 2, 16, (item, ctx) -> { });
        assertThat(q.enqueue(1, caller)).isTrue();
        assertThat(q.enqueue(2, caller)).isTrue();
        assertThat(q.enqueue(3, caller)).isFalse();
        assertThat(caller.counters().get(Counter.QUEUE_FULL)).isEqualTo(1);
        assertThat(caller.counters().get(Counter.SOFTINT_SCHEDULED)).isEqualTo(1);
        assertThat(caller.counters().get(Counter.SOFTINT_COALESCED)).isEqualTo(1);
    }
}
