package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.StageContext;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Random;

/**
 * Writes the explicit IV of an outbound packet, derived from its sequence number so that an IV is
 * never repeated within an SA (the sequence number never is, RFC 4303 3.3.3):
 * <ul>
 *   <li>AES-GCM, AES-GMAC, ChaCha20-Poly1305: the 64-bit sequence number itself. These modes need a
 *       unique nonce, not an unpredictable one (RFC 4106 section 3.1, RFC 7634 section 2).</li>
 *   <li>AES-CBC and 3DES-CBC: the sequence number encrypted with AES under a random key drawn when
 *       the SA is created (the "encrypted counter" of RFC 3602 / NIST SP 800-38A appendix C), which
 *       is unpredictable to anyone without that key, as CBC requires. 3DES takes the first 8 bytes.</li>
 *   <li>NULL encryption carries no IV.</li>
 * </ul>
 *
 * <p>Threading: any number of contexts; each context slot gets its own AES object on first use
 * (the JCA's ciphers are not thread-safe), like {@link dev.dispatchlab.crypto.CryptoSession}'s
 * transforms. No allocation per packet after a slot's first.
 */
final class IvGenerator {

    private final int ivLength;
    private final boolean sequenceIv;
    private final SecretKeySpec ivKey;
    private final Cipher[] ciphers;
    private final byte[][] blocks;

    IvGenerator(EncryptionAlgorithm algorithm, Random random) {
        this.ivLength = algorithm.ivLength();
        this.sequenceIv = algorithm.isAead();
        if (!sequenceIv && ivLength > 0) {
            byte[] k = new byte[16];
            random.nextBytes(k);
            ivKey = new SecretKeySpec(k, "AES");
            ciphers = new Cipher[StageContext.MAX_SLOTS];
            blocks = new byte[StageContext.MAX_SLOTS][];
        } else {
            ivKey = null;
            ciphers = null;
            blocks = null;
        }
    }

    int ivLength() {
        return ivLength;
    }

    /** Writes the IV for sequence number {@code seq} at {@code d[at, at+ivLength)}. Owner of {@code slot} only. */
    void write(byte[] d, int at, long seq, int slot) {
        if (ivLength == 0) {
            return;
        }
        if (sequenceIv) {
            Bytes.put64(d, at, seq);
            return;
        }
        Cipher c = ciphers[slot];
        byte[] block = blocks[slot];
        try {
            if (c == null) {
                c = Cipher.getInstance("AES/ECB/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, ivKey);
                block = new byte[32];
                ciphers[slot] = c;
                blocks[slot] = block;
            }
            Bytes.put64(block, 0, seq);
            Bytes.put64(block, 8, 0L);
            c.doFinal(block, 0, 16, block, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot run AES/ECB for IV generation: " + e, e);
        }
        System.arraycopy(block, 16, d, at, ivLength);
    }
}
