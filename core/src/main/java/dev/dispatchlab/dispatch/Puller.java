package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.device.InterruptSource;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;

import java.util.concurrent.ThreadFactory;

/**
 * A puller thread (Linux NAPI; Mogul and Ramakrishnan's polling thread; the "puller-thread" of the
 * 2007 thread): the interrupt only wakes it; it masks the interrupt, drains its ring under a
 * budget running every stage of each packet to completion in its {@link Work} poll function, and
 * re-enables the interrupt only when the ring is empty, re-checking after enabling so that a packet
 * that arrived in between is not stranded.
 *
 * <pre>
 *   device thread: line.raise() ─► source.mask() ─► ring                     (top half)
 *   puller:  ┌► poll(ctx, budget)   0 done ─► EMPTY_POLL
 *            │    done ≥ budget ─► BUDGET_EXHAUSTED ─► poll again (interrupt stays masked)
 *            │    done &lt; budget ─► source.enable()  [full fence]
 *            │                     source.hasWork()? ─ yes ─► source.mask(), REARM_RACE ─► poll again
 *            │                                        └ no ─► await doorbell (WAKEUP if it slept)
 *            └───────────────────────────────────────────────── INTERRUPT ◄─┘
 * </pre>
 * In {@link Mode#BUSY_POLL} the interrupt is masked for good and the thread never sleeps: it polls,
 * counts {@code EMPTY_POLL} and spins ({@link Thread#onSpinWait()}) when the ring is empty.
 *
 * <p>What the poll function may do: runs on this thread with its stage context; takes at most
 * {@code budget} packets off its ring and runs each to completion (or hands it on); must not block
 * for long, since its interrupt stays masked meanwhile; returns the number of packets taken.
 *
 * <p>Threading: the puller is its ring's one consumer. {@code line().raise()} from the device
 * thread; it never blocks.
 *
 * <p>Costs: under load, no interrupt and no wakeup per packet (one per ring drain); when idle, a
 * wakeup per burst, like an interrupt thread. Budget exhaustion keeps the interrupt masked, which
 * is what keeps an overloaded host out of receive livelock.
 */
public final class Puller extends DedicatedThread {

    /** How the puller learns there is work. */
    public enum Mode {
        /** Interrupt-driven polling (NAPI): sleeps with the interrupt enabled when the ring is empty. One thread per ring. */
        NAPI,
        /** Busy polling: the interrupt stays masked and the thread spins on the ring. One thread and one whole CPU per ring; no wakeups. */
        BUSY_POLL
    }

    private final InterruptSource source;
    private final Work poll;
    private final int budget;
    private final Mode mode;
    private final InterruptLine line;

    /**
     * @param name   thread name, e.g. {@code "puller/rx0"}
     * @param source the ring's interrupt enable
     * @param poll   takes up to budget packets off the ring and runs them to completion
     * @param budget packets per poll (NAPI's weight is 64)
     */
    public Puller(String name, InterruptSource source, Work poll, int budget, Mode mode, ThreadFactory threads,
                  Clock clock, IdleStrategy idle) {
        super(name, threads, clock, mode == Mode.BUSY_POLL ? IdleStrategies.SPIN : idle);
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1: budget=" + budget);
        }
        this.source = source;
        this.poll = poll;
        this.budget = budget;
        this.mode = mode;
        this.line = new TopHalf(source, bell);
    }

    /** @return the line to connect to the ring's interrupt (its raise masks the ring and rings the puller) */
    public InterruptLine line() {
        return line;
    }

    public Mode mode() {
        return mode;
    }

    public int budget() {
        return budget;
    }

    @Override
    protected void loop() {
        if (mode == Mode.BUSY_POLL) {
            busyPoll();
        } else {
            napi();
        }
    }

    private void napi() {
        for (;;) {
            drainThenRearm();
            if (stopping()) {
                source.mask();
                drain();
                return;
            }
            if (bell.await(idle)) {
                stage.count(Counter.WAKEUP);
            }
            if (stopping()) {
                source.mask();
                drain();
                return;
            }
            stage.count(Counter.INTERRUPT);
        }
    }

    /** Polls until the ring is empty, then enables the interrupt and re-checks. */
    private void drainThenRearm() {
        for (;;) {
            int done = poll.doWork(stage, budget);
            if (done >= budget) {
                stage.count(Counter.BUDGET_EXHAUSTED);
                continue;
            }
            if (done == 0) {
                stage.count(Counter.EMPTY_POLL);
            }
            source.enable();
            if (!source.hasWork()) {
                return;
            }
            source.mask(); // the device may have raised already: then the doorbell is rung, one spare pass
            stage.count(Counter.REARM_RACE);
        }
    }

    private void busyPoll() {
        source.mask();
        while (!stopping()) {
            int done = poll.doWork(stage, budget);
            if (done == 0) {
                stage.count(Counter.EMPTY_POLL);
                Thread.onSpinWait();
            } else if (done >= budget) {
                stage.count(Counter.BUDGET_EXHAUSTED);
            }
        }
        drain();
    }

    private void drain() {
        while (poll.doWork(stage, budget) > 0) {
            // what the device left before it stopped
        }
    }

    @Override
    public String toString() {
        return "Puller{" + name() + ", " + mode + ", budget=" + budget + ", idle=" + idle.label() + '}';
    }
}
