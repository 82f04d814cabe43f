package dev.dispatchlab.stack;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.packet.StageContext;

/**
 * The dispatch model's answer to "where does the continuation of a crypto request submitted from
 * this context run?": inline (run-to-completion models), the submitting CPU's softint or
 * continuation queue, or the virtual thread that submitted it.
 */
@FunctionalInterface
public interface CompletionRouting {

    CompletionTarget forContext(StageContext submitter);

    /** Every continuation runs in whatever context completes the request. */
    CompletionRouting INLINE = ctx -> CompletionTarget.INLINE;
}
