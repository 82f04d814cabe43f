package dev.dispatchlab.dispatch;

import dev.dispatchlab.packet.StageContext;

/**
 * A unit of budgeted work run by an execution context: a softint handler, an interrupt handler, a
 * puller's poll of its ring, a source an {@link ExecutionContext} polls (Agrona's
 * {@code Agent.doWork}). It knows nothing of packets or of who calls it.
 *
 * <p>Calling context: the thread of the context that runs it, with that context's
 * {@link StageContext}; what it may do (block or not) is stated by the primitive that runs it.
 */
@FunctionalInterface
public interface Work {

    /**
     * Does at most {@code budget} items of work.
     *
     * @param ctx    the running context's counters, clock and slot
     * @param budget the most items to do in this call (at least 1)
     * @return the number of items done: 0 means there was nothing to do; {@code budget} (or more)
     *         means work may remain and the caller runs it again after giving others a turn
     */
    int doWork(StageContext ctx, int budget);
}
