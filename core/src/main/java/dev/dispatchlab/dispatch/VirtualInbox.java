package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpmcArrayQueue;

/**
 * A bounded queue shared by a set of {@link VirtualWorkers}: any context {@link #submit submits}
 * an item, and whichever worker is free {@link #take takes} it, parking while there is none. It is
 * the thread-per-packet shape of the {@code vthread} model: the ring's reader submits each packet,
 * and each worker carries one packet through every stage, blocking on crypto as it goes.
 *
 * <h2>Handing off without a lost wakeup and without waking everyone</h2>
 * <pre>
 *   submit(item):  queue.offer(item) [CAS] ─► w = idle.poll() [CAS] ─► w? clear its flag, ring it
 *   take(self):    queue.poll() ─ item ─► return it
 *                    └ none ─► not registered? register: flag, idle.offer(self) [CAS]
 *                              queue.poll() again ─ item ─► return it (still registered: see below)
 *                                └ none ─► park (await), then loop
 * </pre>
 * Both sides publish (a CAS) before they look at the other's queue, so either the worker's second
 * poll sees the item or the submitter's idle poll sees the worker. A worker is in the idle list at
 * most once: it registers only with its flag clear, and the flag is cleared only by the submitter
 * that took it off the list. A worker whose re-check found an item stays registered; a later submit
 * may then ring it while it is busy, and that item waits for the busy worker's next take (or another
 * worker's): a delayed handoff in a narrow race, never a lost one.
 *
 * <p>Calling context: {@link #submit} from any thread with the caller's stage context;
 * {@link #take} from a worker of the set, on its own virtual thread.
 *
 * <p>Costs: a submit is two CASes, plus a ring and a virtual-thread unpark when a worker was idle;
 * a take that finds an item is one CAS.
 */
public final class VirtualInbox<T> {

    private final MpmcArrayQueue<T> queue;
    private final MpmcArrayQueue<VirtualWorker> idle;

    /**
     * @param capacity most items queued at once
     * @param workers  the set whose workers take from this inbox (sizes the idle list)
     */
    public VirtualInbox(int capacity, VirtualWorkers workers) {
        this.queue = new MpmcArrayQueue<>(Math.max(2, capacity));
        this.idle = new MpmcArrayQueue<>(Math.max(2, workers.count()));
    }

    /**
     * Queues {@code item} for the next free worker and wakes one that is idle.
     *
     * @return false if the inbox was full: the caller still owns the item and drops it with a reason
     */
    public boolean submit(T item, StageContext caller) {
        if (!queue.offer(item)) {
            caller.count(Counter.QUEUE_FULL);
            return false;
        }
        caller.count(Counter.HANDOFF);
        VirtualWorker w = idle.poll();
        if (w != null) {
            w.idleRegistered = false;
            w.wake();
        }
        return true;
    }

    /**
     * Takes the next item, parking while there is none. Own worker's thread only.
     *
     * @return the item, or null once the workers are stopping and the inbox is empty
     */
    public T take(VirtualWorker self) {
        for (;;) {
            T item = queue.poll();
            if (item != null) {
                return item;
            }
            if (!self.running()) {
                return null;
            }
            if (!self.idleRegistered) {
                self.idleRegistered = true;
                if (!idle.offer(self)) {
                    throw new IllegalStateException("idle list overflow: " + self + " is not a worker of this inbox's set");
                }
                item = queue.poll();
                if (item != null) {
                    return item;
                }
            }
            self.await();
        }
    }

    /** @return the next item, or null if none is queued now; never parks. Own worker's thread only. */
    public T poll() {
        return queue.poll();
    }

    /** @return items queued now; a snapshot */
    public int queued() {
        return queue.size();
    }

    /**
     * Hands every item still queued to {@code discard} (after the workers were joined).
     *
     * @return the number discarded
     */
    public int discardRemaining(ItemHandler<T> discard, StageContext ctx) {
        int n = 0;
        T item;
        while ((item = queue.poll()) != null) {
            discard.handle(item, ctx);
            n++;
        }
        return n;
    }
}
