package dev.dispatchlab.metrics;

/**
 * Which side of the measurement a thread is on (DESIGN.md, "Host and device threads"). Figures are
 * reported for host threads; device threads (the wire that emits synthetic packets, crypto engine
 * threads standing for a card) are reported beside them, apart; threads nobody registered (the
 * JVM's compiler and GC threads) are reported as "other".
 */
public enum ThreadRole {
    /** Runs the receive path or the user: interrupt threads, softint threads, pullers, carriers, the user thread. */
    HOST,
    /** Stands for hardware: the wire, crypto engines, capture and socket feeders when they model a device. */
    DEVICE,
    /** Not registered: JVM threads and anything else in the process. */
    OTHER
}
