package dev.dispatchlab.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * Network-byte-order (big-endian) loads and stores on byte arrays at absolute indices, the primitive
 * under every header flyweight. Multi-byte accesses go through byte-array view var handles, which the
 * JIT turns into single (byte-swapped) loads and stores. Callers bound-check: these methods throw
 * {@link IndexOutOfBoundsException} on a bad index, which the path treats as a bug, never as input.
 */
public final class Bytes {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final HexFormat HEX = HexFormat.of();

    private Bytes() {
    }

    public static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    public static int u16(byte[] b, int i) {
        return (short) SHORT.get(b, i) & 0xFFFF;
    }

    /** @return the 32-bit word at {@code i} as a Java int (the sign bit is bit 31 of the word) */
    public static int i32(byte[] b, int i) {
        return (int) INT.get(b, i);
    }

    public static long u32(byte[] b, int i) {
        return (int) INT.get(b, i) & 0xFFFF_FFFFL;
    }

    public static long i64(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    public static void put8(byte[] b, int i, int v) {
        b[i] = (byte) v;
    }

    public static void put16(byte[] b, int i, int v) {
        SHORT.set(b, i, (short) v);
    }

    public static void put32(byte[] b, int i, int v) {
        INT.set(b, i, v);
    }

    public static void put32(byte[] b, int i, long v) {
        INT.set(b, i, (int) v);
    }

    public static void put64(byte[] b, int i, long v) {
        LONG.set(b, i, v);
    }

    /**
     * Compares two ranges in time that depends only on {@code len}, never on where they differ: for
     * integrity check values, so that a forger learns nothing from timing.
     */
    public static boolean constantTimeEquals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }

    /** @return lower-case hex of {@code b[off, off+len)}; allocates (tests and messages only) */
    public static String hex(byte[] b, int off, int len) {
        return HEX.formatHex(b, off, off + len);
    }

    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    /** @return the bytes of a hex string (whitespace and a leading 0x ignored); allocates */
    public static byte[] fromHex(String s) {
        String t = s.strip();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        t = t.replaceAll("[\\s:]", "");
        return HEX.parseHex(t);
    }
}
