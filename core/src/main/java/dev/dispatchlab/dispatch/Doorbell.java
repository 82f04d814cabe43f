package dev.dispatchlab.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A single-waiter wait/signal: its owner sleeps (or spins) until some thread {@link #ring() rings}
 * it. Every waiting context in this package waits on one: a softint thread, an interrupt thread, a
 * puller, a work-queue worker, a virtual worker.
 *
 * <h2>Protocol</h2>
 * <pre>
 *            ring()                      owner: CAS IDLE->PARKED, park
 *   IDLE ───────────────► RUNG ◄─────────────────────────────── PARKED
 *    ▲                     │   ring(): getAndSet RUNG, saw PARKED ▲
 *    │ owner: getAndSet    │           → unpark(owner) = a wakeup  │
 *    └─────── IDLE ◄───────┘                                      │
 *                         owner, IDLE and nothing to do ──────────┘
 * </pre>
 * <ul>
 *   <li>A producer first publishes its work (a queue offer), then rings. A ring that finds the bell
 *       already RUNG costs one volatile load and no store: rings coalesce until the owner consumes.</li>
 *   <li>The owner consumes a ring ({@code RUNG -> IDLE}, an atomic swap so that it synchronizes with
 *       the last ringer and sees all work published before that ring) and only then looks for work.
 *       Work published after the owner looked is followed by a ring, which either finds IDLE (the
 *       owner's CAS to PARKED then fails and it does not sleep) or PARKED (the ringer unparks it).
 *       So no wakeup is lost, and the owner never needs to re-check its queues after parking.</li>
 *   <li>A ring that swaps PARKED for RUNG is the only one that calls {@link LockSupport#unpark}, and
 *       {@link #ring()} returns true for it: exactly one unpark per sleep. The owner's wait returns
 *       true for the same sleep, and the owner counts the {@code WAKEUP} in its own counters
 *       (counters are single-writer; a device thread that rings has no counters of the host's).</li>
 * </ul>
 * A {@code WAKEUP} counts unparks of a thread that had declared itself parked: what the ringer paid
 * for. The operating system's voluntary-switch count says how many of them were real sleeps (the
 * owner may not yet have reached {@code park} when it is unparked).
 *
 * <p>Calling context: {@link #ring()} from any thread, including device threads and the owner
 * itself; it never blocks. {@link #await(IdleStrategy)} and the owner operations from one owner
 * thread at a time (a virtual thread may change carriers).
 *
 * <p>Costs: ring when already rung, one load; ring on an awake owner, one uncontended atomic swap;
 * ring on a parked owner, a swap plus {@code unpark} (a futex wake for a platform thread, a
 * scheduler submit for a virtual thread) and, for the owner, a context switch in and out.
 */
public final class Doorbell {

    private static final VarHandle STATE;
    static final int IDLE = 0;
    static final int RUNG = 1;
    static final int PARKED = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Doorbell.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state = IDLE;
    private volatile Thread owner;

    /**
     * Signals the owner. Cheap when the owner is awake; unparks it when it sleeps.
     *
     * @return true if this ring made a parked owner runnable (exactly one ring per sleep returns true)
     */
    public boolean ring() {
        if ((int) STATE.getVolatile(this) == RUNG) {
            return false; // pending already: coalesced, no store
        }
        if ((int) STATE.getAndSet(this, RUNG) == PARKED) {
            LockSupport.unpark(owner);
            return true;
        }
        return false;
    }

    /** @return true if the owner has declared itself parked (tests wait for this); a snapshot */
    boolean isParked() {
        return (int) STATE.getVolatile(this) == PARKED;
    }

    /** @return true if a ring is pending (not yet consumed); any thread, a snapshot */
    public boolean isRung() {
        return (int) STATE.getVolatile(this) == RUNG;
    }

    /**
     * Waits with {@code idle} until rung and consumes the ring. Owner only.
     *
     * @return true if the owner parked and was woken by a ring (a wakeup to count)
     */
    public boolean await(IdleStrategy idle) {
        return idle.await(this);
    }

    /**
     * Consumes a pending ring. Owner only.
     *
     * @return true if a ring was pending
     */
    public boolean consume() {
        return (int) STATE.getVolatile(this) == RUNG && (int) STATE.getAndSet(this, IDLE) == RUNG;
    }

    /**
     * Parks until rung, then consumes the ring. Owner only; the idle strategies call it after their
     * spinning or yielding phase. Not interruptible: an interrupt is kept and re-asserted on return.
     *
     * @return true if the owner parked and a ring woke it
     */
    public boolean parkUntilRung() {
        Thread me = Thread.currentThread();
        if (owner != me) {
            owner = me; // published by the CAS below before any ringer can see PARKED
        }
        if (!STATE.compareAndSet(this, IDLE, PARKED)) {
            consume(); // it can only be RUNG: the owner is the only one who leaves RUNG
            return false;
        }
        boolean interrupted = false;
        while ((int) STATE.getVolatile(this) == PARKED) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true; // keep parking; a set interrupt flag would make park return at once
            }
        }
        STATE.getAndSet(this, IDLE);
        if (interrupted) {
            me.interrupt();
        }
        return true;
    }

    @Override
    public String toString() {
        int s = (int) STATE.getVolatile(this);
        return "Doorbell{" + (s == IDLE ? "idle" : s == RUNG ? "rung" : "parked") + '}';
    }
}
