package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.StageContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Threads, targets and waiting for the crypto tests. Waits are bounded by each test's {@code @Timeout}. */
final class TestSupport {

    private TestSupport() {
    }

    /** A thread factory that remembers what it made, so a test can tell a driver's device threads. */
    static final class RecordingThreads implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();
        private final ThreadFactory delegate = Thread.ofPlatform().daemon().factory();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = delegate.newThread(r);
            made.add(t);
            return t;
        }

        boolean madeIt(Thread t) {
            return made.contains(t);
        }
    }

    /**
     * A dispatch context with its own thread that runs queued continuations: the shape of a softint
     * or a continuation-queue target the runtime will provide.
     */
    static final class ThreadTarget extends QueuedCompletionTarget implements AutoCloseable {
        final Thread thread;
        final AtomicInteger schedules = new AtomicInteger();
        private volatile boolean running = true;

        ThreadTarget(String name) {
            super(name, 4096);
            thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
            thread.start();
        }

        @Override
        protected void schedule() {
            schedules.incrementAndGet();
            LockSupport.unpark(thread);
        }

        private void loop() {
            try (StageContext ctx = new StageContext(name(), Clock.SYSTEM)) {
                while (running || hasPending()) {
                    if (runCompletions(ctx, 64) == 0) {
                        LockSupport.parkNanos(this, 10_000_000L);
                    }
                }
            }
        }

        @Override
        public void close() {
            running = false;
            LockSupport.unpark(thread);
            TestSupport.join(thread);
        }
    }

    /** Joins {@code t}; an interrupt (the test's timeout firing) is passed on as an error. */
    static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining " + t.getName(), e);
        }
    }

    /** Waits until {@code done} holds; the caller's {@code @Timeout} bounds the wait. */
    static void await(BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            LockSupport.parkNanos(200_000L);
        }
    }
}
