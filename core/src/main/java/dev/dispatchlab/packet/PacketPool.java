package dev.dispatchlab.packet;

import org.jctools.queues.MpmcArrayQueue;

/**
 * A fixed set of {@link PacketBuffer}s allocated once, handed out and taken back without allocating.
 *
 * <p>Buffers are acquired by sources (the wire, a capture reader, the socket receiver) and released
 * by whichever context finishes with the packet, usually another thread, so the free list is a
 * bounded multi-producer multi-consumer array queue. An empty pool returns {@code null}: the caller
 * drops the packet with {@code POOL_EXHAUSTED}; nothing blocks and nothing is allocated.
 *
 * <p>Leak check: once every context has stopped, {@link #outstanding()} must be zero; the
 * accounting check at the end of a run asserts it.
 *
 * <p>Threading: {@link #acquire()} and release may be called from any thread.
 */
public final class PacketPool {

    /** Default headroom: room for Ethernet + 802.1Q + IPv6 + UDP + ESP header + IV on encapsulation. */
    public static final int DEFAULT_HEADROOM = 128;

    private final String name;
    private final int capacity;
    private final int bufferSize;
    private final int headroom;
    private final MpmcArrayQueue<PacketBuffer> free;
    private final PacketBuffer[] all;

    /**
     * @param name       for messages
     * @param count      number of buffers (at least 2)
     * @param bufferSize bytes per buffer, headroom included
     * @param headroom   bytes left free in front of the packet on acquire
     */
    public PacketPool(String name, int count, int bufferSize, int headroom) {
        if (count < 2) {
            throw new IllegalArgumentException("pool needs at least 2 buffers: count=" + count);
        }
        if (headroom < 0 || headroom >= bufferSize) {
            throw new IllegalArgumentException("headroom must be in [0, bufferSize): headroom=" + headroom
                    + ", bufferSize=" + bufferSize);
        }
        this.name = name;
        this.capacity = count;
        this.bufferSize = bufferSize;
        this.headroom = headroom;
        this.free = new MpmcArrayQueue<>(count);
        this.all = new PacketBuffer[count];
        for (int i = 0; i < count; i++) {
            PacketBuffer b = new PacketBuffer(this, i, bufferSize);
            all[i] = b;
            if (!free.offer(b)) {
                throw new IllegalStateException("pool free list smaller than its count: " + count);
            }
        }
    }

    /** @return a buffer with {@link #headroom()} bytes free in front and length 0, or null when none is free */
    public PacketBuffer acquire() {
        PacketBuffer b = free.relaxedPoll();
        if (b == null) {
            b = free.poll();
            if (b == null) {
                return null;
            }
        }
        b.claim(headroom);
        return b;
    }

    void giveBack(PacketBuffer b) {
        if (!free.offer(b)) {
            throw new IllegalStateException("pool " + name + " free list overflow: a foreign buffer was released into it");
        }
    }

    /** @return buffers currently handed out; exact only while no thread acquires or releases */
    public int outstanding() {
        return capacity - free.size();
    }

    /** @return the buffers still handed out (for a leak report); allocates */
    public java.util.List<PacketBuffer> leaked() {
        java.util.List<PacketBuffer> out = new java.util.ArrayList<>();
        for (PacketBuffer b : all) {
            if (b.inUse()) {
                out.add(b);
            }
        }
        return out;
    }

    public String name() {
        return name;
    }

    public int capacity() {
        return capacity;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public int headroom() {
        return headroom;
    }

    @Override
    public String toString() {
        return "PacketPool{" + name + ", capacity=" + capacity + ", bufferSize=" + bufferSize + ", outstanding="
                + outstanding() + '}';
    }
}
