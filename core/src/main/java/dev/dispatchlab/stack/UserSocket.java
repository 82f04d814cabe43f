package dev.dispatchlab.stack;

import dev.dispatchlab.dispatch.Doorbell;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.packet.Wakeable;
import org.jctools.queues.MpscArrayQueue;

/**
 * A UDP socket's receive buffer and the blocking receive an application calls: the last handoff of
 * the path, from whichever context ran udp_input to the user thread.
 *
 * <p>Delivery puts the packet itself in the buffer (its offset and length cut to the UDP payload):
 * the application reads the payload in place, as with a zero-copy socket, so the one copy a real
 * {@code recv()} makes into the caller's buffer is not made here. A full buffer drops the packet
 * with {@link DropReason#SOCKET_FULL}, as a kernel socket does when its receive buffer is full.
 *
 * <p>Threading: any number of delivering contexts (a bounded MPSC queue); one receiving thread,
 * which waits on a {@link Doorbell} with the run's idle strategy. A delivery signals the receiver at
 * once, or, from a context that batches its wakeups (an interrupt or softint context, see
 * {@link StageContext#batchWakeups}), once at the end of that context's pass, as a kernel's
 * sorwakeup takes effect when the soft interrupt returns. A signal that finds the receiver parked
 * unparks it; the receiver counts that {@link Counter#WAKEUP} in its own counters.
 */
public final class UserSocket implements Wakeable {

    private final int port;
    private final MpscArrayQueue<PacketBuffer> buffer;
    private final Doorbell bell = new Doorbell();
    private volatile boolean closed;

    /**
     * @param port     the local port it is bound to
     * @param capacity the receive buffer, in packets
     */
    public UserSocket(int port, int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("socket buffer needs at least 2 packets: capacity=" + capacity);
        }
        this.port = port;
        this.buffer = new MpscArrayQueue<>(capacity);
    }

    public int port() {
        return port;
    }

    /**
     * Puts a packet, cut to its UDP payload, in the receive buffer and signals the receiver. Counts a
     * {@link Counter#HANDOFF} in the delivering context; drops with {@code SOCKET_FULL} when full.
     */
    public void deliver(StageContext ctx, PacketBuffer p) {
        if (!buffer.offer(p)) {
            ctx.drop(p, DropReason.SOCKET_FULL);
            return;
        }
        ctx.count(Counter.HANDOFF);
        ctx.wakeAtEndOfPass(this);
    }

    /** Signals the receiver (deliveries do it, at once or at the end of the delivering context's pass). */
    @Override
    public void wake() {
        bell.ring();
    }

    /**
     * Blocking receive. Receiver thread only.
     *
     * @param receiver the receiving thread's context (wakeups are counted there)
     * @return the next packet, or null once the socket is closed and empty
     */
    public PacketBuffer receive(StageContext receiver, IdleStrategy idle) {
        while (true) {
            PacketBuffer p = buffer.relaxedPoll();
            if (p != null) {
                return p;
            }
            if (closed) {
                return buffer.poll();
            }
            if (bell.await(idle)) {
                receiver.count(Counter.WAKEUP);
            }
        }
    }

    /** @return the next packet if one is buffered, else null; never waits. Receiver thread only. */
    public PacketBuffer poll() {
        return buffer.relaxedPoll();
    }

    /** @return packets waiting in the receive buffer (in flight) */
    public int queued() {
        return buffer.size();
    }

    /** Wakes the receiver and makes {@link #receive} return null once the buffer is empty. */
    public void close() {
        closed = true;
        bell.ring();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Drops whatever is still buffered with {@code reason}, counted in {@code ctx}; after the receiver stopped. */
    public int discard(StageContext ctx, DropReason reason) {
        int n = 0;
        PacketBuffer p;
        while ((p = buffer.poll()) != null) {
            ctx.drop(p, reason);
            n++;
        }
        return n;
    }
}
