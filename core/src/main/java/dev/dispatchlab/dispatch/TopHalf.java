package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.device.InterruptSource;

/**
 * The minimal top half of a threaded interrupt, run in the raising (device) thread: mask the
 * device's interrupt if there is one to mask (so the device stops raising until the consumer
 * re-enables it), then ring the consumer's doorbell. It counts nothing: the device thread has no
 * host counters; the woken consumer counts the interrupt.
 */
final class TopHalf implements InterruptLine {

    private final InterruptSource source;
    private final Doorbell bell;

    /** @param source the device interrupt to mask on each raise, or null to leave the device unmasked */
    TopHalf(InterruptSource source, Doorbell bell) {
        this.source = source;
        this.bell = bell;
    }

    @Override
    public void raise() {
        if (source != null) {
            source.mask();
        }
        bell.ring();
    }
}
