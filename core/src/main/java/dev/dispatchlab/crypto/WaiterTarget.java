package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

import java.util.concurrent.locks.LockSupport;

/**
 * Completion by resuming the thread that waits for the result: the blocking programming model of
 * the {@code vthread} dispatch model at continuation cost. The submitter calls
 * {@link #submitAndWait}, which submits and parks the calling thread until the request is done; the
 * completing context only unparks it. The continuation is simply the code after the call, and the
 * request's callback, if it has one, runs there too, in the waiting thread with the waiter's context.
 *
 * <p>On a virtual thread the park unmounts the virtual thread and frees its carrier: nothing here
 * holds a monitor or sits in a native frame while parked, so nothing pins (and on JDK 24 and later
 * monitors no longer pin either). On a platform thread it blocks the thread, which is then simply the
 * threaded design being measured. Nothing is allocated by this class: the waiter is a field of the
 * reusable request and the park permit is the thread's own (the JDK itself may allocate stack chunks
 * when it unmounts a virtual thread).
 *
 * <p>Like OCF's {@code /dev/crypto} path ({@code CRYPTO_F_USER}): a request already done when the
 * waiter looks costs no sleep at all, which is what happens with the software driver, which completes
 * before {@code submit} returns.
 *
 * <p>Threading: {@code submitAndWait} is called by the request's owner; {@code complete} from any thread.
 */
public final class WaiterTarget implements CompletionTarget {

    /** The one instance; stateless, shared by every waiter. */
    public static final WaiterTarget INSTANCE = new WaiterTarget();

    private WaiterTarget() {
    }

    /**
     * Submits {@code r} to its session's driver and parks the calling thread until it completes; then
     * runs the request's callback (if any) in this thread with {@code ctx}, and returns the status.
     * Sets the request's target to this one (its callback is kept, and may be null).
     *
     * @param ctx the waiting thread's context: the submitter's context and the continuation's
     */
    public static CryptoStatus submitAndWait(CryptoRequest r, StageContext ctx) {
        r.waiter(Thread.currentThread());
        r.then(r.callback(), INSTANCE);
        r.session().submit(r, ctx);
        return await(r, ctx);
    }

    /**
     * Parks until {@code r}, already submitted with this target, is done; runs its callback (if any)
     * here with {@code ctx} and returns its status. The caller must have set {@link CryptoRequest#waiter}
     * to the current thread before submitting.
     */
    public static CryptoStatus await(CryptoRequest r, StageContext ctx) {
        assert r.waiter() == Thread.currentThread() : "await on a request whose waiter is another thread: set waiter(Thread.currentThread()) before submitting";
        while (!r.isDone()) {
            LockSupport.park(r);
        }
        r.waiter(null);
        CryptoCallback cb = r.callback();
        if (cb != null) {
            cb.cryptoDone(r, ctx);
        }
        return r.status();
    }

    /** Wakes the waiter. The request is already done, so a waiter that has not parked yet will not. */
    @Override
    public void complete(CryptoRequest r, StageContext completer) {
        Thread w = r.waiter();
        if (w != null && w != Thread.currentThread()) {
            LockSupport.unpark(w); // a stale unpark after the waiter moved on is harmless: park loops on isDone
        }
    }

    /** Blocking-style submitters (see {@link CompletionTarget#afterSubmit}): waits and runs the callback here. */
    @Override
    public void afterSubmit(CryptoRequest r, StageContext submitter) {
        if (r.waiter() != Thread.currentThread()) {
            // The waiter is named only now, after the submit: a completer that ran before this store may
            // have missed it, so the wait re-checks on a short timed park instead of trusting an unpark.
            r.waiter(Thread.currentThread());
            while (!r.isDone()) {
                LockSupport.parkNanos(r, 50_000);
            }
        }
        await(r, submitter);
    }

    @Override
    public String name() {
        return "waiter";
    }
}
