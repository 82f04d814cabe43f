package dev.dispatchlab.sim.model;

import dev.dispatchlab.crypto.CryptoDrivers;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * The models the simulator runs: the runtime's six, built as the runtime builds them (one host CPU;
 * the same threads, queues, budgets, masking and deferred wakeups), and {@code classic}, the 2007 BSD
 * path every other model is compared with.
 */
public enum SimModels implements SimModel {

    /** NIC ithread → softnet thread → card → crypto ithread → softnet → user: up to six switches per packet. */
    PUSH("push", CryptoDrivers.OFFLOAD, true, false, Wiring::push,
            "NIC ithread -> ipintrq -> softnet (ip, esp, submit) -> card -> crypto ithread -> softnet (deliver) -> user"),
    /** NIC ithread (rx, ip, esp, submit) → card → crypto ithread (deliver) → user. */
    ITHREAD("ithread", CryptoDrivers.OFFLOAD, true, false, Wiring::ithread,
            "NIC ithread (rx, ip, esp, submit) -> card -> crypto ithread (deliver) -> user"),
    /** The interrupt wakes the puller, which masks, drains under its budget, to completion. */
    PULLER("puller", CryptoDrivers.SOFTWARE, true, false, env -> Wiring.puller(env, false),
            "interrupt wakes puller; puller masks, drains under budget, every stage to completion -> user"),
    /** Hard interrupts schedule continuations on kcont/0; completions come back as continuations. */
    KCONT("kcont", CryptoDrivers.OFFLOAD, true, false, Wiring::kcont,
            "hard intr schedules rx continuation on kcont/0; completion continuations back to kcont/0 -> user"),
    /** Virtual threads on one carrier; crypto waits park the virtual thread. */
    VTHREAD("vthread", CryptoDrivers.OFFLOAD, true, false, Wiring::vthread,
            "virtual rx worker -> virtual workers (ip, esp, park for the card, deliver) on one carrier -> user"),
    /** A poller spins on the masked ring, to completion; the user spins on its socket. */
    BUSYPOLL("busypoll", CryptoDrivers.SOFTWARE, false, false, env -> Wiring.puller(env, true),
            "poller spins on the ring, every stage to completion; user spins on its socket"),
    /** Hard interrupt and fast softints on the interrupted context; the only switch is the user's. */
    CLASSIC("classic", CryptoDrivers.OFFLOAD, true, true, Wiring::classic,
            "NIC hard intr (rx, ipintrq) -> fast softint (ip, esp, submit) -> card -> hard intr -> fast softint "
                    + "(deliver, wake) -> user; all on the interrupted context");

    private final String label;
    private final CryptoDrivers crypto;
    private final boolean kernelPriority;
    private final boolean interruptsOnHost;
    private final Consumer<SimEnv> wiring;
    private final String description;

    SimModels(String label, CryptoDrivers crypto, boolean kernelPriority, boolean interruptsOnHost,
              Consumer<SimEnv> wiring, String description) {
        this.label = label;
        this.crypto = crypto;
        this.kernelPriority = kernelPriority;
        this.interruptsOnHost = interruptsOnHost;
        this.wiring = wiring;
        this.description = description;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public CryptoDrivers defaultCrypto() {
        return crypto;
    }

    @Override
    public boolean kernelPriority() {
        return kernelPriority;
    }

    @Override
    public boolean interruptsOnHost() {
        return interruptsOnHost;
    }

    @Override
    public void build(SimEnv env) {
        wiring.accept(env);
    }

    /** @return true for busypoll: host contexts and the user spin */
    public boolean spins() {
        return this == BUSYPOLL;
    }

    /** @return the model labelled {@code s} (case-insensitive), or null */
    public static SimModels byLabel(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        for (SimModels m : values()) {
            if (m.label.equals(t)) {
                return m;
            }
        }
        return null;
    }

    /** @return every label, comma-separated */
    public static String labels() {
        StringBuilder sb = new StringBuilder();
        for (SimModels m : values()) {
            sb.append(sb.isEmpty() ? "" : ",").append(m.label);
        }
        return sb.toString();
    }
}
