package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One established soft interrupt (NetBSD {@code softint_establish}): a {@link Work} handler bound
 * to a level and a CPU, established once and {@link #schedule scheduled} any number of times. A
 * softint that is already pending is not queued again: the schedule is coalesced into the pending
 * run ({@code SOFTINT_COALESCED}), so a burst of schedules costs one handler run.
 *
 * <pre>
 *   schedule(caller):  pending? ─ yes ─► SOFTINT_COALESCED                       (one load)
 *                        └ no ─► CAS pending ─► enqueue on the level's CPU queue ─► wake thread
 *                                               SOFTINT_SCHEDULED                  (CAS, offer, ring)
 *   softint thread:    dequeue ─► clear pending ─► handler(ctx, budget) ─► SOFTINT_RUN
 *                                                   returned ≥ budget ─► BUDGET_EXHAUSTED, schedule again
 * </pre>
 * Pending is cleared before the handler runs (as kern_softint.c does), so a schedule that arrives
 * while the handler runs queues one more run: no work published before a schedule is missed.
 *
 * <p>Calling context of {@link #schedule}: any thread (a hard interrupt in a device thread, an
 * interrupt thread, another softint, a crypto completion), with the caller's stage context, whose
 * counters are charged. It never blocks and never fails (each softint is queued at most once).
 *
 * <p>What the handler may do: run on its level's thread of its CPU with that thread's stage context;
 * must not block for long (it holds up every softint of the level on the CPU); may schedule any
 * softint, itself included; returns the number of items done, and returning its budget (or more)
 * means "more remains": it is scheduled again and runs after the other pending softints of the level.
 *
 * <p>Costs: a coalesced schedule, one volatile load; a first schedule, a CAS, a queue offer and a
 * doorbell ring (a wakeup when the softint thread slept); a run, one dequeue and a handler call.
 */
public final class Softint {

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Softint.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final SoftintLevel level;
    private final int cpu;
    private final Work handler;
    private final int budget;
    private final Softints.LevelThread owner;
    @SuppressWarnings("unused") // accessed through PENDING
    private volatile int pending;

    Softint(String name, SoftintLevel level, int cpu, Work handler, int budget, Softints.LevelThread owner) {
        this.name = name;
        this.level = level;
        this.cpu = cpu;
        this.handler = handler;
        this.budget = budget;
        this.owner = owner;
    }

    /**
     * Makes the softint pending (NetBSD {@code softint_schedule}). Any thread; never blocks.
     *
     * @param caller the calling context, charged SOFTINT_SCHEDULED or SOFTINT_COALESCED
     * @return true if this call queued a run, false if it was coalesced into a pending one
     */
    public boolean schedule(StageContext caller) {
        if ((int) PENDING.getVolatile(this) != 0 || !PENDING.compareAndSet(this, 0, 1)) {
            caller.count(Counter.SOFTINT_COALESCED);
            return false;
        }
        owner.enqueue(this);
        caller.count(Counter.SOFTINT_SCHEDULED);
        owner.context().wake(); // also on its own thread: cheap, and no source's return value can strand it
        return true;
    }

    /** Runs the handler once; the softint thread only. */
    int run(StageContext ctx) {
        PENDING.setVolatile(this, 0); // before the handler: a schedule during the run queues another
        int done = handler.doWork(ctx, budget);
        ctx.count(Counter.SOFTINT_RUN);
        if (done >= budget) {
            ctx.count(Counter.BUDGET_EXHAUSTED);
            schedule(ctx);
        }
        return done;
    }

    /** @return true while scheduled and not yet run; a snapshot */
    public boolean isPending() {
        return (int) PENDING.getVolatile(this) != 0;
    }

    public String name() {
        return name;
    }

    public SoftintLevel level() {
        return level;
    }

    public int cpu() {
        return cpu;
    }

    public int budget() {
        return budget;
    }

    /** @return the execution context (the level's thread on the CPU) the handler runs in */
    public ExecutionContext context() {
        return owner.context();
    }

    @Override
    public String toString() {
        return "Softint{" + name + " on " + level.threadName(cpu) + (isPending() ? ", pending" : "") + '}';
    }
}
