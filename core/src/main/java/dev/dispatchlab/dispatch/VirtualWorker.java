package dev.dispatchlab.dispatch;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.device.InterruptSource;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One virtual worker of {@link VirtualWorkers}: a virtual thread with its own stage context, on
 * which stage code is written in blocking style. Where a continuation design would return and be
 * called back, this code simply waits, and the wait parks the virtual thread, not its carrier:
 *
 * <pre>
 *   for (;;) {
 *       PacketBuffer p = ring.poll();
 *       if (p == null) { if (!self.awaitWork(ring)) break; continue; }  // parks until the ring's interrupt
 *       ... ip, esp: build the request ...
 *       req.then(callback, self.completionTarget());
 *       driver.submit(req, self.stage());
 *       self.awaitCompletion(req);                                        // parks until the engine completes it
 *       ... continue with the plaintext, to the socket ...
 *   }
 * </pre>
 *
 * <p>Every wait is a {@link Doorbell} wait with {@link java.util.concurrent.locks.LockSupport#park},
 * which unmounts a virtual thread from its carrier (no monitor is held, so nothing pins). A wait that
 * parks and is rung counts one {@code WAKEUP} in this worker's counters.
 *
 * <p>Calling context: the wait methods and {@link #stage()} on this worker's own virtual thread;
 * {@link #line()} raises and {@link #completionTarget()} completions from any thread.
 *
 * <p>Costs: a wait that parks costs a virtual-thread unmount and a remount on a carrier (a
 * continuation freeze and thaw, no OS switch unless the carrier itself has to sleep); the ring costs
 * the ringer a swap and, when the worker was parked, a submit to the virtual-thread scheduler.
 */
public final class VirtualWorker {

    private static final VarHandle DELIVERED;

    static {
        try {
            DELIVERED = MethodHandles.lookup().findVarHandle(VirtualWorker.class, "delivered", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final VirtualWorkers owner;
    private final int index;
    private final StageContext stage;
    private final Doorbell bell = new Doorbell();
    private final InterruptLine line;
    private final CompletionTarget completionTarget;

    /** Completions delivered to this worker (any completing thread adds). */
    @SuppressWarnings("unused") // accessed through DELIVERED
    private volatile long delivered;
    /** Completions this worker has waited for (owner only). */
    private long awaited;
    /** Registered in a {@link VirtualInbox}'s idle list; see there. */
    volatile boolean idleRegistered;

    VirtualWorker(VirtualWorkers owner, int index, StageContext stage) {
        this.owner = owner;
        this.index = index;
        this.stage = stage;
        this.line = bell::ring;
        this.completionTarget = new CompletionTarget() {
            @Override
            public void complete(CryptoRequest request, StageContext completer) {
                DELIVERED.getAndAdd(VirtualWorker.this, 1L);
                bell.ring();
            }

            @Override
            public void afterSubmit(CryptoRequest request, StageContext submitter) {
                // the code after the wait is the continuation: park, then run it here
                awaitCompletion(request);
                request.callback().cryptoDone(request, submitter);
            }

            @Override
            public String name() {
                return stage.name();
            }
        };
    }

    /** @return this worker's stage context (its counters, clock and slot); on its own thread only */
    public StageContext stage() {
        return stage;
    }

    public int index() {
        return index;
    }

    /** @return false once the workers were asked to stop: the body should finish queued work and return */
    public boolean running() {
        return !owner.stopping();
    }

    /**
     * Parks until this worker is rung (a line raise, a completion, an inbox handoff, a stop).
     * Consumes the ring; the caller re-checks whatever it waits for. Own thread only.
     */
    public void await() {
        if (bell.await(owner.idle())) {
            stage.count(Counter.WAKEUP);
        }
    }

    /** Rings this worker: any thread. @return true if it was parked and is now runnable */
    public boolean wake() {
        return bell.ring();
    }

    /** @return a line that rings this worker (connect a device's interrupt to it); raise from any thread */
    public InterruptLine line() {
        return line;
    }

    /**
     * @return a line whose raise masks {@code source} and rings this worker (the NAPI top half):
     *         one raise per {@link #awaitWork} at most. Create it once, at setup.
     */
    public InterruptLine line(InterruptSource source) {
        return new TopHalf(source, bell);
    }

    /**
     * Waits for a masked device to have work, the NAPI way: enable its interrupt, re-check, park
     * until raised. The device's line must ring this worker ({@link #line(InterruptSource)} or
     * {@link #line()}); the worker masks again when it wakes and counts the {@code INTERRUPT}. Own
     * thread only.
     *
     * @return true when the device has work (or may have), false when the workers are stopping
     */
    public boolean awaitWork(InterruptSource source) {
        source.enable();
        if (source.hasWork()) {
            source.mask();
            stage.count(Counter.REARM_RACE);
            return true;
        }
        if (!running()) {
            source.mask();
            return false;
        }
        await();
        source.mask();
        if (running()) {
            stage.count(Counter.INTERRUPT);
        }
        return true;
    }

    /**
     * A completion target that wakes this worker (and runs nothing: the worker's code after
     * {@link #awaitCompletion} is the continuation, so the request's callback is not called). Any
     * completing thread; allocation-free.
     */
    public CompletionTarget completionTarget() {
        return completionTarget;
    }

    /**
     * Parks until as many completions have been delivered to this worker as it has awaited, this
     * one included. With one request outstanding that is the request's own completion; with a
     * batch, await each and use the requests after the last await returns. Own thread only.
     *
     * @return the request's status (final once the last outstanding completion was delivered)
     */
    public CryptoStatus awaitCompletion(CryptoRequest request) {
        long target = ++awaited;
        while ((long) DELIVERED.getVolatile(this) < target) {
            await();
        }
        return request.status();
    }

    @Override
    public String toString() {
        return "VirtualWorker{" + stage.name() + '}';
    }
}
