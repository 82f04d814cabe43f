package dev.dispatchlab.dispatch;

/**
 * How an execution context waits for its {@link Doorbell} when it has nothing to do: spin, yield,
 * park, or a mix. The choices are the {@link IdleStrategies} enum; every waiting context in this
 * package takes one, and every run reports the one it used ({@link #label()}), because the choice
 * moves cost between CPU time (spinning) and context switches plus wakeup latency (parking).
 *
 * <p>Calling context: the doorbell's owner thread only (a platform or a virtual thread).
 *
 * <p>Threading: implementations are stateless between calls and may be shared by any number of
 * contexts.
 */
public interface IdleStrategy {

    /**
     * Waits until {@code bell} has been rung, then consumes the ring (see {@link Doorbell}). Returns
     * at once if a ring is already pending.
     *
     * @return true if the thread parked and a ring unparked it: a wakeup, which the caller counts
     */
    boolean await(Doorbell bell);

    /** @return true if this strategy may put the thread to sleep (so a ring may cost an unpark) */
    boolean mayPark();

    /** @return the stable name printed with every run, e.g. {@code "spin-then-park(200,20)"} */
    String label();
}
