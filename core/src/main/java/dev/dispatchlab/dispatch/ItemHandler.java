package dev.dispatchlab.dispatch;

import dev.dispatchlab.packet.StageContext;

/**
 * What a context does with one item handed to it (a packet, a completed crypto request): the body
 * of a {@link Continuation}, a {@link SoftintQueue} or a {@link VirtualInbox}. Preallocated and
 * shared by every item, so that a handoff allocates nothing.
 *
 * <p>Calling context: the context the item was handed to (or the caller itself, when a continuation
 * runs immediately), with that context's {@link StageContext}. The item belongs to the handler from
 * the call on. Whether it may block is stated by the primitive that runs it.
 */
@FunctionalInterface
public interface ItemHandler<T> {
    void handle(T item, StageContext ctx);
}
