package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptThreadTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void raisesWhileTheHandlerRunsAreOneBatchAndOneMoreRun() throws Exception {
        CountDownLatch firstEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondRun = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (InterruptThread ithread = new InterruptThread("irq/test", (ctx, budget) -> {
            int run = runs.incrementAndGet();
            if (run == 1) {
                firstEntered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            } else if (run == 2) {
                secondRun.countDown();
            }
            return 0;
        }, 16, null, Lifecycle.plainThreads(), clock, IdleStrategies.PARK)) {
            ithread.start();
            ithread.line().raise();
            Await.latch(firstEntered, "the first handler run");
            for (int i = 0; i < 5; i++) {
                ithread.line().raise();
            }
            release.countDown();
            Await.latch(secondRun, "the second handler run");
            ithread.stop();
            assertThat(ithread.join(Duration.ofSeconds(10))).isTrue();

            assertThat(ithread.stage().counters().get(Counter.INTERRUPT)).as("1 raise, then a batch of 5").isEqualTo(2);
            assertThat(ithread.failure()).isNull();
        }
    }

    @Test
    void withASourceItMasksOnRaiseAndReEnablesWhenDone() throws Exception {
        try (TestDevice dev = new TestDevice(64, Coalescing.EVERY_PACKET, clock);
             InterruptThread ithread = new InterruptThread("irq/nic0-rx0", dev::poll, 8, dev.ring,
                     Lifecycle.plainThreads(), clock, IdleStrategies.PARK)) {
            dev.ring.connect(ithread.line());
            ithread.start();

            assertThat(dev.burst(20)).isEqualTo(20);
            assertThat(dev.ring.raised()).isEqualTo(1);
            Await.until(() -> dev.consumed.get() == 20 && dev.ring.enabled(), "the handler to drain and re-enable");
            assertThat(dev.burst(3)).isEqualTo(3);
            Await.until(() -> dev.consumed.get() == 23 && dev.ring.enabled(), "the second interrupt");
            ithread.stop();
            assertThat(ithread.join(Duration.ofSeconds(10))).isTrue();

            var c = ithread.stage().counters();
            assertThat(c.get(Counter.INTERRUPT)).isEqualTo(2);
            assertThat(dev.ring.raised()).isEqualTo(2);
            assertThat(c.get(Counter.BUDGET_EXHAUSTED)).as("20 packets under a budget of 8: 8, 8, 4").isEqualTo(2);
            assertThat(dev.pool.outstanding()).isZero();
        }
    }
}
