package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;

/**
 * A hard interrupt handler: connected to a device's {@link InterruptLine}, it runs its handler in
 * the thread that raises the line, at once, as a CPU takes an interrupt on whatever it was running.
 * No thread of its own, no queue, no switch: the cost of the handler is charged to whoever raised.
 *
 * <pre>
 *   device thread: ... place packets ─► line.raise() ─► masked? ─ yes ─► INTERRUPT_MASKED, ignored
 *                                                          └ no ─► INTERRUPT, handler(ctx, budget) ─► back to the device
 * </pre>
 *
 * <p>What the handler may do: must not block, sleep or wait for a lock another thread may hold for
 * long (it stalls the device); may mask its device's interrupt ({@code InterruptSource.mask()}), take
 * work off the device, schedule softints and continuations, wake threads. It runs with this
 * interrupt's own stage context ({@code intr/<name>}), confined to the raising thread.
 *
 * <p>Masking: {@link #mask()} and {@link #unmask()} are the interrupt controller's enable bit for
 * this line. The line is edge-triggered: a raise while masked is counted and ignored, not latched,
 * so a handler that masks must re-check its device after unmasking. (Device-level masking, such as
 * a NIC ring's interrupt enable, stops the raises at the source and is what a poller uses.)
 *
 * <p>Threading: one raising thread per line (a device's interrupt is delivered by that device's
 * thread). A raise from inside the handler (re-asserted during service) runs the handler once more
 * after it returns instead of nesting. {@link #mask()}/{@link #unmask()} from any thread.
 *
 * <p>Costs: one volatile load and a direct call per raise.
 */
public final class HardInterrupt implements InterruptLine, AutoCloseable {

    private final String name;
    private final Work handler;
    private final int budget;
    private final StageContext ctx;
    private volatile boolean enabled = true;
    /** Raising thread only: the handler is running; a raise now asks for one more run. */
    private boolean inHandler;
    private boolean again;

    /**
     * @param name    for counters and reports; the stage context is {@code intr/<name>}
     * @param handler the handler, run in the raising thread
     * @param budget  passed to each handler run
     */
    public HardInterrupt(String name, Work handler, int budget, Clock clock) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1: budget=" + budget);
        }
        this.name = name;
        this.handler = handler;
        this.budget = budget;
        this.ctx = new StageContext("intr/" + name, clock);
    }

    @Override
    public void raise() {
        if (!enabled) {
            ctx.count(Counter.INTERRUPT_MASKED);
            return;
        }
        if (inHandler) {
            again = true;
            return;
        }
        inHandler = true;
        try {
            do {
                again = false;
                ctx.count(Counter.INTERRUPT);
                handler.doWork(ctx, budget);
            } while (again && enabled);
        } finally {
            inHandler = false;
        }
    }

    /** Masks the line: raises are ignored until {@link #unmask()}. Any thread. */
    public void mask() {
        enabled = false;
    }

    /** Unmasks the line. Raises ignored while masked are not replayed. Any thread. */
    public void unmask() {
        enabled = true;
    }

    public boolean enabled() {
        return enabled;
    }

    /** @return this interrupt's stage context; use only on the raising thread, or after it stopped */
    public StageContext stage() {
        return ctx;
    }

    public String name() {
        return name;
    }

    /** Gives back the stage-context slot once the raising thread has stopped. */
    @Override
    public void close() {
        ctx.close();
    }

    @Override
    public String toString() {
        return "HardInterrupt{" + name + (enabled ? "" : ", masked") + '}';
    }
}
