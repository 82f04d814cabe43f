package dev.dispatchlab.device;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.SpscArrayQueue;

import java.lang.invoke.VarHandle;

/**
 * One receive ring of a {@link Nic}: a bounded single-producer single-consumer ring of packet
 * buffers (the descriptor ring), its interrupt enable bit and its coalescing state.
 *
 * <pre>
 *   device thread (producer)                         consumer context (one per ring)
 *   Nic.receive ─► offer ─ full ─► RX_RING_FULL        poll() ─► stages
 *                  └ ok: pending++ (if enabled)        mask() / enable() / hasWork()
 *   Nic.service(now): fence; enabled?                  line ◄── connect(InterruptLine)
 *        pending ≥ N or now - first ≥ T ─► raise line
 * </pre>
 *
 * <p>Threading: the producer side ({@code offer}, coalescing) is the NIC's device thread; the
 * consumer side ({@link #poll()}, {@link #mask()}, {@link #enable()}, {@link #hasWork()}) is the
 * ring's one consumer context; the interrupt's top half may {@link #mask()} from the device thread.
 * {@link #connect} before traffic starts. See {@link InterruptSource} for the re-enable protocol.
 */
public final class RxRing implements InterruptSource {

    private final Nic nic;
    private final int index;
    private final SpscArrayQueue<PacketBuffer> ring;
    private final int capacity;
    private volatile boolean enabled = true;
    private volatile InterruptLine line = InterruptLine.NONE;

    // ---- producer (device thread) only ----
    private int pending;
    private long firstPendingNanos;
    /** Raises of the line; single writer, read by anyone. */
    private volatile long raised;

    RxRing(Nic nic, int index, int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two, at least 2: capacity=" + capacity);
        }
        this.nic = nic;
        this.index = index;
        this.ring = new SpscArrayQueue<>(capacity);
        this.capacity = ring.capacity();
    }

    /** Connects the ring's interrupt to a handler (a hard interrupt, an interrupt thread, a puller). Before traffic. */
    public void connect(InterruptLine line) {
        this.line = line == null ? InterruptLine.NONE : line;
    }

    // ---- consumer side ----------------------------------------------------------------------

    /** @return the next packet, or null when the ring is empty. The ring's consumer only. */
    public PacketBuffer poll() {
        return ring.poll();
    }

    @Override
    public void mask() {
        enabled = false;
    }

    @Override
    public void enable() {
        enabled = true;
        VarHandle.fullFence(); // store enable, then load the ring: pairs with the fence in Nic.service
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public boolean hasWork() {
        return !ring.isEmpty();
    }

    /**
     * Drops every packet still in the ring with {@code reason}, charged to {@code ctx}: after the
     * consumer has stopped (and the device too), so that nothing is left in flight.
     *
     * @return the number dropped
     */
    public int discard(StageContext ctx, DropReason reason) {
        int n = 0;
        PacketBuffer p;
        while ((p = ring.poll()) != null) {
            ctx.drop(p, reason);
            n++;
        }
        return n;
    }

    // ---- producer side (device thread) ---------------------------------------------------------

    /** @return true if an offer would succeed now; the device thread only (see {@link Nic#hasRoom}) */
    boolean hasRoom() {
        return ring.size() < capacity;
    }

    /** Places {@code p}; the device thread only. @return false if the ring is full */
    boolean offer(PacketBuffer p, long arrivalNanos) {
        if (!ring.offer(p)) {
            return false;
        }
        if (pending++ == 0) {
            firstPendingNanos = arrivalNanos;
        }
        return true;
    }

    /**
     * Decides whether to raise, after a burst or on a timer. The caller has fenced since the last
     * offer. Device thread only.
     */
    void service(long now, Coalescing c) {
        if (pending == 0) {
            return;
        }
        if (!enabled) {
            pending = 0; // the consumer is polling: these are its to find
            return;
        }
        if (pending >= c.packets() || now - firstPendingNanos >= c.delayNanos()) {
            pending = 0;
            raised = raised + 1; // single writer
            line.raise();
        }
    }

    /** @return when the coalescing timer of the pending packets expires, or Long.MAX_VALUE if none is pending */
    long deadline(Coalescing c) {
        return pending == 0 ? Long.MAX_VALUE : firstPendingNanos + c.delayNanos();
    }

    // ---- introspection -------------------------------------------------------------------------

    public int index() {
        return index;
    }

    public Nic nic() {
        return nic;
    }

    public int capacity() {
        return capacity;
    }

    /** @return packets in the ring now; a snapshot */
    public int size() {
        return ring.size();
    }

    /** @return how many times the device raised this ring's interrupt; any thread, a snapshot */
    public long raised() {
        return raised;
    }

    @Override
    public String toString() {
        return nic.name() + "-rx" + index + "{size=" + size() + "/" + capacity + (enabled ? "" : ", masked") + ", raised="
                + raised + '}';
    }
}
