package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkQueueTest {

    private final ManualClock clock = new ManualClock();
    private final StageContext caller = new StageContext("caller", clock);

    @AfterEach
    void close() {
        caller.close();
    }

    @Test
    void aBlockedItemHoldsUpOnlyItsOwnWorker() throws Exception {
        CountDownLatch blockedEntered = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        CountDownLatch otherDone = new CountDownLatch(1);
        CountDownLatch behindDone = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        Map<String, String> threadOf = new ConcurrentHashMap<>();
        try (WorkQueue<String> wq = new WorkQueue<>("wq", 2, Lifecycle.plainThreads(), clock, IdleStrategies.PARK, 16, 4,
                (item, ctx) -> {
                    threadOf.put(item, Thread.currentThread().getName());
                    switch (item) {
                        case "blocking" -> {
                            blockedEntered.countDown();
                            unblock.await(); // a work-queue item may sleep
                            order.add(item);
                        }
                        case "other" -> {
                            order.add(item);
                            otherDone.countDown();
                        }
                        case "behind" -> {
                            order.add(item);
                            behindDone.countDown();
                        }
                        default -> throw new AssertionError(item);
                    }
                })) {
            wq.start();
            assertThat(wq.enqueue("blocking", 0, caller)).isTrue();
            Await.latch(blockedEntered, "the blocking item to start");
            assertThat(wq.enqueue("behind", 0, caller)).isTrue();
            assertThat(wq.enqueue("other", 1, caller)).isTrue();

            Await.latch(otherDone, "the other worker's item while worker 0 is blocked");
            assertThat(behindDone.getCount()).as("the item behind the blocked one waits for it").isEqualTo(1);
            unblock.countDown();
            Await.latch(behindDone, "the item behind the blocked one");

            wq.stop();
            assertThat(wq.join(Duration.ofSeconds(10))).isTrue();
            assertThat(wq.failure()).isNull();
            assertThat(order).containsExactly("other", "blocking", "behind");
            assertThat(threadOf).containsEntry("blocking", "wq/0").containsEntry("behind", "wq/0").containsEntry("other", "wq/1");
            assertThat(caller.counters().get(Counter.HANDOFF)).isEqualTo(3);
        }
    }

    @Test
    void aFullQueueRefusesAndCounts() {
        try (WorkQueue<String> wq = new WorkQueue<>("wq", 1, Lifecycle.plainThreads(), clock, IdleStrategies.PARK, 2, 4,
                (item, ctx) -> { })) {
            assertThat(wq.enqueue("a", caller)).isTrue();
            assertThat(wq.enqueue("b", caller)).isTrue();
            assertThat(wq.enqueue("c", caller)).isFalse();
            assertThat(caller.counters().get(Counter.QUEUE_FULL)).isEqualTo(1);
        }
    }
}
