package dev.dispatchlab.sim;

import dev.dispatchlab.metrics.DropReason;

/**
 * A NIC receive ring with an interrupt that can be masked and is coalesced: it fires after
 * {@code coalescePackets} arrivals, or {@code coalescePs} after the first unsignalled one, whichever
 * comes first, and never while masked. A full ring drops ({@code rx ring full}). Enabling the
 * interrupt does not raise it for packets already waiting: the driver re-checks the ring after
 * enabling, as the runtime's puller and interrupt threads do.
 */
public final class SimNic {

    private final Machine m;
    private final IntQueue ring;
    private final int coalescePackets;
    private final long coalescePs;
    private SimCpu.Irq handler;
    private Runnable onMaskedArrival;
    private boolean masked;
    private int unsignalled;
    private long generation;

    public SimNic(Machine m, int ringCapacity, int coalescePackets, long coalescePs) {
        this.m = m;
        this.ring = new IntQueue(ringCapacity);
        this.coalescePackets = Math.max(1, coalescePackets);
        this.coalescePs = coalescePs;
    }

    /** Connects the interrupt handler (the model's). */
    public void connect(SimCpu.Irq irq) {
        this.handler = irq;
    }

    /**
     * A frame arrives from the wire.
     *
     * @return false if the full ring refused it (dropped {@code rx ring full})
     */
    public boolean arrive(int p) {
        if (!ring.offer(p)) {
            m.drop(p, DropReason.RX_RING_FULL);
            return false;
        }
        if (masked || handler == null) {
            if (masked && onMaskedArrival != null) {
                onMaskedArrival.run();
            }
            return true;
        }
        unsignalled++;
        if (unsignalled >= coalescePackets) {
            fire();
        } else if (unsignalled == 1 && coalescePs > 0) {
            long g = generation;
            m.sim.after(coalescePs, Simulation.Order.DEVICE, () -> {
                if (g == generation && unsignalled > 0 && !masked) {
                    fire();
                }
            });
        }
        return true;
    }

    /** Runs {@code r} on each arrival while masked (a busy poller watching the ring). */
    public void onMaskedArrival(Runnable r) {
        this.onMaskedArrival = r;
    }

    private void fire() {
        unsignalled = 0;
        generation++;
        m.raise(handler);
    }

    public void mask() {
        masked = true;
        unsignalled = 0;
        generation++;
    }

    public void enable() {
        masked = false;
    }

    public boolean masked() {
        return masked;
    }

    /** @return the next frame, or -1 */
    public int poll() {
        return ring.poll();
    }

    public boolean hasWork() {
        return !ring.isEmpty();
    }

    public int queued() {
        return ring.size();
    }
}
