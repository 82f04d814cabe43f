package dev.dispatchlab.device;

/**
 * The wire from a device to its interrupt handler: a device (the NIC, the crypto engine) calls
 * {@link #raise()} when it wants service, as hardware asserts an interrupt line. What happens then
 * (a handler run in the device's own thread, an interrupt thread woken, a puller scheduled, nothing
 * while masked) is the dispatch model's choice, made by what it connects to the line.
 *
 * <p>Threading: {@code raise} is called from device threads and must never block.
 */
@FunctionalInterface
public interface InterruptLine {

    /** Asserts the interrupt. Cheap and non-blocking; may be called again before the handler runs. */
    void raise();

    /** A line connected to nothing (a device polled by its consumer). */
    InterruptLine NONE = () -> { };
}
