package dev.dispatchlab.peers;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.dispatch.models.ModelEnvironment;
import dev.dispatchlab.dispatch.models.ModelRuntime;

import java.util.Locale;
import java.util.function.Function;

/**
 * The peer implementations {@code bench} measures beside the dispatch models. Each is a
 * {@link DispatchModel}, so the runner runs and measures it exactly as it runs a model; each serves
 * the socket source only and uses the software crypto driver, as a user-space gateway without a card does.
 */
public enum PeerModels implements DispatchModel {

    /** One Netty native-epoll event loop receives with recvmmsg and runs every stage. Host threads: the loop, the user. */
    NETTY("netty", NettyPeer::new,
            "Netty epoll event loop: recvmmsg, copy, ip, esp, decrypt, udp, socket, all in the loop -> user"),
    /** Receive, decrypt and deliver as three threads on one Disruptor ring. Host threads: rx, decrypt, deliver, the user. */
    DISRUPTOR("disruptor", DisruptorPeer::new,
            "rx thread -> Disruptor ring -> decrypt handler (ip, esp, cipher) -> deliver handler (esp completion, udp, socket) -> user");

    private final String label;
    private final Function<ModelEnvironment, ModelRuntime> factory;
    private final String description;

    PeerModels(String label, Function<ModelEnvironment, ModelRuntime> factory, String description) {
        this.label = label;
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
        return CryptoDrivers.SOFTWARE;
    }

    /** Applications, not kernel contexts: they never run above the user thread. */
    @Override
    public boolean kernelPriority() {
        return false;
    }

    /**
     * @throws IllegalArgumentException when the source is not sockets (a peer is a socket server)
     */
    @Override
    public ModelRuntime build(ModelEnvironment env) {
        if (!env.socketSource()) {
            throw new IllegalArgumentException(label + ": a peer serves the socket source only (--source socket)");
        }
        return factory.apply(env);
    }

    /** @return the peer named {@code s} (case-insensitive), or null */
    public static PeerModels byLabel(String s) {
        for (PeerModels p : values()) {
            if (p.label.equalsIgnoreCase(s.strip())) {
                return p;
            }
        }
        return null;
    }

    /** @return the labels, comma-separated */
    public static String labels() {
        StringBuilder b = new StringBuilder();
        for (PeerModels p : values()) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(p.label.toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }
}
