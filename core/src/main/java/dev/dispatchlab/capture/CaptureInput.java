package dev.dispatchlab.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A capture file as a stream of bytes with a window: the readers look at up to
 * {@link #WINDOW} bytes in place ({@link #require}, then the {@code u16}/{@code u32} accessors
 * relative to the window's start), copy packet data straight from the window to a packet buffer,
 * and skip what they do not need. Tracks the byte offset for error messages. Allocates nothing
 * after construction.
 *
 * <p>Threading: one thread.
 */
final class CaptureInput implements Closeable {

    static final int WINDOW = 64 * 1024;

    private static final VarHandle U16_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U16_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I32_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    final String name;
    private final InputStream in;
    private final byte[] buf = new byte[WINDOW];
    private int pos;
    private int lim;
    /** File offset of {@code buf[0]}. */
    private long base;
    private boolean eof;

    CaptureInput(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /** @return the file offset of the next unread byte */
    long position() {
        return base + pos;
    }

    /** @return the bytes in the window now */
    int available() {
        return lim - pos;
    }

    /**
     * Makes {@code n} bytes ({@code n <= WINDOW}) available at the window's start.
     *
     * @return false when the file ends first ({@link #available()} then says how much there is)
     */
    boolean require(int n) throws IOException {
        if (lim - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            base += pos;
            lim -= pos;
            pos = 0;
        }
        while (lim < n && !eof) {
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
        return lim - pos >= n;
    }

    /** Consumes {@code n} bytes already in the window. */
    void advance(int n) {
        pos += n;
    }

    /**
     * Copies the next {@code len} bytes to {@code dst[off...]}, refilling as needed.
     *
     * @return the bytes copied; fewer than {@code len} only at the end of the file
     */
    int copyTo(byte[] dst, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (pos == lim && !require(1)) {
                break;
            }
            int k = Math.min(len - done, lim - pos);
            System.arraycopy(buf, pos, dst, off + done, k);
            pos += k;
            done += k;
        }
        return done;
    }

    /**
     * Skips by reading through the window: {@code InputStream.skip} on a file may go past its end
     * without saying so, which would hide a truncated record.
     *
     * @return the bytes skipped; fewer than {@code n} only at the end of the file
     */
    long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            if (pos == lim && !require(1)) {
                break;
            }
            int k = (int) Math.min(n - done, lim - pos);
            pos += k;
            done += k;
        }
        return done;
    }

    /** @return true when no byte is left */
    boolean atEnd() throws IOException {
        return !require(1);
    }

    int u8(int at) {
        return buf[pos + at] & 0xFF;
    }

    int u16(int at, boolean bigEndian) {
        return (short) (bigEndian ? U16_BE : U16_LE).get(buf, pos + at) & 0xFFFF;
    }

    /** @return the 32-bit word at {@code at} as an int (callers widen unsigned fields themselves) */
    int i32(int at, boolean bigEndian) {
        return (int) (bigEndian ? I32_BE : I32_LE).get(buf, pos + at);
    }

    long u32(int at, boolean bigEndian) {
        return i32(at, bigEndian) & 0xFFFF_FFFFL;
    }

    long i64(int at, boolean bigEndian) {
        return (long) (bigEndian ? I64_BE : I64_LE).get(buf, pos + at);
    }

    /** @return the window's bytes as an array index: {@code buf()[index(at)]} is the byte at {@code at} */
    byte[] buf() {
        return buf;
    }

    int index(int at) {
        return pos + at;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
