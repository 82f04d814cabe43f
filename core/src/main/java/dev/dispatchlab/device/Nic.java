package dev.dispatchlab.device;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The NIC: one or more receive rings ({@link RxRing}), receive-side scaling over them, and per-ring
 * interrupt enable and coalescing. It has no thread: the device thread that feeds it (the synthetic
 * wire, a capture replayer) drives it by calling {@link #receive} for each packet, {@link #service}
 * after each burst, and {@link #service} again when {@link #nextDeadline()} passes.
 *
 * <pre>
 *   device thread:  receive(p): ring = indirection[p.flowHash &amp; 127] ─► ring.offer ─ full ─► RX_RING_FULL
 *                   service(now): full fence; per ring: enabled and (≥ N pending or T elapsed) ─► raise
 *                                                                                              │
 *   rings:          rx0 ──► line ─► hard interrupt │ interrupt thread │ puller │ virtual worker ◄┘
 *                   rx1 ──► ...
 * </pre>
 *
 * <h2>Why one fence per burst</h2>
 * A consumer that re-enables its interrupt then re-checks its ring, and the device that places a
 * packet then checks the enable bit, must each store before they load (see {@link InterruptSource}).
 * The device side pays for that with one full fence per {@link #service} call rather than one per
 * packet; packets of a burst arrive at the same instant, so one interrupt covers them all.
 *
 * <p>Threading: {@link #receive}, {@link #service} and {@link #nextDeadline} from the one device
 * thread that feeds the NIC; the rings' consumer sides from their consumers; configuration
 * ({@link #indirection(int[])}, {@link RxRing#connect}) before traffic.
 */
public final class Nic {

    /** Entries of the RSS indirection (redirection) table; a power of two. */
    public static final int INDIRECTION_ENTRIES = 128;

    private final String name;
    private final RxRing[] rings;
    private final Coalescing coalescing;
    private final int[] indirection = new int[INDIRECTION_ENTRIES];

    /**
     * @param rings        number of receive rings (queues)
     * @param ringCapacity descriptors per ring, a power of two
     */
    public Nic(String name, int rings, int ringCapacity, Coalescing coalescing) {
        if (rings < 1) {
            throw new IllegalArgumentException("a NIC needs at least one ring: rings=" + rings);
        }
        this.name = name;
        this.coalescing = coalescing;
        this.rings = new RxRing[rings];
        for (int i = 0; i < rings; i++) {
            this.rings[i] = new RxRing(this, i, ringCapacity);
        }
        for (int i = 0; i < INDIRECTION_ENTRIES; i++) {
            indirection[i] = i % rings;
        }
    }

    /** Sets the RSS indirection table: entry {@code i} is the ring for hashes whose low 7 bits are {@code i}. Before traffic. */
    public void indirection(int[] table) {
        if (table.length != INDIRECTION_ENTRIES) {
            throw new IllegalArgumentException("indirection table needs " + INDIRECTION_ENTRIES + " entries: length=" + table.length);
        }
        for (int r : table) {
            if (r < 0 || r >= rings.length) {
                throw new IllegalArgumentException("indirection entry names no ring: entry=" + r + ", rings=" + rings.length);
            }
        }
        System.arraycopy(table, 0, indirection, 0, INDIRECTION_ENTRIES);
    }

    /** @return the ring a packet with {@code flowHash} is received on */
    public int ringOf(int flowHash) {
        return indirection[flowHash & (INDIRECTION_ENTRIES - 1)];
    }

    /**
     * Receives one packet (its flow hash and arrival time already set): sets its queue and places it
     * on its ring, or drops it with {@link DropReason#RX_RING_FULL} charged to the producer. Device
     * thread only; follow each burst with {@link #service}.
     *
     * @return true if the packet was placed (it now belongs to the ring's consumer)
     */
    /**
     * Whether the ring that {@code flowHash} steers to has a free descriptor now. A real NIC that
     * has none drops the frame without a DMA; the synthetic wire asks this first so that, at
     * saturation, a frame bound to be dropped costs neither a pool buffer nor its copy (otherwise the
     * device CPU spends most of its time taking buffers from the pool and giving them back, on the
     * cache lines the host's releases use). Device thread only; a true answer can only stay true
     * until this thread offers, as the ring's consumer only frees descriptors.
     */
    public boolean hasRoom(int flowHash) {
        return rings[indirection[flowHash & (INDIRECTION_ENTRIES - 1)]].hasRoom();
    }

    public boolean receive(PacketBuffer p, StageContext producer) {
        int r = indirection[p.flowHash() & (INDIRECTION_ENTRIES - 1)];
        p.queue(r);
        if (!rings[r].offer(p, p.arrivalNanos())) {
            producer.drop(p, DropReason.RX_RING_FULL);
            return false;
        }
        return true;
    }

    /**
     * Raises the interrupts that are due: after a burst of {@link #receive} calls, and whenever
     * {@link #nextDeadline()} has passed. Device thread only.
     *
     * @param now the device's clock reading (one per burst)
     */
    public void service(long now) {
        VarHandle.fullFence(); // packets placed, then read the enable bits (see the class note)
        for (RxRing r : rings) {
            r.service(now, coalescing);
        }
    }

    /** @return the earliest coalescing timer pending, or {@link Long#MAX_VALUE}. Device thread only. */
    public long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (RxRing r : rings) {
            d = Math.min(d, r.deadline(coalescing));
        }
        return d;
    }

    public RxRing ring(int i) {
        return rings[i];
    }

    public int rings() {
        return rings.length;
    }

    public Coalescing coalescing() {
        return coalescing;
    }

    public String name() {
        return name;
    }

    /**
     * Drops whatever is left in every ring with {@code reason} (after the device and the consumers
     * have stopped).
     *
     * @return the number dropped
     */
    public int discard(StageContext ctx, DropReason reason) {
        int n = 0;
        for (RxRing r : rings) {
            n += r.discard(ctx, reason);
        }
        return n;
    }

    @Override
    public String toString() {
        return "Nic{" + name + ", rings=" + Arrays.toString(rings) + ", " + coalescing + '}';
    }
}
