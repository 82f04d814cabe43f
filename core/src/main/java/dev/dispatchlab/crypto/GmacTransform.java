package dev.dispatchlab.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * AES-GMAC for ESP (RFC 4543, ENCR_NULL_AUTH_AES_GMAC): integrity without confidentiality. It is GCM
 * with everything as additional data: SPI, [seq high], seq low, IV and the payload, and nothing
 * encrypted; the payload stays in place, so OPEN never swaps.
 */
final class GmacTransform extends Transform {

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] salt = new byte[4];
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[12];
    private final byte[] empty = new byte[0];

    GmacTransform(SessionParams p) throws GeneralSecurityException {
        super(p);
        byte[] km = p.encryptionKeyRef();
        int keyLen = km.length - 4;
        System.arraycopy(km, keyLen, salt, 0, 4);
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        key = new SecretKeySpec(Arrays.copyOf(km, keyLen), "AES");
    }

    private void start(CryptoRequest r, int mode) throws GeneralSecurityException {
        byte[] d = r.packet().data();
        nonce(salt, d, r.ivStart(), nonce);
        int aadLen = espAad(r, aad);
        cipher.init(mode, key, new GCMParameterSpec(icvLength * 8, nonce));
        cipher.updateAAD(aad, 0, aadLen);
        cipher.updateAAD(d, r.ivStart(), ivLength + r.payloadLength());
    }

    @Override
    protected CryptoStatus open(CryptoRequest r) throws GeneralSecurityException {
        start(r, Cipher.DECRYPT_MODE);
        try {
            cipher.doFinal(r.packet().data(), r.icvStart(), icvLength, empty, 0);
        } catch (AEADBadTagException e) {
            return CryptoStatus.INTEGRITY_FAILURE;
        }
        return CryptoStatus.OK;
    }

    @Override
    protected CryptoStatus seal(CryptoRequest r) throws GeneralSecurityException {
        start(r, Cipher.ENCRYPT_MODE);
        cipher.doFinal(empty, 0, 0, r.packet().data(), r.icvStart());
        return CryptoStatus.OK;
    }
}
