package dev.dispatchlab.sim.model;

import dev.dispatchlab.crypto.CryptoDrivers;

/**
 * A dispatch design as the simulator runs it: which simulated contexts run which stage of the
 * receive path and how work moves between them. The choices are the {@link SimModels} enum; the six
 * runtime models carry the runtime's labels, so simulated and measured results line up.
 */
public interface SimModel {

    /** @return the label used on the command line and in results, e.g. {@code "puller"} */
    String label();

    /** @return which contexts it uses and where its handoffs are */
    String description();

    /** @return the crypto driver the design stands for (as the runtime model's) */
    CryptoDrivers defaultCrypto();

    /** @return true if its kernel contexts may run above the user (false for designs that spin) */
    boolean kernelPriority();

    /** @return true if its interrupts always run on the host CPU (a kernel's own interrupts, not emulated devices) */
    boolean interruptsOnHost();

    /** Builds the model's contexts on {@code env}'s machine and connects the NIC's and the engine's interrupts. */
    void build(SimEnv env);
}
