package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.packet.Bytes;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The baseline of the ESP benchmarks: the JCA calls a minimal ESP decryption cannot do without, on
 * the bytes of an ESP packet, out of place, with nothing of ours around them.
 * <ul>
 *   <li>AEAD (AES-GCM, ChaCha20-Poly1305): nonce = salt || the packet's IV, a new parameter spec
 *       (the JCA takes a nonce only through one), {@code init}, {@code updateAAD} over SPI and
 *       sequence number in place, {@code doFinal} of ciphertext and tag into the output array;</li>
 *   <li>CBC + HMAC: {@code Mac.update} over SPI, sequence number, IV and ciphertext in place,
 *       {@code Mac.doFinal}, a constant-time compare with the ICV, then {@code init} with the
 *       packet's IV and {@code doFinal} into the output array.</li>
 * </ul>
 * No ESN, no region checks, no status, no error mapping. Threading: one benchmark thread.
 */
abstract sealed class BareEspCipher {

    /**
     * Verifies and decrypts the ESP packet at {@code d[esp...]} into {@code out} at the same indices.
     *
     * @return the plaintext length, or -1 when the ICV did not verify (a bug in the benchmark)
     */
    abstract int open(byte[] d, int esp, int payloadAt, int payloadLength, byte[] out)
            throws GeneralSecurityException;

    static BareEspCipher of(SessionParams p) throws GeneralSecurityException {
        return p.encryption().isAead() ? new Aead(p) : new CbcHmac(p);
    }

    /** AES-GCM with a 16-byte tag, ChaCha20-Poly1305. */
    static final class Aead extends BareEspCipher {
        private final Cipher cipher;
        private final SecretKeySpec key;
        private final boolean gcm;
        private final int tagLength;
        private final byte[] salt = new byte[4];
        private final byte[] nonce = new byte[12];

        Aead(SessionParams p) throws GeneralSecurityException {
            byte[] km = p.encryptionKey();
            int keyLength = km.length - 4;
            System.arraycopy(km, keyLength, salt, 0, 4);
            gcm = p.encryption() != EncryptionAlgorithm.CHACHA20_POLY1305;
            tagLength = p.icvLength();
            if (gcm) {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                key = new SecretKeySpec(Arrays.copyOf(km, keyLength), "AES");
            } else {
                cipher = Cipher.getInstance("ChaCha20-Poly1305");
                key = new SecretKeySpec(Arrays.copyOf(km, keyLength), "ChaCha20");
            }
        }

        @Override
        int open(byte[] d, int esp, int payloadAt, int payloadLength, byte[] out) throws GeneralSecurityException {
            System.arraycopy(salt, 0, nonce, 0, 4);
            System.arraycopy(d, esp + 8, nonce, 4, 8);
            cipher.init(Cipher.DECRYPT_MODE, key, gcm ? new GCMParameterSpec(tagLength * 8, nonce)
                    : new IvParameterSpec(nonce));
            cipher.updateAAD(d, esp, 8);
            return cipher.doFinal(d, payloadAt, payloadLength + tagLength, out, payloadAt);
        }
    }

    /** AES-CBC with HMAC-SHA-256-128 (any CBC cipher and HMAC of the suite). */
    static final class CbcHmac extends BareEspCipher {
        private final Cipher cipher;
        private final SecretKeySpec key;
        private final Mac mac;
        private final byte[] macOut;
        private final int icvLength;
        private final int ivLength;

        CbcHmac(SessionParams p) throws GeneralSecurityException {
            cipher = Cipher.getInstance("AES/CBC/NoPadding");
            key = new SecretKeySpec(p.encryptionKey(), "AES");
            mac = Mac.getInstance(p.integrity().jcaName());
            mac.init(new SecretKeySpec(p.integrityKey(), p.integrity().jcaName()));
            macOut = new byte[mac.getMacLength()];
            icvLength = p.icvLength();
            ivLength = p.encryption().ivLength();
        }

        @Override
        int open(byte[] d, int esp, int payloadAt, int payloadLength, byte[] out) throws GeneralSecurityException {
            int icvAt = payloadAt + payloadLength;
            mac.update(d, esp, icvAt - esp);
            mac.doFinal(macOut, 0);
            if (!Bytes.constantTimeEquals(macOut, 0, d, icvAt, icvLength)) {
                return -1;
            }
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(d, payloadAt - ivLength, ivLength));
            return cipher.doFinal(d, payloadAt, payloadLength, out, payloadAt);
        }
    }
}
