package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpscArrayQueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntFunction;

/**
 * A work queue served by threads that may block (NetBSD workqueue(9) with {@code WQ_PERCPU}): one
 * worker thread per CPU, each with its own bounded queue; an item is enqueued for a CPU and run by
 * that CPU's worker in thread context, where the handler may sleep, wait for a lock or do I/O.
 *
 * <pre>
 *   enqueue(item, cpu, caller): offer on queue[cpu] ─ full ─► false, QUEUE_FULL (caller drops)
 *                                 └ ok ─► HANDOFF, wake worker[cpu]
 *   worker[cpu] thread: worker.work(item, ctx) for each item, in order; may block
 * </pre>
 * An enqueue always defers, even from the worker's own thread: workqueue(9) items run in the
 * worker's context, never in the caller's.
 *
 * <p>Calling context: {@link #enqueue} from any thread, a hard interrupt included: it never blocks
 * (it refuses when the queue is full). The handler runs on the worker thread with the worker's
 * stage context. It may block; a blocked handler holds up its own CPU's queue only.
 *
 * <p>Costs: an offer and a ring per item, a wakeup when the worker slept; what the handler blocks
 * on is the caller's (a blocking handler costs a context switch per block).
 */
public final class WorkQueue<T> implements Lifecycle {

    /** The body of a work queue: runs one item on a worker thread and may block. */
    @FunctionalInterface
    public interface Worker<T> {
        void work(T item, StageContext ctx) throws InterruptedException;
    }

    private final String name;
    private final Worker<T> worker;
    private final ExecutionContext[] contexts;
    private final List<MpscArrayQueue<T>> queues = new ArrayList<>();

    /**
     * @param name          thread names are {@code name/cpu}
     * @param cpus          number of workers, one per CPU
     * @param threadsForCpu the thread factory of each CPU
     * @param capacity      most items queued per worker
     * @param budget        most items a worker runs before it checks for stop
     */
    public WorkQueue(String name, int cpus, IntFunction<ThreadFactory> threadsForCpu, Clock clock, IdleStrategy idle,
                     int capacity, int budget, Worker<T> worker) {
        if (cpus < 1) {
            throw new IllegalArgumentException("at least one worker: cpus=" + cpus);
        }
        this.name = name;
        this.worker = worker;
        this.contexts = new ExecutionContext[cpus];
        for (int cpu = 0; cpu < cpus; cpu++) {
            MpscArrayQueue<T> q = new MpscArrayQueue<>(Math.max(2, capacity));
            queues.add(q);
            ExecutionContext c = new ExecutionContext(name + "/" + cpu, threadsForCpu.apply(cpu), clock, idle);
            c.add((ctx, b) -> runQueued(q, ctx, b), budget);
            contexts[cpu] = c;
        }
    }

    /** One factory for every worker. */
    public WorkQueue(String name, int cpus, ThreadFactory threads, Clock clock, IdleStrategy idle, int capacity,
                     int budget, Worker<T> worker) {
        this(name, cpus, (IntFunction<ThreadFactory>) cpu -> threads, clock, idle, capacity, budget, worker);
    }

    /**
     * Queues {@code item} for the worker of {@code cpu} (NetBSD {@code workqueue_enqueue(wq, wk, ci)}).
     *
     * @return false if that worker's queue was full or it has ended: the caller still owns the item
     */
    public boolean enqueue(T item, int cpu, StageContext caller) {
        ExecutionContext c = contexts[cpu];
        if (c.ended() || !queues.get(cpu).offer(item)) {
            caller.count(Counter.QUEUE_FULL);
            return false;
        }
        if (!c.inContext()) {
            caller.count(Counter.HANDOFF);
        }
        c.wake();
        return true;
    }

    /** Queues {@code item} for the worker chosen by the caller's slot (a stable choice per caller). */
    public boolean enqueue(T item, StageContext caller) {
        return enqueue(item, caller.slot() % contexts.length, caller);
    }

    private int runQueued(MpscArrayQueue<T> q, StageContext ctx, int budget) {
        int n = 0;
        T item;
        while (n < budget && (item = q.poll()) != null) {
            try {
                worker.work(item, ctx);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // nobody here interrupts workers; keep the flag for the owner
            }
            n++;
        }
        return n;
    }

    /** @return the body the workers run (compared by {@link CompletionTargets#workQueue}) */
    public Worker<T> worker() {
        return worker;
    }

    public String name() {
        return name;
    }

    public int cpus() {
        return contexts.length;
    }

    /** @return the worker of {@code cpu} as an execution context (its stage context, its counters) */
    public ExecutionContext context(int cpu) {
        return contexts[cpu];
    }

    /**
     * Hands every item still queued to {@code discard} with its worker's stage context. After join only.
     *
     * @return the number of items discarded
     */
    public int discardRemaining(ItemHandler<T> discard) {
        int n = 0;
        for (int cpu = 0; cpu < contexts.length; cpu++) {
            if (!contexts[cpu].ended()) {
                throw new IllegalStateException("work queue " + name + ": discard only after the workers have ended");
            }
            T item;
            while ((item = queues.get(cpu).poll()) != null) {
                discard.handle(item, contexts[cpu].stage());
                n++;
            }
        }
        return n;
    }

    @Override
    public void start() {
        for (ExecutionContext c : contexts) {
            c.start();
        }
    }

    @Override
    public void stop() {
        for (ExecutionContext c : contexts) {
            c.stop();
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        for (ExecutionContext c : contexts) {
            if (!c.join(timeout)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Thread> threads() {
        List<Thread> out = new ArrayList<>();
        for (ExecutionContext c : contexts) {
            out.addAll(c.threads());
        }
        return out;
    }

    @Override
    public Throwable failure() {
        for (ExecutionContext c : contexts) {
            if (c.failure() != null) {
                return c.failure();
            }
        }
        return null;
    }

    @Override
    public void close() {
        for (ExecutionContext c : contexts) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "WorkQueue{" + name + ", cpus=" + contexts.length + '}';
    }
}
