package dev.dispatchlab.run;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.workload.CipherSuite;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;

/**
 * The bare-cipher baseline measured beside the models in the same process: one thread doing only
 * the JCA calls a decryption of each packet needs (re-initialise with the packet's nonce or IV, the
 * AAD, an out-of-place {@code doFinal}; for CBC suites the HMAC and the CBC decryption) on
 * ciphertexts of the workload's payload size plus the ESP trailer and inner headers. Everything
 * else the path does is what separates a model's rate from this one.
 *
 * <p>Threading: {@link #measure} on the calling thread (pin it to a host CPU for a fair figure).
 */
public final class BareCipher {

    private BareCipher() {
    }

    /**
     * Decrypts for about {@code millis} after a warm-up that lasts until the rate is stable (see
     * {@link #timeWindows}).
     *
     * @param suite       the algorithms
     * @param payloadSize the inner payload size (inner IPv4 and UDP headers and the trailer are added)
     * @return packets per second
     */
    public static double measure(CipherSuite suite, int payloadSize, long millis) throws GeneralSecurityException {
        Random r = new Random(7);
        int block = suite.encryption().blockSize();
        int plain = (payloadSize + 20 + 8 + 2 + block - 1) / block * block;
        byte[] key = new byte[Math.max(16, suite.keyBytes())];
        r.nextBytes(key);
        byte[] authKey = new byte[Math.max(1, suite.integrity().keyLength())];
        r.nextBytes(authKey);
        byte[] in = new byte[plain + 64];
        byte[] out = new byte[plain + 64];
        r.nextBytes(in);
        byte[] iv = new byte[12];
        byte[] aad = new byte[8];
        EncryptionAlgorithm e = suite.encryption();
        Op op;
        if (e == EncryptionAlgorithm.AES_GCM_16 || e == EncryptionAlgorithm.CHACHA20_POLY1305) {
            boolean gcm = e == EncryptionAlgorithm.AES_GCM_16;
            Cipher c = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
            SecretKeySpec k = new SecretKeySpec(key, 0, suite.keyBytes(), gcm ? "AES" : "ChaCha20");
            // distinct packets with their own nonces, decrypted in rotation: every tag verifies
            int count = 256;
            byte[][] nonces = new byte[count][12];
            byte[][] cts = new byte[count][];
            for (int i = 0; i < count; i++) {
                nonces[i][0] = (byte) i;
                nonces[i][1] = (byte) (i >> 8);
                c.init(Cipher.ENCRYPT_MODE, k, gcm ? new GCMParameterSpec(128, nonces[i]) : new IvParameterSpec(nonces[i]));
                c.updateAAD(aad);
                cts[i] = c.doFinal(in, 0, plain);
            }
            op = n -> {
                int i = (int) (n & (count - 1));
                c.init(Cipher.DECRYPT_MODE, k, gcm ? new GCMParameterSpec(128, nonces[i]) : new IvParameterSpec(nonces[i]));
                c.updateAAD(aad);
                c.doFinal(cts[i], 0, cts[i].length, out, 0);
            };
        } else if (e == EncryptionAlgorithm.AES_CBC || e == EncryptionAlgorithm.TRIPLE_DES_CBC
                || e == EncryptionAlgorithm.NULL) {
            Cipher c = e == EncryptionAlgorithm.NULL ? null
                    : Cipher.getInstance(e == EncryptionAlgorithm.AES_CBC ? "AES/CBC/NoPadding" : "DESede/CBC/NoPadding");
            SecretKeySpec k = c == null ? null : new SecretKeySpec(key, 0, suite.keyBytes(),
                    e == EncryptionAlgorithm.AES_CBC ? "AES" : "DESede");
            Mac mac = suite.integrity() == IntegrityAlgorithm.NONE ? null : Mac.getInstance(suite.integrity().jcaName());
            if (mac != null) {
                mac.init(new SecretKeySpec(authKey, suite.integrity().jcaName()));
            }
            byte[] tag = new byte[64];
            int ivLen = e.ivLength();
            op = n -> {
                if (mac != null) {
                    mac.update(in, 0, 8 + ivLen + plain);
                    mac.doFinal(tag, 0);
                }
                if (c != null) {
                    c.init(Cipher.DECRYPT_MODE, k, new IvParameterSpec(in, 0, ivLen));
                    c.doFinal(in, 0, plain, out, 0);
                }
            };
        } else {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            SecretKeySpec k = new SecretKeySpec(key, 0, suite.keyBytes(), "AES");
            op = n -> {
                iv[11] = (byte) n;
                c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv));
                c.updateAAD(in, 0, plain + 16);
                c.doFinal(out, 0);
            };
        }
        return timeWindows(op, millis);
    }

    /** Window length for the warm-up and the measurement. */
    private static final long WINDOW_NANOS = 200_000_000L;
    /** A window counts as an improvement if it beats the best so far by more than this fraction. */
    private static final double IMPROVEMENT = 0.03;
    /** The warm-up ends after this long without an improvement ... */
    private static final long SETTLED_NANOS = 2_000_000_000L;
    /** ... or after this long in all. */
    private static final long MAX_WARMUP_NANOS = 12_000_000_000L;

    /**
     * Warms {@code op} up until its rate has settled, then measures windows for about {@code millis}
     * and returns their median rate. A fixed warm-up is not enough, nor is waiting for two windows
     * to agree: the rate can sit on a plateau before it rises. One such plateau, measured on this kind
     * of machine, was a tenth of the settled rate for two seconds (0.3 against 3.3 million AES-128-GCM
     * decryptions of 64 bytes per second): the JCA allocates about 1 KB per decryption, and until the
     * young generation had been written once every new 4 KB page cost a page fault in the guest. The
     * launcher now asks for transparent huge pages, which removes that plateau; the warm-up still runs
     * until no window has improved on the best for {@value #SETTLED_NANOS} ns, so whatever else
     * settles late (the JIT, on a CPU shared with its compiler threads) is not measured. The median
     * of the measured windows keeps one disturbed window (a collection, a neighbour) from moving the
     * figure.
     */
    private static double timeWindows(Op op, long millis) throws GeneralSecurityException {
        long[] n = new long[1];
        long start = System.nanoTime();
        long lastImprovement = start;
        double best = 0;
        for (;;) {
            double rate = window(op, n);
            long now = System.nanoTime();
            if (rate > best * (1 + IMPROVEMENT)) {
                lastImprovement = now;
            }
            best = Math.max(best, rate);
            if (now - lastImprovement >= SETTLED_NANOS || now - start >= MAX_WARMUP_NANOS) {
                break;
            }
        }
        double[] rates = new double[(int) Math.max(3, millis * 1_000_000L / WINDOW_NANOS)];
        for (int w = 0; w < rates.length; w++) {
            rates[w] = window(op, n);
        }
        Arrays.sort(rates);
        return rates[rates.length / 2];
    }

    /** Runs {@code op} for one window, counting on from {@code n[0]}; @return operations per second */
    private static double window(Op op, long[] n) throws GeneralSecurityException {
        long s = System.nanoTime();
        long done = 0;
        long now;
        do {
            n[0] = burst(op, n[0]);
            done += BURST;
            now = System.nanoTime();
        } while (now - s < WINDOW_NANOS);
        return done / ((now - s) / 1e9);
    }

    private static final int BURST = 64;

    /**
     * {@value #BURST} operations: a method of its own, called many times, as JMH calls a benchmark,
     * so that the JIT compiles it as a method and not only as a replacement of a running loop.
     */
    private static long burst(Op op, long n) throws GeneralSecurityException {
        for (int i = 0; i < BURST; i++) {
            op.run(n++);
        }
        return n;
    }

    @FunctionalInterface
    private interface Op {
        void run(long n) throws GeneralSecurityException;
    }
}
