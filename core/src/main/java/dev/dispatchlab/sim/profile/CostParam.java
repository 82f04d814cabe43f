package dev.dispatchlab.sim.profile;

import java.util.Locale;

/**
 * The costs an architecture profile gives, one constant per key of the profile file (the file's key
 * is {@link #key()}). Each has a {@link Dimension}: the loader accepts only units of that dimension
 * and converts every value to the simulator's units (nanoseconds, nanoseconds per byte, plain counts,
 * MHz).
 */
public enum CostParam {
    /** CPU clock; converts {@code cycles}. */
    CLOCK_MHZ(Dimension.FREQUENCY, "CPU clock"),
    /** Hardware interrupt entry, vector dispatch and return, on the interrupted context. */
    HARD_INTERRUPT(Dimension.TIME, "hardware interrupt entry and exit"),
    /** Direct cost of a switch between two threads (save, restore, scheduler pick). */
    CONTEXT_SWITCH(Dimension.TIME, "context switch, direct"),
    /** Cache refill paid by the incoming thread after a switch, excluding the TLB. */
    SWITCH_REFILL(Dimension.TIME, "cache refill after a switch"),
    /** SPARC register windows spilled and filled per switch; 0 elsewhere. */
    WINDOW_SPILL_FILL(Dimension.TIME, "register window spill and fill per switch"),
    /** One TLB miss serviced. */
    TLB_REFILL(Dimension.TIME, "one TLB miss"),
    /** TLB misses taken after a switch to another context. */
    TLB_MISSES_PER_SWITCH(Dimension.COUNT, "TLB misses per switch"),
    /**
     * How much one switch's cost varies around the profile's figure (a relative standard deviation):
     * each switch in the simulation draws its cost from the run's seeded random. The scheduler's
     * decisions between two threads are near ties a few hundred nanoseconds wide, and a machine's
     * rounds are not all alike; 0 makes every switch cost exactly its figure.
     */
    SWITCH_SPREAD(Dimension.COUNT, "spread of a switch's cost (relative standard deviation)"),
    /** Making a sleeping thread runnable, paid by the waker. */
    WAKEUP(Dimension.TIME, "wakeup (paid by the waker)"),
    /**
     * A thread's own way into a sleep beyond the switch (its blocking call up to the scheduler), paid
     * by the thread that sleeps. 0 where the profile's {@code context_switch} counts it.
     */
    SLEEP(Dimension.TIME, "going to sleep (paid by the sleeper)"),
    /** Extra cost of waking a thread on another CPU. */
    CROSS_CPU_WAKEUP(Dimension.TIME, "extra cost of a cross-CPU wakeup"),
    /**
     * What sending a wakeup to a thread asleep on another CPU costs the sender's own CPU (the
     * wakeup call with its inter-processor interrupt; in a guest, that interrupt's exits). Paid by a
     * device thread on a CPU of its own (the emulated card's engine) for each host thread its
     * interrupt wakes. 0 where devices are hardware, whose interrupt costs them nothing.
     */
    CROSS_CPU_WAKER(Dimension.TIME, "a cross-CPU wakeup's cost to the sender (a device thread waking a host thread)"),
    /** Raising a soft interrupt. */
    SOFTINT_SCHEDULE(Dimension.TIME, "softint schedule"),
    /** Entering and leaving a fast soft interrupt on the interrupted context. */
    SOFTINT_DISPATCH(Dimension.TIME, "fast softint entry and exit"),
    /** Continuation enqueue, dequeue and indirect call. */
    CONTINUATION_DISPATCH(Dimension.TIME, "continuation dispatch"),
    /** Park and resume of a virtual thread. */
    VTHREAD_PARK_UNPARK(Dimension.TIME, "virtual thread park and unpark"),
    /**
     * How long a virtual threads' carrier looks for work before it parks (the OS sees it sleep only
     * then): the JDK's ForkJoinPool spins before it deactivates a worker. 0: it parks at once.
     */
    CARRIER_SPIN(Dimension.TIME, "virtual threads' carrier spin before it parks"),
    /** Null system call entry and exit. */
    SYSCALL(Dimension.TIME, "null system call"),
    /** Driver receive: frame off the ring, link-layer demux. */
    STAGE_RX(Dimension.TIME, "stage: driver receive and link demux"),
    /** Outer IPv4 input. */
    STAGE_IP(Dimension.TIME, "stage: outer IP input"),
    /** ESP input excluding the cipher. */
    STAGE_ESP(Dimension.TIME, "stage: ESP input without the cipher"),
    /** Software cipher per packet. */
    CRYPTO_FIXED(Dimension.TIME, "software cipher per packet"),
    /** Software cipher per payload byte. */
    CRYPTO_PER_BYTE(Dimension.TIME_PER_BYTE, "software cipher per byte"),
    /** Inner IP, UDP input, socket enqueue. */
    STAGE_DELIVER(Dimension.TIME, "stage: inner IP, UDP, socket enqueue"),
    /** Copy from the socket buffer to the user, per byte. */
    USER_COPY_PER_BYTE(Dimension.TIME_PER_BYTE, "copy to user per byte"),
    /**
     * The host's own work per crypto card request beyond the stages: the driver's submission and its
     * completion handling, half charged to the submitting context and half to the one taking the
     * completion. 0 where the profile counts them in {@code stage_esp} and {@code continuation_dispatch}.
     */
    CARD_HOST_PER_REQUEST(Dimension.TIME, "card request, host side (submit and completion)"),
    /**
     * The host's work on a frame whose card submit is refused (every descriptor taken) beyond the
     * stages it went through: the refused submit, its failed completion, the drop. Charged to the
     * submitting context. 0 where the profile counts it in {@code stage_esp}.
     */
    CARD_REFUSAL(Dimension.TIME, "card submit refused (ring full), host side beyond the stages"),
    /**
     * An emulated card's engine: its own CPU time per request beyond the cipher (taking the
     * descriptor, reading the packet another CPU wrote, posting the completion). 0 for a hardware
     * engine, whose time is the card's latency and speed cap.
     */
    ENGINE_PER_REQUEST(Dimension.TIME, "emulated card engine per request, beyond the cipher"),
    /**
     * An emulated card's engine: how long it keeps polling its CPU after its last completion was
     * signalled before it parks (the driver's idle polls and the way to sleep). It holds the CPU it
     * shares with the wire meanwhile. 0 for a hardware engine.
     */
    ENGINE_IDLE_SPIN(Dimension.TIME, "emulated card engine's CPU held per wakeup beyond its work and waits: "
            + "its idle polls before it parks and what the wakeup costs it"),
    /**
     * The runtime's synthetic wire (a thread on a device CPU): its time per frame placed on the ring
     * when it runs flat out. A run at the maximum rate with the devices on their own CPU is offered
     * frames this far apart: the runtime's wire places none faster. 0 for a real machine's wire, whose
     * maximum rate the simulation sets at four times what one CPU could take.
     */
    WIRE_FRAME(Dimension.TIME, "emulated wire's time per frame placed, flat out (0: a real wire)"),
    /**
     * The synthetic wire's time per frame it finds the ring full for (a refusal, counted as offered and
     * dropped {@code rx ring full}): much less than a frame placed, which writes the frame and its
     * descriptor. At the maximum rate a full ring makes the wire offer faster, and a slot the host frees
     * is filled again this soon. 0: as long as a frame placed ({@code wire_frame}).
     */
    WIRE_REFUSAL(Dimension.TIME, "emulated wire's time per frame the full ring refuses (0: as wire_frame)");

    /** What a cost measures, which decides the units it may be given in. */
    public enum Dimension {
        /** {@code MHz} only. */
        FREQUENCY,
        /** {@code ns}, {@code us}, {@code ms}, {@code cycles}; stored in nanoseconds. */
        TIME,
        /** {@code ns/byte}, {@code cycles/byte}; stored in nanoseconds per byte. */
        TIME_PER_BYTE,
        /** {@code count}. */
        COUNT
    }

    private final Dimension dimension;
    private final String description;

    CostParam(Dimension dimension, String description) {
        this.dimension = dimension;
        this.description = description;
    }

    /** @return the key in the profile file, e.g. {@code "context_switch"} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Dimension dimension() {
        return dimension;
    }

    public String description() {
        return description;
    }

    /** @return the parameter whose file key is {@code key}, or null */
    public static CostParam byKey(String key) {
        for (CostParam p : values()) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        return null;
    }

    /** @return the simulator's unit for this parameter, for tables */
    public String simUnit() {
        return switch (dimension) {
            case FREQUENCY -> "MHz";
            case TIME -> "ns";
            case TIME_PER_BYTE -> "ns/byte";
            case COUNT -> "count";
        };
    }
}
