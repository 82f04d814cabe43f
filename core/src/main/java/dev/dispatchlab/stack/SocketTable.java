package dev.dispatchlab.stack;

/**
 * The local UDP ports with a socket bound: udp_input's demux. Bound before traffic starts and then
 * only read, so lookups take no lock (the array is published by the run's start).
 */
public final class SocketTable {

    private final UserSocket[] byPort = new UserSocket[65536];

    /** Binds {@code s} to its port; throws if the port is taken. Before traffic starts. */
    public void bind(UserSocket s) {
        if (byPort[s.port()] != null) {
            throw new IllegalStateException("port " + s.port() + " already has a socket");
        }
        byPort[s.port()] = s;
    }

    /** @return the socket bound to {@code port}, or null */
    public UserSocket lookup(int port) {
        return byPort[port];
    }
}
