package dev.dispatchlab.device;

import java.util.concurrent.TimeUnit;

/**
 * Receive interrupt coalescing (interrupt moderation), per ring: after a packet arrives unserviced,
 * the NIC raises the ring's interrupt once {@link #packets()} packets are waiting or
 * {@link #delayNanos()} have passed since the first of them, whichever comes first.
 * {@code (1, 0)} interrupts for every packet.
 *
 * <p>"Unserviced" means arrived while the ring's interrupt was enabled and not yet covered by a
 * raise: packets that arrive while the consumer has the interrupt masked (it is polling) are its to
 * find and start no timer.
 *
 * @param packets    raise after this many unserviced packets (at least 1)
 * @param delayNanos raise this long after the first unserviced packet (0: at once; at most 1 s)
 */
public record Coalescing(int packets, long delayNanos) {

    /** The longest delay: a NIC's moderation timer runs in microseconds; a second already stalls a run. */
    public static final long MAX_DELAY_NANOS = 1_000_000_000L;

    /** One interrupt per packet (per burst of packets that arrive at the same instant). */
    public static final Coalescing EVERY_PACKET = new Coalescing(1, 0);

    public Coalescing {
        if (packets < 1) {
            throw new IllegalArgumentException("coalescing needs at least 1 packet: packets=" + packets);
        }
        if (delayNanos < 0 || delayNanos > MAX_DELAY_NANOS) {
            throw new IllegalArgumentException("coalescing delay must be in [0, 1 s]: delayNanos=" + delayNanos);
        }
    }

    /** @return coalescing after {@code packets} packets or {@code micros} microseconds */
    public static Coalescing of(int packets, long micros) {
        return new Coalescing(packets, TimeUnit.MICROSECONDS.toNanos(micros));
    }

    @Override
    public String toString() {
        return "coalescing(" + packets + " packets, " + delayNanos / 1000.0 + " us)";
    }
}
