package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.Bytes;

/**
 * GHASH, GCM's universal hash (NIST SP 800-38D section 6.4), in software: for the ICV lengths the
 * JCA's GCM refuses (SunJCE accepts tags of 96 to 128 bits only; RFC 4106's 8-octet ICV is 64).
 *
 * <p>Multiplication in GF(2^128) uses 4-bit tables (Shoup's method): sixteen multiples of H and a
 * sixteen-entry reduction table, one table lookup and shift per nibble. Field elements are two
 * longs holding the block big-endian; bit 0 of the block (the MSB of the high long) is the
 * coefficient of x^0, as the standard writes them.
 *
 * <p>Threading: confined to the owning transform. No allocation after construction.
 */
final class Ghash {

    /** x^128 = x^7 + x^2 + x + 1, in GCM's reflected bit order. */
    private static final long R = 0xE100_0000_0000_0000L;
    private static final long[] REDUCE4 = new long[16];

    static {
        for (int r = 0; r < 16; r++) {
            long hi = 0;
            long lo = r;
            for (int i = 0; i < 4; i++) {
                long lsb = lo & 1;
                lo = (lo >>> 1) | (hi << 63);
                hi = (hi >>> 1) ^ (lsb != 0 ? R : 0);
            }
            REDUCE4[r] = hi;
        }
    }

    private final long[] mHi = new long[16];
    private final long[] mLo = new long[16];
    private long yHi;
    private long yLo;

    /** @param h the hash subkey E(K, 0^128), 16 bytes */
    Ghash(byte[] h) {
        long hi = Bytes.i64(h, 0);
        long lo = Bytes.i64(h, 8);
        // M[8] = H·x^0, M[4] = H·x, M[2] = H·x^2, M[1] = H·x^3 (a nibble's MSB is its lowest power)
        for (int bit = 8; bit >= 1; bit >>= 1) {
            mHi[bit] = hi;
            mLo[bit] = lo;
            long lsb = lo & 1;
            lo = (lo >>> 1) | (hi << 63);
            hi = (hi >>> 1) ^ (lsb != 0 ? R : 0);
        }
        for (int i = 2; i < 16; i++) {
            int low = Integer.lowestOneBit(i);
            if (low != i) {
                mHi[i] = mHi[low] ^ mHi[i ^ low];
                mLo[i] = mLo[low] ^ mLo[i ^ low];
            }
        }
    }

    void reset() {
        yHi = 0;
        yLo = 0;
    }

    /** Absorbs {@code len} bytes, zero-padding the last partial block (each input is padded on its own). */
    void update(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        for (; i + 16 <= end; i += 16) {
            block(Bytes.i64(b, i), Bytes.i64(b, i + 8));
        }
        if (i < end) {
            long hi = 0;
            long lo = 0;
            for (int k = 0; i + k < end; k++) {
                long v = b[i + k] & 0xFFL;
                if (k < 8) {
                    hi |= v << (56 - 8 * k);
                } else {
                    lo |= v << (56 - 8 * (k - 8));
                }
            }
            block(hi, lo);
        }
    }

    /** Absorbs the lengths block and writes the hash (16 bytes) at {@code out[at]}. */
    void finish(long aadBytes, long textBytes, byte[] out, int at) {
        block(aadBytes * 8, textBytes * 8);
        Bytes.put64(out, at, yHi);
        Bytes.put64(out, at + 8, yLo);
    }

    private void block(long xHi, long xLo) {
        long zHiIn = yHi ^ xHi;
        long zLoIn = yLo ^ xLo;
        long hi = 0;
        long lo = 0;
        // Horner over the 32 nibbles from the highest power (last nibble) down: acc = acc·x^4 + n·H
        for (int n = 31; n >= 0; n--) {
            long word = n < 16 ? zHiIn : zLoIn;
            int nib = (int) (word >>> (60 - 4 * (n & 15))) & 0xF;
            int rem = (int) (lo & 0xF);
            lo = (lo >>> 4) | (hi << 60);
            hi = (hi >>> 4) ^ REDUCE4[rem];
            hi ^= mHi[nib];
            lo ^= mLo[nib];
        }
        yHi = hi;
        yLo = lo;
    }
}
