package dev.dispatchlab.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A kernel thread that serves work sources in passes, as the runtime's execution contexts, interrupt
 * threads and pullers do: each pass gives every source a turn of at most its budget of items, one
 * step per item; a pass that found work is followed by another; a pass that found none ends in the
 * {@linkplain #rearm re-arm check} and then sleep (or spin; or {@linkplain #spinBeforeSleep spin for a
 * while} and then sleep, a wakeup sent to it meanwhile seen at once without a switch).
 *
 * <p>Wakeups of the user are deferred, as the runtime's stage contexts batch them: a packet put on a
 * sleeping user's socket sets a flag, and the wakeup goes out every {@code flushEvery} passes, after
 * every {@linkplain #flushEveryDeliveries so many deliveries} when set, when a source
 * {@linkplain #requestFlush asks}, and always before the thread sleeps.
 */
public class ServiceThread extends SimThread {

    /** A source of items. {@link #start} takes one item and runs its step ({@link SimCpu#work}). */
    public interface Source {
        boolean hasWork();

        void start(SimCpu cpu, ServiceThread self);
    }

    /** Called when a pass found nothing, before sleeping: re-enable interrupts; true if work appeared. */
    @FunctionalInterface
    public interface Rearm {
        boolean rearm();
    }

    private final Machine m;
    private final List<Source> sources = new ArrayList<>();
    private final List<Integer> budgets = new ArrayList<>();
    private Source[] src = new Source[0];
    private int[] bud = new int[0];
    private final int flushEvery;
    private final boolean spin;
    private Rearm rearm;
    private UserProcess user;
    private boolean wakePending;
    private boolean flushAsked;
    private int flushDeliveries;
    private int sinceFlush;
    private int at;
    private int doneInSource;
    private int workInPass;
    private int passes;
    /** How long it spins looking for work before it sleeps (ps; 0: it sleeps at once). */
    private long spinBeforeSleep;
    /** Its CPU time ({@link #cpuPs}) when its current spin before sleeping began, or -1. */
    private long spinSince = -1;

    /**
     * @param flushEvery passes between deferred-wakeup flushes besides before sleeping (1: every pass)
     * @param spin       spin instead of sleeping when idle (busy polling)
     */
    public ServiceThread(Machine m, String name, int priority, int flushEvery, boolean spin) {
        super(name, priority, true);
        this.m = m;
        this.flushEvery = flushEvery;
        this.spin = spin;
    }

    public ServiceThread add(Source s, int budget) {
        sources.add(s);
        budgets.add(budget);
        src = sources.toArray(new Source[0]);
        bud = budgets.stream().mapToInt(Integer::intValue).toArray();
        return this;
    }

    public ServiceThread rearm(Rearm r) {
        this.rearm = r;
        return this;
    }

    public ServiceThread user(UserProcess u) {
        this.user = u;
        return this;
    }

    /**
     * Makes the deferred wakeup go out also after every {@code n} packets this thread puts on the
     * socket (0: never on that account). For the virtual-thread carrier, whose workers end a pass
     * after a budget of their own packets each.
     */
    public ServiceThread flushEveryDeliveries(int n) {
        this.flushDeliveries = n;
        return this;
    }

    /** It spins {@code ps} looking for work before it sleeps, as the JDK's carriers do. */
    public ServiceThread spinBeforeSleep(long ps) {
        this.spinBeforeSleep = ps;
        return this;
    }

    /** @return true while it spins before sleeping: a wakeup sent to it is seen at once, no switch */
    @Override
    protected boolean polling() {
        return spinSince >= 0;
    }

    /**
     * Nothing to do: spin (busy polling), or sleep; with a {@link #spinBeforeSleep} spin first for that
     * much of its own CPU time (the JDK counts rounds of its spin loop, so time spent preempted by the
     * user it woke does not count), each return to the spin setting a timer for what is left.
     */
    private Outcome idle(SimCpu cpu) {
        if (spin) {
            return Outcome.SPIN;
        }
        if (spinBeforeSleep > 0) {
            if (spinSince < 0) {
                spinSince = cpuPs;
            }
            long left = spinBeforeSleep - (cpuPs - spinSince);
            if (left > 0) {
                m.sim.after(left, Simulation.Order.TIMER, cpu::kick);
                return Outcome.SPIN;
            }
        }
        spinSince = -1;
        return Outcome.SLEEP;
    }

    /** A source's request that the deferred wakeup go out before the next item (a worker about to wait). */
    public void requestFlush() {
        flushAsked = true;
    }

    /** Puts {@code p} on the user's socket; the wakeup, if one is needed, waits for the end of the pass. */
    public void toUser(int p) {
        if (user.enqueue(p)) {
            wakePending = true;
        }
        if (flushDeliveries > 0 && ++sinceFlush >= flushDeliveries) {
            flushAsked = true;
        }
    }

    /** @return true when the flush woke the user */
    private boolean flush(SimCpu cpu) {
        sinceFlush = 0;
        if (wakePending) {
            wakePending = false;
            return m.wake(user, cpu);
        }
        return false;
    }

    /**
     * Ends the step here when the wakeup just sent preempts this thread: the scheduler switches to the
     * wakee on the way out of the waker's wakeup call, before the waker looks at its sources again, so
     * a puller whose ring is empty at the end of its pass is preempted rather than going to sleep, and
     * finds the frames that came while the user ran. A step of no cost: the boundary is what matters.
     */
    private Outcome yieldTo(SimCpu cpu) {
        cpu.work(0, null);
        return Outcome.WORKED;
    }

    @Override
    protected Outcome step(SimCpu cpu) {
        for (int guard = 0; guard < 4; guard++) {
            while (at < src.length) {
                if (flushAsked) {
                    flushAsked = false;
                    if (flush(cpu) && cpu.preemptPending()) {
                        return yieldTo(cpu);
                    }
                }
                if (doneInSource < bud[at] && src[at].hasWork()) {
                    spinSince = -1;
                    doneInSource++;
                    workInPass++;
                    src[at].start(cpu, this);
                    return Outcome.WORKED;
                }
                at++;
                doneInSource = 0;
            }
            at = 0;
            passes++;
            boolean woke = flushEvery > 0 && passes % flushEvery == 0 && flush(cpu);
            if (workInPass > 0) {
                workInPass = 0;
                if (woke && cpu.preemptPending()) {
                    return yieldTo(cpu);
                }
                continue;
            }
            if (rearm != null && rearm.rearm()) {
                continue;
            }
            if (flush(cpu) && cpu.preemptPending()) {
                return yieldTo(cpu);
            }
            return idle(cpu);
        }
        flush(cpu);
        return idle(cpu);
    }
}
