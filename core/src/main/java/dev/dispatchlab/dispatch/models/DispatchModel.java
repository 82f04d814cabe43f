package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.dispatch.IdleStrategy;

/**
 * A dispatch design: which execution context runs which stage of the receive path, and how work
 * moves between contexts. Every model runs the same stage code ({@code stack.ReceivePath}) on the
 * same packets; the choices are the {@link DispatchModels} enum.
 *
 * <p>Adding a model is local: a class implementing this interface (usually extending
 * {@link ModelRuntime} for the runtime it builds) and one enum constant.
 */
public interface DispatchModel {

    /** @return the stable name used on the command line and in results, e.g. {@code "puller"} */
    String label();

    /** @return which threads the model uses and where its handoffs are, for reports */
    String description();

    /** @return the crypto driver the design stands for (the threaded designs assume an asynchronous card) */
    CryptoDrivers defaultCrypto();

    /**
     * @param runIdle the run's idle strategy
     * @return how the user thread waits on its socket under this model (busy polling spins there too)
     */
    default IdleStrategy userIdle(IdleStrategy runIdle) {
        return runIdle;
    }

    /**
     * @return true if the model's host contexts may run at kernel priority (above the user thread), as
     *         interrupt and softint contexts do in a kernel; false for designs that never sleep
     *         (a spinning real-time thread would starve the user)
     */
    default boolean kernelPriority() {
        return true;
    }

    /** Builds the model's contexts and threads (not started) for one run. */
    ModelRuntime build(ModelEnvironment env);
}
