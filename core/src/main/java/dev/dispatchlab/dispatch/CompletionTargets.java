package dev.dispatchlab.dispatch;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.packet.StageContext;

/**
 * Where a completed crypto request's continuation runs, built from this package's primitives. Each
 * factory returns a {@link CompletionTarget} that a driver calls in its completing context (the
 * submitter for the software driver, the completion interrupt for the offload driver):
 *
 * <pre>
 *   target            complete(request, completer) does                      continuation runs on
 *   softint(...)      offer on a softint queue, schedule the softint           the CPU's softnet thread
 *                     (a burst of completions coalesces into one softint run)
 *   continuation(...) completer on the context? run now (IMMEDIATE)            the submitting CPU's
 *                     else offer + wake (DEFERRED, HANDOFF)                    continuation context
 *   workQueue(...)    offer on the CPU's work-queue queue, wake the worker     a work-queue thread (may block)
 *   VirtualWorker.completionTarget()  count the completion, ring the worker    the waiting virtual worker
 * </pre>
 * All of them queue the request itself (an MPSC queue of references), so a completion allocates
 * nothing; queue capacities should be at least the number of requests that can be in flight (one
 * per packet buffer), so that they never fill.
 *
 * <p>If a queue is full anyway, the completion cannot be refused (every request completes exactly
 * once): the target counts {@code QUEUE_FULL} in the completer's counters, sets the request's status
 * to {@link CryptoStatus#QUEUE_FULL} and runs the callback in the completer, which drops the packet
 * with that status's reason. The callback therefore must be able to run a failed request in any
 * context (dropping is all it does then).
 *
 * <p>Threading: every target accepts concurrent {@code complete} calls from any threads.
 */
public final class CompletionTargets {

    /** The item handler that runs a request's continuation in the context it was handed to. */
    public static final ItemHandler<CryptoRequest> RUN_CONTINUATION = (r, ctx) -> r.callback().cryptoDone(r, ctx);

    /** The work-queue body that runs a request's continuation on the worker thread. */
    public static final WorkQueue.Worker<CryptoRequest> RUN_CONTINUATION_WORKER = (r, ctx) -> r.callback().cryptoDone(r, ctx);

    private CompletionTargets() {
    }

    /**
     * Completions queued onto a softint of {@code level} on {@code cpu} (establishes it; before the
     * softints start).
     *
     * @param capacity most completed requests queued at once
     * @param budget   most continuations run per softint run
     */
    public static CompletionTarget softint(Softints softints, SoftintLevel level, int cpu, int capacity, int budget) {
        String name = "cryptodone@" + level.threadName(cpu);
        SoftintQueue<CryptoRequest> q = softints.queue(level, cpu, name, capacity, budget, RUN_CONTINUATION);
        return new CompletionTarget() {
            @Override
            public void complete(CryptoRequest r, StageContext completer) {
                if (!q.enqueue(r, completer)) {
                    refuse(r, completer);
                }
            }

            @Override
            public String name() {
                return level.threadName(cpu);
            }
        };
    }

    /**
     * Completions run as continuations on {@code context} (the submitting CPU's continuation
     * context): immediately when the completer is that context, else queued. Registers a source on
     * the context, which must not have started.
     */
    public static CompletionTarget continuation(ExecutionContext context, int capacity, int budget) {
        Continuation<CryptoRequest> k = new Continuation<>("cryptodone@" + context.name(), context, RUN_CONTINUATION,
                capacity, budget);
        return continuation(k);
    }

    /** Completions run by an existing continuation, whose handler must be {@link #RUN_CONTINUATION}. */
    public static CompletionTarget continuation(Continuation<CryptoRequest> k) {
        return new CompletionTarget() {
            @Override
            public void complete(CryptoRequest r, StageContext completer) {
                if (!k.schedule(r, completer)) {
                    refuse(r, completer);
                }
            }

            @Override
            public String name() {
                return k.context().name();
            }
        };
    }

    /**
     * Completions queued onto the work queue's worker of {@code cpu}. The work queue must have been
     * built with {@link #RUN_CONTINUATION_WORKER} as its body.
     */
    public static CompletionTarget workQueue(WorkQueue<CryptoRequest> wq, int cpu) {
        if (wq.worker() != RUN_CONTINUATION_WORKER) {
            throw new IllegalArgumentException("work queue " + wq.name() + " must run CompletionTargets.RUN_CONTINUATION_WORKER");
        }
        if (cpu < 0 || cpu >= wq.cpus()) {
            throw new IllegalArgumentException("no such worker: cpu=" + cpu + ", cpus=" + wq.cpus());
        }
        return new CompletionTarget() {
            @Override
            public void complete(CryptoRequest r, StageContext completer) {
                if (!wq.enqueue(r, cpu, completer)) {
                    refuse(r, completer);
                }
            }

            @Override
            public String name() {
                return wq.name() + "/" + cpu;
            }
        };
    }

    /** A completion that could not be queued: fail it and let its continuation drop the packet here. */
    private static void refuse(CryptoRequest r, StageContext completer) {
        r.status(CryptoStatus.QUEUE_FULL);
        r.callback().cryptoDone(r, completer);
    }
}
