package dev.dispatchlab.packet;

/** Something a stage can wake: a socket's reader, a context's doorbell. {@link #wake()} never blocks. */
@FunctionalInterface
public interface Wakeable {
    void wake();
}
