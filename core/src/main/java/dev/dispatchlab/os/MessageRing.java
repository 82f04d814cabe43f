package dev.dispatchlab.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * The native side of a batch: {@code count} messages for one {@code recvmmsg(2)} or
 * {@code sendmmsg(2)} call, built once in one arena and reused for every call.
 *
 * <pre>
 * struct mmsghdr (64 bytes, x86_64)          struct iovec (16)      per message, also:
 *  0  void     *msg_name    ─────────────┐    0 void  *iov_base ──┐  name    32 bytes (sockaddr_in6 is 28)
 *  8  socklen_t msg_namelen  (+4 pad)    │    8 size_t iov_len    │  control 64 bytes (cmsg area)
 * 16  struct iovec *msg_iov ─────────────┼──► iovec[i]            │  data    messageBytes
 * 24  size_t   msg_iovlen   = 1          └──► name[i]             └──► data[i]
 * 32  void     *msg_control ───────────────► control[i]
 * 40  size_t   msg_controllen  in: room, out: bytes used
 * 48  int      msg_flags       out: MSG_TRUNC, MSG_CTRUNC
 * 56  unsigned msg_len         out: bytes received / sent  (+4 pad)
 *
 * struct cmsghdr (16-byte header, data 8-aligned after it)
 *  0  size_t cmsg_len   header + data length
 *  8  int    cmsg_level SOL_SOCKET = 1
 * 12  int    cmsg_type  SO_RXQ_OVFL = 40
 * 16  data   u32 drop count for SO_RXQ_OVFL
 * </pre>
 *
 * The kernel overwrites {@code msg_namelen}, {@code msg_controllen} and {@code msg_flags} on receive, so
 * {@link #resetForReceive()} restores them before each call: three stores a message, no allocation.
 *
 * <p>Threading: one thread at a time (the thread that owns the receive or send side of the socket).
 */
final class MessageRing {

    static final long HEADER_BYTES = 64;
    static final long MSG_NAME = 0;
    static final long MSG_NAMELEN = 8;
    static final long MSG_IOV = 16;
    static final long MSG_IOVLEN = 24;
    static final long MSG_CONTROL = 32;
    static final long MSG_CONTROLLEN = 40;
    static final long MSG_FLAGS = 48;
    static final long MSG_LEN = 56;
    static final long IOVEC_BYTES = 16;
    static final long IOV_LEN = 8;
    static final int NAME_BYTES = 32;
    static final int SOCKADDR_IN6_BYTES = 28;
    static final int CONTROL_BYTES = 64;
    static final long CMSG_HEADER_BYTES = 16;

    final int count;
    final int messageBytes;
    final MemorySegment headers;
    final MemorySegment iovecs;
    final MemorySegment names;
    final MemorySegment controls;
    final MemorySegment data;
    /**
     * The data and names as byte buffers, for copies to and from Java arrays: the absolute bulk
     * get/put of a buffer made once allocate nothing, where {@code MemorySegment.copy} with an array
     * wraps the array in a segment per call (40 bytes, not always removed by escape analysis).
     */
    final ByteBuffer dataView;
    final ByteBuffer namesView;
    /** {@code headerFrom[i]} starts at message i: for resuming a partial send without allocating. */
    final MemorySegment[] headerFrom;
    private final boolean withNames;
    private final boolean withControl;

    MessageRing(Arena arena, int count, int messageBytes, boolean withNames, boolean withControl) {
        if (count < 1 || count > 1024) {
            throw new IllegalArgumentException("batch must be in [1, 1024] (UIO_MAXIOV): " + count);
        }
        if (messageBytes < 1 || messageBytes > 65535) {
            throw new IllegalArgumentException("message size must be in [1, 65535]: " + messageBytes);
        }
        this.count = count;
        this.messageBytes = messageBytes;
        this.withNames = withNames;
        this.withControl = withControl;
        headers = arena.allocate(HEADER_BYTES * count, 64);
        iovecs = arena.allocate(IOVEC_BYTES * count, 16);
        names = arena.allocate((long) NAME_BYTES * count, 16);
        controls = arena.allocate((long) CONTROL_BYTES * count, 16);
        data = arena.allocate((long) messageBytes * count, 64);
        dataView = data.asByteBuffer();
        namesView = names.asByteBuffer();
        headerFrom = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            long h = HEADER_BYTES * i;
            long v = IOVEC_BYTES * i;
            iovecs.set(ValueLayout.ADDRESS, v, data.asSlice(dataOffset(i), messageBytes));
            iovecs.set(ValueLayout.JAVA_LONG, v + IOV_LEN, messageBytes);
            headers.set(ValueLayout.ADDRESS, h + MSG_NAME,
                    withNames ? names.asSlice((long) NAME_BYTES * i, NAME_BYTES) : MemorySegment.NULL);
            headers.set(ValueLayout.JAVA_INT, h + MSG_NAMELEN, withNames ? SOCKADDR_IN6_BYTES : 0);
            headers.set(ValueLayout.ADDRESS, h + MSG_IOV, iovecs.asSlice(v, IOVEC_BYTES));
            headers.set(ValueLayout.JAVA_LONG, h + MSG_IOVLEN, 1L);
            headers.set(ValueLayout.ADDRESS, h + MSG_CONTROL,
                    withControl ? controls.asSlice((long) CONTROL_BYTES * i, CONTROL_BYTES) : MemorySegment.NULL);
            headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN, withControl ? CONTROL_BYTES : 0L);
            headerFrom[i] = headers.asSlice(h);
        }
    }

    long dataOffset(int i) {
        return (long) messageBytes * i;
    }

    long nameOffset(int i) {
        return (long) NAME_BYTES * i;
    }

    /** Restores the in/out fields the kernel overwrote on the previous receive. */
    void resetForReceive() {
        for (int i = 0; i < count; i++) {
            long h = HEADER_BYTES * i;
            if (withNames) {
                headers.set(ValueLayout.JAVA_INT, h + MSG_NAMELEN, SOCKADDR_IN6_BYTES);
            }
            if (withControl) {
                headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN, CONTROL_BYTES);
            }
            headers.set(ValueLayout.JAVA_INT, h + MSG_FLAGS, 0);
        }
    }

    int messageLength(int i) {
        return headers.get(ValueLayout.JAVA_INT, HEADER_BYTES * i + MSG_LEN);
    }

    int messageFlags(int i) {
        return headers.get(ValueLayout.JAVA_INT, HEADER_BYTES * i + MSG_FLAGS);
    }

    int nameLength(int i) {
        return headers.get(ValueLayout.JAVA_INT, HEADER_BYTES * i + MSG_NAMELEN);
    }

    long controlLength(int i) {
        return headers.get(ValueLayout.JAVA_LONG, HEADER_BYTES * i + MSG_CONTROLLEN);
    }

    void setPayloadLength(int i, int len) {
        iovecs.set(ValueLayout.JAVA_LONG, IOVEC_BYTES * i + IOV_LEN, len);
    }

    int payloadLength(int i) {
        return (int) iovecs.get(ValueLayout.JAVA_LONG, IOVEC_BYTES * i + IOV_LEN);
    }
}
