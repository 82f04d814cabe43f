package dev.dispatchlab.device;

/**
 * The device side of an interrupt that its consumer can mask and re-enable: a NIC receive ring's
 * interrupt-enable bit (the crypto engine's completion ring may be one too). Masking is how a poller
 * (NAPI) tells the device "I am polling you, do not interrupt"; re-enabling is how it goes back to
 * sleep.
 *
 * <h2>Re-enable protocol (no lost interrupt)</h2>
 * <pre>
 *   consumer                                   device (producer)
 *   ring empty → enable()   [store; full fence] places work          [store]
 *             → hasWork()?  [load]             full fence, enabled()? [load] → raise if enabled
 * </pre>
 * Each side stores, fences, then loads the other's variable, so at least one sees the other: either
 * the device sees the interrupt enabled and raises, or the consumer's re-check sees the work (it
 * then masks again and keeps polling, and counts {@code REARM_RACE}). Both may happen; then the
 * raise is a spurious interrupt, never a lost one.
 *
 * <p>Threading: {@link #mask()}, {@link #enable()} and {@link #hasWork()} by the source's one
 * consumer context, or by the interrupt's top half on the device thread ({@code mask} only).
 */
public interface InterruptSource {

    /** Stops the device raising this interrupt. Cheap (one store); idempotent. */
    void mask();

    /** Lets the device raise this interrupt again; ends with a full fence (see the class note). */
    void enable();

    /** @return true while the interrupt is enabled; a snapshot */
    boolean enabled();

    /** @return true if the device has work the consumer has not taken (the ring is not empty) */
    boolean hasWork();
}
