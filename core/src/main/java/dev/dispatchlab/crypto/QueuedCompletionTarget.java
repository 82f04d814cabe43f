package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpscArrayQueue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The skeleton of a target that runs continuations in another dispatch context: completions are put
 * on a bounded multi-producer single-consumer queue and the context is scheduled once per delivered
 * batch; the context, when it runs, calls {@link #runCompletions}. A softint target implements
 * {@link #schedule()} as {@code softint_schedule}, a continuation-queue target as "mark the per-CPU
 * continuation queue pending and wake its thread if it sleeps", a work-queue target as
 * {@code workqueue_enqueue}. This is OCF's return queue ({@code crp_ret_q}) and its {@code cryptoret}
 * consumer, generalised.
 *
 * <pre>
 *   completer (interrupt handler)            target context (softint / kcont / workqueue thread)
 *   completeBatch(b, n) --offer x n--> [ MPSC queue ] --runCompletions(ctx, budget)--> callbacks
 *                       --schedule() once per batch ------^
 * </pre>
 *
 * <h2>A full queue</h2>
 * A completion cannot be refused (its continuation must run exactly once), so when the queue is full
 * the continuation runs inline in the completer's context and {@link #overflows()} counts it. Size
 * the queue for the requests that can be in flight to this target (the driver's rings) to keep this
 * at zero; a non-zero count in a report says the measured placement was not the one asked for.
 *
 * <p>Threading: {@code complete}/{@code completeBatch} from any number of threads;
 * {@link #runCompletions} from the target's own context only, one thread at a time (single consumer;
 * asserted). The context may move between threads with a happens-before edge, as contexts do.
 */
public abstract class QueuedCompletionTarget implements CompletionTarget {

    private final String name;
    private final MpscArrayQueue<CryptoRequest> queue;
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicBoolean consuming = new AtomicBoolean();

    /**
     * @param name     for reports, e.g. {@code "softnet/0"}
     * @param capacity queue capacity (rounded up to a power of two), at least the requests that can be in flight to this target
     */
    protected QueuedCompletionTarget(String name, int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("completion queue needs capacity >= 2: capacity=" + capacity);
        }
        this.name = name;
        this.queue = new MpscArrayQueue<>(capacity);
    }

    /**
     * Makes the target's context call {@link #runCompletions} soon. Called from the completing context
     * once per {@code complete} or {@code completeBatch}, after the requests are queued; must not block
     * and must tolerate being called while the context is already scheduled or running.
     */
    protected abstract void schedule();

    @Override
    public final void complete(CryptoRequest r, StageContext completer) {
        enqueue(r, completer);
        schedule();
    }

    @Override
    public final void completeBatch(CryptoRequest[] batch, int from, int count, StageContext completer) {
        for (int i = from, end = from + count; i < end; i++) {
            enqueue(batch[i], completer);
        }
        schedule();
    }

    private void enqueue(CryptoRequest r, StageContext completer) {
        if (!queue.offer(r)) {
            overflows.incrementAndGet();
            r.callback().cryptoDone(r, completer);
        }
    }

    /**
     * Runs up to {@code budget} queued continuations in the calling context. Call it from the target's
     * context only.
     *
     * @return the number run; {@code budget} means more may be waiting (schedule yourself again)
     */
    public final int runCompletions(StageContext ctx, int budget) {
        assert consuming.compareAndSet(false, true)
                : "runCompletions called by two threads at once on " + name + ": it is single-consumer";
        try {
            int n = 0;
            CryptoRequest r;
            while (n < budget && (r = queue.poll()) != null) {
                n++;
                r.callback().cryptoDone(r, ctx);
            }
            return n;
        } finally {
            assert consuming.getAndSet(false);
        }
    }

    /** @return true if continuations are queued (a racy hint for a context deciding whether to sleep) */
    public final boolean hasPending() {
        return !queue.isEmpty();
    }

    /** @return continuations run inline because the queue was full; any thread */
    public final long overflows() {
        return overflows.get();
    }

    @Override
    public String name() {
        return name;
    }
}
