package dev.dispatchlab.crypto;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for the emulated engine: what a real card does on a bad day, on demand, so that
 * tests (and demonstration runs) can drive the TIMEOUT, QUEUE_FULL and ENGINE_FAILURE paths.
 *
 * <ul>
 *   <li>{@link #stall()}: each engine stops right after taking its next descriptor off the
 *       submission ring, holding it without starting it, as a hung crypto core does. The ring
 *       fills (QUEUE_FULL), the watchdog times the held and queued requests out (TIMEOUT), and after
 *       {@link #resume()} the engine finds its held request already completed and discards its
 *       result (counted as {@link CryptoCounter#LATE_COMPLETIONS_DISCARDED}). A stalled engine still
 *       raises completion interrupts for completions other parts of the driver posted.</li>
 *   <li>{@link #failNext(int)}: the next {@code n} requests an engine claims complete with
 *       ENGINE_FAILURE, their packets untouched.</li>
 * </ul>
 *
 * <p>Threading: any thread.
 */
public final class EngineFaults {

    private final Runnable wakeEngines;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean stalled;

    EngineFaults(Runnable wakeEngines) {
        this.wakeEngines = wakeEngines;
    }

    /** Stalls every engine at its next descriptor. */
    public void stall() {
        stalled = true;
    }

    /** Lets stalled engines go on. */
    public void resume() {
        stalled = false;
        wakeEngines.run();
    }

    public boolean stalled() {
        return stalled;
    }

    /** Makes the next {@code n} requests the engines claim fail with ENGINE_FAILURE. */
    public void failNext(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("failNext needs n >= 0: n=" + n);
        }
        failures.addAndGet(n);
    }

    /** @return engines currently stalled with a descriptor in hand */
    public int heldRequests() {
        return held.get();
    }

    /** Engine side: consumes one injected failure if any is pending. */
    boolean takeFailure() {
        int f;
        while ((f = failures.get()) > 0) {
            if (failures.compareAndSet(f, f - 1)) {
                return true;
            }
        }
        return false;
    }

    void enterHold() {
        held.incrementAndGet();
    }

    void leaveHold() {
        held.decrementAndGet();
    }
}
