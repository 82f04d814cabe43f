package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * AES-GCM with an ICV shorter than the JCA allows (RFC 4106's 8-octet ICV; SunJCE's GCM takes tags
 * of 96 bits and more): GCM assembled from its parts, AES-CTR through the JCA for the data and
 * {@link Ghash} for the tag, truncated to the ICV length (NIST SP 800-38D: the leftmost bits).
 * Same contract as {@link AeadTransform}: OPEN verifies the tag over the ciphertext, in constant
 * time, before it decrypts (out of place, then swaps); SEAL encrypts in place and writes the ICV.
 *
 * <p>Slower than the JCA's GCM (the hash runs in Java, about a nibble table lookup per 4 bits);
 * 8-octet ICVs are rare. Threading: confined to the owning transform.
 */
final class GcmShortTag {

    private final SecretKeySpec key;
    private final int icvLength;
    private final Cipher ctr;
    private final Cipher block;
    private final Ghash ghash;
    private final byte[] counter = new byte[16];
    private final byte[] tag = new byte[16];
    private final byte[] mask = new byte[16];

    GcmShortTag(SecretKeySpec key, int icvLength) throws GeneralSecurityException {
        this.key = key;
        this.icvLength = icvLength;
        this.ctr = Cipher.getInstance("AES/CTR/NoPadding");
        this.block = Cipher.getInstance("AES/ECB/NoPadding");
        block.init(Cipher.ENCRYPT_MODE, key);
        byte[] h = block.doFinal(new byte[16]);
        this.ghash = new Ghash(h);
    }

    /** Computes the full 16-byte tag over {@code aad} and the ciphertext into {@link #tag}. */
    private void computeTag(byte[] nonce, byte[] aad, int aadLen, byte[] d, int ct, int len)
            throws GeneralSecurityException {
        ghash.reset();
        ghash.update(aad, 0, aadLen);
        ghash.update(d, ct, len);
        ghash.finish(aadLen, len, tag, 0);
        counterBlock(nonce, 1);
        block.doFinal(counter, 0, 16, mask, 0);
        for (int i = 0; i < 16; i++) {
            tag[i] ^= mask[i];
        }
    }

    private void counterBlock(byte[] nonce, int value) {
        System.arraycopy(nonce, 0, counter, 0, 12);
        Bytes.put32(counter, 12, value);
    }

    CryptoStatus open(CryptoRequest r, byte[] nonce, byte[] aad, int aadLen) throws GeneralSecurityException {
        PacketBuffer p = r.packet();
        byte[] d = p.data();
        computeTag(nonce, aad, aadLen, d, r.payloadStart(), r.payloadLength());
        if (!Bytes.constantTimeEquals(tag, 0, d, r.icvStart(), icvLength)) {
            return CryptoStatus.INTEGRITY_FAILURE;
        }
        counterBlock(nonce, 2);
        ctr.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counter));
        ctr.doFinal(d, r.payloadStart(), r.payloadLength(), p.spare(), r.payloadStart());
        p.swapSpare();
        r.swapped(true);
        return CryptoStatus.OK;
    }

    CryptoStatus seal(CryptoRequest r, byte[] nonce, byte[] aad, int aadLen) throws GeneralSecurityException {
        byte[] d = r.packet().data();
        counterBlock(nonce, 2);
        ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(counter));
        ctr.doFinal(d, r.payloadStart(), r.payloadLength(), d, r.payloadStart());
        computeTag(nonce, aad, aadLen, d, r.payloadStart(), r.payloadLength());
        System.arraycopy(tag, 0, d, r.icvStart(), icvLength);
        return CryptoStatus.OK;
    }
}
