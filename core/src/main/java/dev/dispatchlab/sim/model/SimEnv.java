package dev.dispatchlab.sim.model;

import dev.dispatchlab.sim.Costs;
import dev.dispatchlab.sim.Machine;
import dev.dispatchlab.sim.SimEngine;
import dev.dispatchlab.sim.SimNic;
import dev.dispatchlab.sim.UserProcess;

/**
 * What a simulated model is built on.
 *
 * @param machine        the machine (host CPU, counts)
 * @param nic            the NIC ring
 * @param engine         the crypto card, or null for the software driver (crypto inline)
 * @param user           the user process with its socket
 * @param budget         items per context pass (NAPI weight)
 * @param queueCapacity  queues between contexts
 * @param kernelPriority kernel contexts run above the user
 * @param spinning       the model's host contexts and user spin instead of sleeping
 * @param virtualWorkers vthread's virtual workers (each ends its pass after a budget of its own packets)
 */
public record SimEnv(Machine machine, SimNic nic, SimEngine engine, UserProcess user, int budget, int queueCapacity,
                     boolean kernelPriority, boolean spinning, int virtualWorkers) {

    /** Priority of interrupt threads. */
    public int ithreadPriority() {
        return kernelPriority ? 30 : 0;
    }

    /** Priority of softint threads, continuation contexts, pullers and carriers. */
    public int kernelThreadPriority() {
        return kernelPriority ? 20 : 0;
    }

    public Costs costs() {
        return machine.costs;
    }

    /** @return true for the software driver (cipher inline, no engine) */
    public boolean softwareCrypto() {
        return engine == null;
    }
}
