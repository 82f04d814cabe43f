package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.device.InterruptSource;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;

import java.util.concurrent.ThreadFactory;

/**
 * An interrupt thread (Solaris, FreeBSD ithreads): one thread per interrupt source, which runs the
 * source's handler when the interrupt fires. Raising the {@link #line()} only rings the thread's
 * doorbell, so raises that arrive before the thread runs are one batch and cost one handler run.
 *
 * <pre>
 *   device thread: line.raise() ─► [mask source] ─► ring ─────────────┐   (top half, counts nothing)
 *   ithread:  await doorbell (WAKEUP if it slept) ◄───────────────────┘
 *             INTERRUPT ─► handler(ctx, budget) ─ returned ≥ budget ─► BUDGET_EXHAUSTED, run again
 *                            └ less ─► [enable source; work arrived meanwhile? ─► mask, REARM_RACE, run again]
 *                                      ─► await
 * </pre>
 * With a source, the top half masks the device's interrupt on each raise and the thread re-enables
 * it after the handler (FreeBSD's pre-/post-ithread masking): at most one raise per handler run, and
 * the re-check after enabling catches work that arrived while masked. Without one the device keeps
 * raising while the handler runs, and each batch of raises runs the handler once more.
 *
 * <p>What the handler may do: runs in thread context on this thread with its stage context; may
 * block briefly (this is the design's point: handlers may take sleeping locks), though a blocked
 * handler delays its own interrupt; takes work off its device and may hand it on.
 *
 * <p>Threading: {@code line().raise()} from any thread (the device's), never blocks.
 *
 * <p>Costs per interrupt: a ring in the device thread; in the host, a wakeup and two context
 * switches when the thread slept (the cost the interrupts-as-threads debate is about), then the handler.
 */
public final class InterruptThread extends DedicatedThread {

    private final Work handler;
    private final int budget;
    private final InterruptSource source;
    private final InterruptLine line;

    /**
     * @param name    thread name, e.g. {@code "irq/nic0-rx0"}
     * @param handler the interrupt handler
     * @param budget  passed to each handler run
     * @param source  the device interrupt to mask while the handler is pending, or null
     */
    public InterruptThread(String name, Work handler, int budget, InterruptSource source, ThreadFactory threads,
                           Clock clock, IdleStrategy idle) {
        super(name, threads, clock, idle);
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1: budget=" + budget);
        }
        this.handler = handler;
        this.budget = budget;
        this.source = source;
        this.line = new TopHalf(source, bell);
    }

    /** @return the line to connect to the device; its raise runs in the device thread and never blocks */
    public InterruptLine line() {
        return line;
    }

    @Override
    protected void loop() {
        for (;;) {
            if (bell.await(idle)) {
                stage.count(Counter.WAKEUP);
            }
            if (stopping()) {
                while (handler.doWork(stage, budget) > 0) {
                    // drain what the device left before it stopped
                }
                return;
            }
            stage.count(Counter.INTERRUPT);
            service();
        }
    }

    private void service() {
        for (;;) {
            int done = handler.doWork(stage, budget);
            if (done >= budget) {
                stage.count(Counter.BUDGET_EXHAUSTED);
                continue;
            }
            if (source == null) {
                return;
            }
            source.enable();
            if (!source.hasWork()) {
                return;
            }
            source.mask();
            stage.count(Counter.REARM_RACE);
        }
    }

    @Override
    public String toString() {
        return "InterruptThread{" + name() + ", idle=" + idle.label() + (source == null ? "" : ", masks source") + '}';
    }
}
