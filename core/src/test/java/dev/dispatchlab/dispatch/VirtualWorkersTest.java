package dev.dispatchlab.dispatch;

import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualWorkersTest {

    private final ManualClock clock = new ManualClock();

    /**
     * More parked workers than carriers: worker i waits for its token, then passes it to i+1. If a
     * wait pinned its carrier, the parked workers would hold every carrier and the chain (and the
     * test) would stall.
     */
    @Test
    void parkedWorkersFreeTheirCarriers() throws Exception {
        int n = 4 * Runtime.getRuntime().availableProcessors() + 4;
        AtomicIntegerArray token = new AtomicIntegerArray(n);
        CountDownLatch allWaiting = new CountDownLatch(n);
        CountDownLatch lastDone = new CountDownLatch(1);
        AtomicReference<VirtualWorkers> set = new AtomicReference<>();
        set.set(new VirtualWorkers("vt", n, Lifecycle.virtualThreads(), clock, IdleStrategies.PARK, self -> {
            int i = self.index();
            allWaiting.countDown();
            while (token.get(i) == 0) {
                self.await();
            }
            if (i + 1 < n) {
                token.set(i + 1, 1);
                set.get().worker(i + 1).wake();
            } else {
                lastDone.countDown();
            }
        }));
        VirtualWorkers workers = set.get();
        workers.start();
        Await.latch(allWaiting, "every worker to start waiting");
        token.set(0, 1);
        workers.worker(0).wake();
        Await.latch(lastDone, "the token to reach the last worker");
        workers.stop();
        assertThat(workers.join(Duration.ofSeconds(10))).isTrue();
        workers.close();

        assertThat(workers.threads()).hasSize(n).allMatch(Thread::isVirtual).noneMatch(Thread::isAlive);
        assertThat(workers.failure()).isNull();
    }

    @Test
    void aWorkerParksUntilItsCryptoRequestIsCompletedByAnotherThread() throws Exception {
        AtomicReference<CryptoStatus> status = new AtomicReference<>();
        AtomicReference<CryptoRequest> submitted = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        try (VirtualWorkers workers = new VirtualWorkers("vt", 1, Lifecycle.virtualThreads(), clock, IdleStrategies.PARK,
                self -> {
                    CryptoRequest r = new CryptoRequest();
                    r.then((req, ctx) -> {
                        throw new AssertionError("the waiting worker is the continuation; the callback is not run");
                    }, self.completionTarget());
                    submitted.set(r);
                    waiting.countDown();
                    status.set(self.awaitCompletion(r));
                })) {
            workers.start();
            Await.latch(waiting, "the worker to submit");
            CryptoRequest r = submitted.get();
            try (StageContext engine = new StageContext("engine", clock)) {
                Thread completer = Thread.ofPlatform().start(() -> {
                    r.status(CryptoStatus.OK);
                    r.target().complete(r, engine);
                });
                completer.join();
            }
            assertThat(workers.join(Duration.ofSeconds(10))).isTrue();
            assertThat(status.get()).isEqualTo(CryptoStatus.OK);
            assertThat(workers.failure()).isNull();
        }
    }

    @Test
    void anInboxHandsEachItemToExactlyOneFreeWorker() throws Exception {
        int items = 20_000;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicReference<VirtualInbox<Integer>> inbox = new AtomicReference<>();
        VirtualWorkers workers = new VirtualWorkers("vt", 4, Lifecycle.virtualThreads(), clock, IdleStrategies.PARK, self -> {
            Integer item;
            while ((item = inbox.get().take(self)) != null) {
                if (!seen.add(item)) {
                    duplicates.incrementAndGet();
                }
            }
        });
        inbox.set(new VirtualInbox<>(64, workers));
        workers.start();
        try (StageContext reader = new StageContext("reader", clock)) {
            for (int i = 0; i < items; i++) {
                while (!inbox.get().submit(i, reader)) {
                    Thread.onSpinWait(); // full: the workers are behind; this test wants every item through
                }
            }
            Await.until(() -> seen.size() == items, "every item to be taken");
            workers.stop();
            assertThat(workers.join(Duration.ofSeconds(10))).isTrue();
            workers.close();
            assertThat(duplicates.get()).isZero();
            assertThat(reader.counters().get(Counter.HANDOFF)).isEqualTo(items);
            assertThat(workers.failure()).isNull();
        }
    }

    @Test
    void aFullInboxRefusesAndCounts() {
        VirtualWorkers workers = new VirtualWorkers("vt", 1, Lifecycle.virtualThreads(), clock, IdleStrategies.PARK, self -> { });
        VirtualInbox<Integer> inbox = new VirtualInbox<>(2, workers);
        try (StageContext reader = new StageContext("reader", clock)) {
            assertThat(inbox.submit(1, reader)).isTrue();
            assertThat(inbox.submit(2, reader)).isTrue();
            assertThat(inbox.submit(3, reader)).isFalse();
            assertThat(reader.counters().get(Counter.QUEUE_FULL)).isEqualTo(1);
        }
        workers.close();
    }

    @Test
    void aWorkerWaitsOnARingTheNapiWay() throws Exception {
        try (TestDevice dev = new TestDevice(64, Coalescing.EVERY_PACKET, clock)) {
            CountDownLatch got = new CountDownLatch(30);
            VirtualWorkers workers = new VirtualWorkers("vt", 1, Lifecycle.virtualThreads(), clock, IdleStrategies.PARK,
                    self -> {
                        while (true) {
                            int n = dev.poll(self.stage(), 8);
                            for (int i = 0; i < n; i++) {
                                got.countDown();
                            }
                            if (n == 0 && !self.awaitWork(dev.ring)) {
                                return;
                            }
                        }
                    });
            dev.ring.connect(workers.worker(0).line(dev.ring));
            dev.ring.mask();
            workers.start();
            for (int b = 0; b < 3; b++) {
                Await.until(dev.ring::enabled, "the worker to re-enable and wait");
                dev.burst(10);
            }
            Await.latch(got, "30 packets");
            workers.stop();
            assertThat(workers.join(Duration.ofSeconds(10))).isTrue();
            workers.close();
            assertThat(workers.failure()).isNull();
            assertThat(dev.ring.raised()).isEqualTo(3);
            assertThat(workers.worker(0).stage().counters().get(Counter.INTERRUPT))
                    .as("a raise that lands while an earlier ring is pending coalesces").isBetween(1L, 3L);
        }
    }
}
