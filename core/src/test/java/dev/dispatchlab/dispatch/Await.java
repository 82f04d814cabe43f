package dev.dispatchlab.dispatch;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded waits for concurrency tests: each waits for a condition, never for an amount of time, and
 * fails (rather than hangs) if the condition does not come about within a generous bound. The bound
 * is a deadlock detector, not a performance assertion.
 */
final class Await {

    static final long BOUND_SECONDS = 10;

    private Await() {
    }

    static void latch(CountDownLatch latch, String what) throws InterruptedException {
        assertThat(latch.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("waiting for %s (count left %d)", what, latch.getCount()).isTrue();
    }

    static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for %s", what).isNegative();
            Thread.sleep(1);
        }
    }
}
