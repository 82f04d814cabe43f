package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;

import java.util.Arrays;
import java.util.concurrent.ThreadFactory;

/**
 * An execution context: one host thread with its own {@link StageContext} that runs a fixed set of
 * {@link Work} sources in turn, and sleeps on its {@link Doorbell} when none of them has work. A
 * CPU's softint thread, a CPU's continuation queue and a work-queue worker are each one of these;
 * a {@link Continuation} is how another context hands it an item.
 *
 * <pre>
 *   loop:  work = Σ source[i].doWork(ctx, budget[i])      one pass, every source gets a turn
 *          every flushEveryPasses passes: ctx.endOfPass()   deferred wakeups (StageContext) go out
 *          work > 0            → pass again                (a source used its budget: more may remain)
 *          work = 0, stopping  → end                       (drained)
 *          work = 0            → ctx.endOfPass()            deferred wakeups (StageContext) go out
 *                                idle.await(doorbell)      counts WAKEUP if it slept and was rung
 * </pre>
 *
 * <p>Calling context: {@link #add} before {@link #start}; {@link #wake()} and {@link #inContext()}
 * from any thread.
 *
 * <p>What sources may do: whatever the primitive that registered them allows. A source that blocks
 * blocks the whole context (a work queue's worker may; a softint should not for long).
 *
 * <p>Threading: the stage context is confined to this context's thread; its counters are read by
 * others as opaque snapshots, exactly after {@link #join}.
 *
 * <p>Costs: one pass over the sources per wakeup or per budget; a wakeup when the context slept.
 */
public final class ExecutionContext extends DedicatedThread {

    private Work[] sources = new Work[0];
    private int[] budgets = new int[0];

    /**
     * @param name    the thread's name and the stage context's, e.g. {@code "softnet/0"}
     * @param threads creates the context's thread (the runtime's factory registers the role and pins)
     * @param clock   the stage context's clock
     * @param idle    how the thread waits when no source has work
     */
    public ExecutionContext(String name, ThreadFactory threads, Clock clock, IdleStrategy idle) {
        super(name, threads, clock, idle);
    }

    /**
     * Adds a work source, run once per pass with at most {@code budget} items. Before {@link #start} only.
     */
    public synchronized void add(Work source, int budget) {
        if (hasStarted()) {
            throw new IllegalStateException("context " + name() + " already started: add sources before start");
        }
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1: budget=" + budget);
        }
        sources = Arrays.copyOf(sources, sources.length + 1);
        budgets = Arrays.copyOf(budgets, budgets.length + 1);
        sources[sources.length - 1] = source;
        budgets[budgets.length - 1] = budget;
    }

    /** Passes after which deferred wakeups go out even if the context keeps running; 0: only before it sleeps. */
    private int flushPasses;

    /**
     * Makes the context perform its stage context's deferred wakeups ({@link StageContext#endOfPass})
     * after every {@code passes} passes, besides before each sleep. Before {@link #start} only.
     */
    public synchronized void flushEveryPasses(int passes) {
        if (hasStarted()) {
            throw new IllegalStateException("context " + name() + " already started");
        }
        if (passes < 0) {
            throw new IllegalArgumentException("passes must not be negative: passes=" + passes);
        }
        this.flushPasses = passes;
    }

    /**
     * Tells the context there is work (after publishing it). Any thread; cheap when the context is
     * awake.
     *
     * @return true if the context was asleep and this call made it runnable
     */
    public boolean wake() {
        return bell.ring();
    }

    @Override
    protected void loop() {
        final Work[] src;
        final int[] bud;
        final int flushAfter;
        synchronized (this) {
            src = sources;
            bud = budgets;
            flushAfter = flushPasses;
        }
        final StageContext ctx = stage;
        int passes = 0;
        for (;;) {
            int work = 0;
            for (int i = 0; i < src.length; i++) {
                work += src[i].doWork(ctx, bud[i]);
            }
            if (flushAfter > 0 && ++passes >= flushAfter) {
                passes = 0;
                ctx.endOfPass();
            }
            if (work > 0) {
                continue;
            }
            if (stopping()) {
                return; // a whole pass found nothing after stop was asked: drained
            }
            ctx.endOfPass(); // about to sleep: the wakeups this context deferred go out now
            if (bell.await(idle)) {
                ctx.count(Counter.WAKEUP);
            }
        }
    }

    @Override
    public String toString() {
        return "ExecutionContext{" + name() + ", idle=" + idle.label() + ", sources=" + sources.length + '}';
    }
}
