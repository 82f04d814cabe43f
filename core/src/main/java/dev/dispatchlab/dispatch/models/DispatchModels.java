package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.dispatch.Puller;

import java.util.Locale;
import java.util.function.Function;

/**
 * The dispatch designs dispatchlab measures (DESIGN.md, "Dispatch models"). Each constant says which
 * threads it uses and where its handoffs are; the class it builds says how.
 */
public enum DispatchModels implements DispatchModel {

    /**
     * NIC interrupt thread → softnet thread → crypto engine → crypto interrupt thread → softnet →
     * user. Host threads: an ithread per ring, a softnet thread per host CPU, a crypto ithread, the user.
     */
    PUSH("push", CryptoDrivers.OFFLOAD, PushModel::new,
            "NIC ithread -> ipintrq -> softnet (ip, esp, submit) -> engine -> crypto ithread -> softnet (rest) -> user"),
    /**
     * Interrupts as threads, no softints: the NIC ithread runs rx, IP and ESP submit; the crypto
     * interrupt thread runs the completion to the socket. Host threads: an ithread per ring, a
     * crypto ithread, the user.
     */
    ITHREAD("ithread", CryptoDrivers.OFFLOAD, IthreadModel::new,
            "NIC ithread (link, ip, esp, submit) -> engine -> crypto ithread (rest, to the socket) -> user"),
    /**
     * The interrupt only wakes the puller, which masks it, drains its ring under a budget running
     * every stage to completion, and re-enables it (Linux NAPI). Host threads: a puller per ring, the user.
     */
    PULLER("puller", CryptoDrivers.SOFTWARE, env -> new PullerModel(env, Puller.Mode.NAPI),
            "interrupt wakes puller; puller masks, drains under budget, every stage to completion -> user"),
    /**
     * Hard interrupts schedule continuations on the CPU's continuation context; asynchronous crypto
     * carries its continuation back to the submitting CPU. Host threads: a continuation context per
     * host CPU, the user (interrupt top halves run in the device threads).
     */
    KCONT("kcont", CryptoDrivers.OFFLOAD, KcontModel::new,
            "hard intr schedules rx continuation on kcont/c; crypto completion continuation back to kcont/c -> user"),
    /**
     * Blocking-style stage code on virtual threads; crypto waits park the virtual thread, not the
     * carrier. Host threads: the carriers, the user.
     */
    VTHREAD("vthread", CryptoDrivers.OFFLOAD, VthreadModel::new,
            "virtual rx worker -> virtual workers (ip, esp, wait for crypto, rest) on carriers -> user"),
    /**
     * One thread per ring spins on the ring and never sleeps, running every stage to completion; the
     * user spins on its socket too. Host threads: a poller per ring, the user.
     */
    BUSYPOLL("busypoll", CryptoDrivers.SOFTWARE, env -> new PullerModel(env, Puller.Mode.BUSY_POLL),
            "poller spins on the ring, every stage to completion; user spins on its socket") {
        @Override
        public IdleStrategy userIdle(IdleStrategy runIdle) {
            return IdleStrategies.SPIN;
        }

        @Override
        public boolean kernelPriority() {
            return false;
        }
    };

    private final String label;
    private final CryptoDrivers defaultCrypto;
    private final Function<ModelEnvironment, ModelRuntime> factory;
    private final String description;

    DispatchModels(String label, CryptoDrivers defaultCrypto, Function<ModelEnvironment, ModelRuntime> factory,
                   String description) {
        this.label = label;
        this.defaultCrypto = defaultCrypto;
        this.factory = factory;
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
        return defaultCrypto;
    }

    @Override
    public ModelRuntime build(ModelEnvironment env) {
        return factory.apply(env);
    }

    /** @return the model named {@code s} (label, case-insensitive), or null */
    public static DispatchModels byLabel(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        for (DispatchModels m : values()) {
            if (m.label.equals(t)) {
                return m;
            }
        }
        return null;
    }

    /** @return the labels, for help texts */
    public static String labels() {
        StringBuilder sb = new StringBuilder();
        for (DispatchModels m : values()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(m.label);
        }
        return sb.toString();
    }
}
