package dev.dispatchlab.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A pooled packet buffer with headroom and tailroom, like a BSD mbuf cluster with its packet header.
 *
 * <pre>
 *   0                offset                   offset+length              capacity
 *   |---- headroom ----|======= packet =========|-------- tailroom --------|
 * </pre>
 *
 * Decapsulation moves {@code offset} forward ({@link #trimHead}), encapsulation moves it back
 * ({@link #prepend}); trailers come off with {@link #trimTail}. No operation here copies packet bytes.
 * Header flyweights in {@code proto} and {@code esp} read and write {@link #data()} at absolute
 * indices.
 *
 * <h2>The spare array</h2>
 * Each buffer owns a second array of the same size, {@link #spare()}. Out-of-place decryption writes
 * the plaintext into it and {@link #swapSpare()} makes it the packet's data: the decryption itself is
 * the one copy of the payload, where in-place decryption through the JCA costs an extra internal copy
 * (JCA copies overlapping input first; measured 2.6x slower for 64-byte AES-GCM).
 *
 * <h2>Annotations</h2>
 * Like an mbuf's packet header, a buffer carries per-packet facts the stages hand each other:
 * arrival time (for latency), flow hash and receive queue, the offset of the current network
 * header, and the ESP layer's state while a crypto request is in flight ({@link #sa}, {@link #seq},
 * {@link #depth}). {@link #attachment} holds one object a layer allocates once per buffer and reuses
 * (the ESP layer keeps its crypto request there), so that steady-state processing allocates nothing.
 *
 * <h2>Threading</h2>
 * A buffer has one owner at a time. Ownership moves with the buffer through queues (which publish
 * it safely) or a crypto request; the owner either hands it on or ends it with
 * {@link #release()} (directly, or through {@code StageContext.drop}). A second release is a bug
 * and throws.
 */
public final class PacketBuffer {

    private static final VarHandle STATE;
    private static final int FREE = 0;
    private static final int IN_USE = 1;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PacketBuffer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PacketPool pool;
    private final int index;
    private byte[] data;
    private byte[] spare;
    private int offset;
    private int length;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state = FREE;

    // ---- annotations (reset on acquire) ----
    private long arrivalNanos;
    private int flowHash;
    private int queue;
    private int networkOffset;
    private int transportOffset;
    private int transportProtocol;
    private int linkType;
    /** ESP: the security association the packet is being processed under (opaque to this package). */
    public Object sa;
    /** ESP: the full (64-bit, ESN-reconstructed) sequence number under check. */
    public long seq;
    /** ESP: nesting depth (0 for the outermost ESP layer). */
    public int depth;
    /** Source-specific tag (capture frame number, synthetic packet template id); -1 when unused. */
    public long tag;
    /** One object a layer allocates once for this buffer and reuses; survives release. */
    public Object attachment;

    PacketBuffer(PacketPool pool, int index, int capacity) {
        this.pool = pool;
        this.index = index;
        this.data = new byte[capacity];
        this.spare = new byte[capacity];
    }

    /** A buffer outside any pool (tests, tools); {@link #release()} on it only marks it free. */
    public static PacketBuffer unpooled(int capacity, int headroom) {
        PacketBuffer b = new PacketBuffer(null, -1, capacity);
        b.claim(headroom);
        return b;
    }

    void claim(int headroom) {
        if (!STATE.compareAndSet(this, FREE, IN_USE)) {
            throw new IllegalStateException("packet buffer #" + index + " handed out twice");
        }
        offset = headroom;
        length = 0;
        arrivalNanos = 0;
        flowHash = 0;
        queue = 0;
        networkOffset = -1;
        transportOffset = -1;
        transportProtocol = -1;
        linkType = 0;
        sa = null;
        seq = 0;
        depth = 0;
        tag = -1;
    }

    /** Returns the buffer to its pool. Exactly once per acquire; a second call throws. */
    public void release() {
        if (!STATE.compareAndSet(this, IN_USE, FREE)) {
            throw new IllegalStateException("packet buffer #" + index + " released twice (or never acquired)");
        }
        sa = null;
        if (pool != null) {
            pool.giveBack(this);
        }
    }

    /** @return true while some stage owns the buffer */
    public boolean inUse() {
        return (int) STATE.getVolatile(this) == IN_USE;
    }

    public PacketPool pool() {
        return pool;
    }

    /** @return this buffer's index in its pool (-1 when unpooled) */
    public int index() {
        return index;
    }

    /** @return the array holding the packet; valid indices are {@code [offset, offset+length)} */
    public byte[] data() {
        return data;
    }

    /** @return the out-of-place output array; see the class note */
    public byte[] spare() {
        return spare;
    }

    /** Makes the spare array the packet's data (after out-of-place decryption into it). Offsets are unchanged. */
    public void swapSpare() {
        byte[] t = data;
        data = spare;
        spare = t;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** @return the index one past the last packet byte */
    public int end() {
        return offset + length;
    }

    public int capacity() {
        return data.length;
    }

    public int headroom() {
        return offset;
    }

    public int tailroom() {
        return data.length - offset - length;
    }

    /** Sets the packet to {@code [offset, offset+length)}; throws if that is outside the array. */
    public void setRange(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IndexOutOfBoundsException("range outside buffer: offset=" + offset + ", length=" + length
                    + ", capacity=" + data.length);
        }
        this.offset = offset;
        this.length = length;
    }

    /** Removes {@code n} bytes from the front (decapsulation): no copy. */
    public void trimHead(int n) {
        if (n < 0 || n > length) {
            throw new IndexOutOfBoundsException("trimHead: n=" + n + ", length=" + length);
        }
        offset += n;
        length -= n;
    }

    /** Removes {@code n} bytes from the end (trailers, ICV): no copy. */
    public void trimTail(int n) {
        if (n < 0 || n > length) {
            throw new IndexOutOfBoundsException("trimTail: n=" + n + ", length=" + length);
        }
        length -= n;
    }

    /**
     * Opens {@code n} bytes in front of the packet (encapsulation) and returns the new offset.
     * Throws if the headroom is smaller than {@code n}.
     */
    public int prepend(int n) {
        if (n < 0 || n > offset) {
            throw new IndexOutOfBoundsException("prepend: n=" + n + ", headroom=" + offset);
        }
        offset -= n;
        length += n;
        return offset;
    }

    /** Extends the packet by {@code n} bytes at the end and returns the index where they start. */
    public int append(int n) {
        if (n < 0 || n > tailroom()) {
            throw new IndexOutOfBoundsException("append: n=" + n + ", tailroom=" + tailroom());
        }
        int at = offset + length;
        length += n;
        return at;
    }

    /** Copies {@code src[off, off+len)} to the end of the packet (sources and tools; not the receive path). */
    public void append(byte[] src, int off, int len) {
        int at = append(len);
        System.arraycopy(src, off, data, at, len);
    }

    /** @return a copy of the packet bytes; allocates (tests and tools only) */
    public byte[] toArray() {
        byte[] out = new byte[length];
        System.arraycopy(data, offset, out, 0, length);
        return out;
    }

    public long arrivalNanos() {
        return arrivalNanos;
    }

    public void arrivalNanos(long nanos) {
        this.arrivalNanos = nanos;
    }

    public int flowHash() {
        return flowHash;
    }

    public void flowHash(int hash) {
        this.flowHash = hash;
    }

    /** @return the receive queue (ring) the packet arrived on */
    public int queue() {
        return queue;
    }

    public void queue(int q) {
        this.queue = q;
    }

    /** @return absolute index of the current network (IP) header, or -1 before link demux */
    public int networkOffset() {
        return networkOffset;
    }

    public void networkOffset(int at) {
        this.networkOffset = at;
    }

    /**
     * @return absolute index of the upper-layer header the IP layer found (after IPv4 options or the
     *         IPv6 extension-header chain), or -1 before IP validation
     */
    public int transportOffset() {
        return transportOffset;
    }

    public void transportOffset(int at) {
        this.transportOffset = at;
    }

    /** @return the upper-layer protocol number at {@link #transportOffset()} (17 UDP, 50 ESP, ...), or -1 before IP validation */
    public int transportProtocol() {
        return transportProtocol;
    }

    public void transportProtocol(int protocol) {
        this.transportProtocol = protocol;
    }

    /** @return the link type the packet arrived with (pcap LINKTYPE_* numbering; see {@code proto.LinkType}) */
    public int linkType() {
        return linkType;
    }

    public void linkType(int linkType) {
        this.linkType = linkType;
    }

    @Override
    public String toString() {
        return "PacketBuffer#" + index + "{offset=" + offset + ", length=" + length + ", capacity=" + data.length + '}';
    }
}
