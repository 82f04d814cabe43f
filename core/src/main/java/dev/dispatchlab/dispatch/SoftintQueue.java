package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpscArrayQueue;

/**
 * A queue drained by a softint (NetBSD pktqueue(9), the {@code ipintrq} of the push model): enqueue
 * is a queue offer plus a softint schedule, and the softint's handler runs the item handler on each
 * queued item, up to its budget per run.
 *
 * <pre>
 *   enqueue(item, caller): offer ─ full ─► false, QUEUE_FULL (caller drops with a reason)
 *                            └ ok ─► HANDOFF (unless caller is the softint's thread) ─► softint.schedule(caller)
 *   softint thread: handler(item, ctx) for up to budget items; budget used up ─► runs again later
 * </pre>
 * Unlike a {@link Continuation}, an enqueue never runs the handler in the caller, even on the
 * softint's own thread: pktqueue always defers.
 *
 * <p>Calling context: {@link #enqueue} from any thread with the caller's stage context. The item
 * handler runs on the softint thread of the level and CPU; it must not block for long.
 *
 * <p>Threading: MPSC; any number of producers, the softint thread consumes.
 *
 * <p>Costs: an offer (a CAS), a schedule (one load when the softint is pending already); per item
 * on the softint side, one poll and the handler call.
 */
public final class SoftintQueue<T> {

    private final MpscArrayQueue<T> queue;
    private final ItemHandler<T> handler;
    private final Softint softint;

    SoftintQueue(Softints softints, SoftintLevel level, int cpu, String name, int capacity, int budget,
                 ItemHandler<T> handler) {
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        this.handler = handler;
        this.softint = softints.establish(level, cpu, name, this::drain, budget);
    }

    /**
     * Queues {@code item} and schedules the softint.
     *
     * @return false if the queue was full: the caller still owns the item and drops it with a reason
     */
    public boolean enqueue(T item, StageContext caller) {
        if (!queue.offer(item)) {
            caller.count(Counter.QUEUE_FULL);
            return false;
        }
        if (!softint.context().inContext()) {
            caller.count(Counter.HANDOFF);
        }
        softint.schedule(caller);
        return true;
    }

    private int drain(StageContext ctx, int budget) {
        int n = 0;
        T item;
        while (n < budget && (item = queue.poll()) != null) {
            handler.handle(item, ctx);
            n++;
        }
        return n;
    }

    /** @return the softint that drains the queue */
    public Softint softint() {
        return softint;
    }

    /** @return items queued now; a snapshot */
    public int queued() {
        return queue.size();
    }

    /**
     * Hands every item still queued to {@code discard}, with the softint thread's stage context.
     * Only after the softints have been joined.
     *
     * @return the number of items discarded
     */
    public int discardRemaining(ItemHandler<T> discard) {
        ExecutionContext c = softint.context();
        if (!c.ended()) {
            throw new IllegalStateException("softint queue " + softint.name() + ": discard only after the softint thread has ended");
        }
        int n = 0;
        T item;
        while ((item = queue.poll()) != null) {
            discard.handle(item, c.stage());
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return "SoftintQueue{" + softint + ", queued=" + queued() + '}';
    }
}
