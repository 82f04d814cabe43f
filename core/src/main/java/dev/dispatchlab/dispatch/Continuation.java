package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpscArrayQueue;

/**
 * A continuation bound to an execution context (NetBSD {@code kcont}): a preallocated handler that
 * always runs in its context, scheduled with one item at a time. This is the one cross-context
 * mechanism of the package (Netty's {@code inEventLoop() ? invoke() : execute()}, Aeron's proxies):
 *
 * <pre>
 *   schedule(item, caller)
 *     caller is on the context (and not nested too deep) ─► handler(item, ctx)        CONTINUATION_IMMEDIATE
 *     otherwise ─► queue.offer(item) ─ full ─► refused: return false                 QUEUE_FULL (caller drops)
 *                                    └ ok ───► context.wake()                        CONTINUATION_DEFERRED, HANDOFF
 *                                              ... context thread: handler(item, ctx) for each queued item
 * </pre>
 * Immediate runs cost an indirect call and no thread switch; deferred ones cost a queue offer, a
 * ring (cheap when the context is awake) and, if the context slept, a wakeup. Nesting is bounded
 * ({@link #MAX_IMMEDIATE_DEPTH}): a continuation scheduled from inside a continuation that is itself
 * running immediately is deferred past that depth, so a chain of continuations cannot overflow the
 * stack (it is counted as deferred, not as a handoff).
 *
 * <p>Calling context: {@link #schedule} from any thread with the caller's own stage context (its
 * counters are charged). The handler runs on the context's thread with the context's stage context;
 * it must not block for long (it holds up every other source of the context) and may schedule other
 * continuations.
 *
 * <p>Threading: any number of schedulers (the queue is MPSC); one consumer, the context.
 *
 * <p>Stopping: the context drains the queue before it ends; items scheduled after it ended are
 * refused ({@code false}, counted QUEUE_FULL) or, if they raced past that check, handed to
 * {@link #discardRemaining(ItemHandler)} after join.
 */
public final class Continuation<T> {

    /** Deepest chain of immediate runs before a continuation is deferred instead. */
    public static final int MAX_IMMEDIATE_DEPTH = 8;

    private final ExecutionContext context;
    private final ItemHandler<T> handler;
    private final MpscArrayQueue<T> queue;
    private final String name;

    /** Immediate-run nesting; touched only by the context's own thread. */
    private int depth;

    /**
     * Creates the continuation and registers its queue as a source of {@code context}, which must
     * not have started.
     *
     * @param capacity the most items queued at once (rounded up to a power of two)
     * @param budget   the most queued items run per pass of the context
     */
    public Continuation(String name, ExecutionContext context, ItemHandler<T> handler, int capacity, int budget) {
        this.name = name;
        this.context = context;
        this.handler = handler;
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        context.add(this::runQueued, budget);
    }

    /**
     * Runs {@code handler(item)} in the context: now, if the caller is the context's thread, else
     * queued and the context woken.
     *
     * @param caller the calling context (its counters are charged)
     * @return false if the queue was full or the context has ended: the item was not taken and the
     *         caller still owns it (it drops it with a reason)
     */
    public boolean schedule(T item, StageContext caller) {
        if (context.inContext()) {
            if (depth < MAX_IMMEDIATE_DEPTH) {
                caller.count(Counter.CONTINUATION_IMMEDIATE);
                depth++;
                try {
                    handler.handle(item, context.stage());
                } finally {
                    depth--;
                }
                return true;
            }
            if (!queue.offer(item)) {
                caller.count(Counter.QUEUE_FULL);
                return false;
            }
            caller.count(Counter.CONTINUATION_DEFERRED); // same thread: no handoff
            context.wake(); // a swap on an awake context; makes sure the pass comes round again
            return true;
        }
        if (context.ended() || !queue.offer(item)) {
            caller.count(Counter.QUEUE_FULL);
            return false;
        }
        caller.count(Counter.CONTINUATION_DEFERRED);
        caller.count(Counter.HANDOFF);
        context.wake();
        return true;
    }

    private int runQueued(StageContext ctx, int budget) {
        int n = 0;
        T item;
        while (n < budget && (item = queue.poll()) != null) {
            depth++; // a continuation scheduled from here runs immediately, nested one level
            try {
                handler.handle(item, ctx);
            } finally {
                depth--;
            }
            n++;
        }
        return n;
    }

    /** @return items queued now; a snapshot */
    public int queued() {
        return queue.size();
    }

    public ExecutionContext context() {
        return context;
    }

    public String name() {
        return name;
    }

    /**
     * Hands every item still queued to {@code discard} with the context's stage context. Only after
     * the context has been joined (its stage context is then free to use on this thread).
     *
     * @return the number of items discarded
     */
    public int discardRemaining(ItemHandler<T> discard) {
        if (!context.ended()) {
            throw new IllegalStateException("continuation " + name + ": discard only after the context has ended");
        }
        int n = 0;
        T item;
        while ((item = queue.poll()) != null) {
            discard.handle(item, context.stage());
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return "Continuation{" + name + " on " + context.name() + ", queued=" + queued() + '}';
    }
}
