package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * A block cipher in CBC mode (AES, 3DES) or NULL, with an HMAC (or none): the generic ESP
 * composition. OPEN verifies the truncated HMAC over SPI, sequence number, IV and ciphertext (and the
 * ESN high half, appended, RFC 4303 section 3.3.2.1) with a constant-time comparison, and only then
 * decrypts, out of place into the spare array (see {@link AeadTransform} for why). SEAL encrypts in
 * place, then computes the HMAC.
 */
final class CipherHmacTransform extends Transform {

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final Mac mac;
    private final byte[] macOut;
    private final byte[] esnBytes = new byte[4];

    CipherHmacTransform(SessionParams p) throws GeneralSecurityException {
        super(p);
        switch (p.encryption()) {
            case AES_CBC -> {
                cipher = Cipher.getInstance("AES/CBC/NoPadding");
                key = new SecretKeySpec(p.encryptionKeyRef(), "AES");
            }
            case TRIPLE_DES_CBC -> {
                cipher = Cipher.getInstance("DESede/CBC/NoPadding");
                key = new SecretKeySpec(p.encryptionKeyRef(), "DESede");
            }
            default -> {
                cipher = null;
                key = null;
            }
        }
        IntegrityAlgorithm ia = p.integrity();
        if (ia == IntegrityAlgorithm.NONE) {
            mac = null;
            macOut = null;
        } else {
            mac = Mac.getInstance(ia.jcaName());
            mac.init(new SecretKeySpec(p.integrityKeyRef(), ia.jcaName()));
            macOut = new byte[mac.getMacLength()];
        }
    }

    private void computeMac(CryptoRequest r) throws GeneralSecurityException {
        byte[] d = r.packet().data();
        mac.update(d, r.aadStart(), r.icvStart() - r.aadStart());
        if (params.esn()) {
            Bytes.put32(esnBytes, 0, r.seqHigh());
            mac.update(esnBytes, 0, 4);
        }
        mac.doFinal(macOut, 0);
    }

    @Override
    protected CryptoStatus open(CryptoRequest r) throws GeneralSecurityException {
        PacketBuffer p = r.packet();
        if (mac != null) {
            computeMac(r);
            if (!Bytes.constantTimeEquals(macOut, 0, p.data(), r.icvStart(), icvLength)) {
                return CryptoStatus.INTEGRITY_FAILURE;
            }
        }
        if (cipher != null) {
            byte[] d = p.data();
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(d, r.ivStart(), ivLength));
            cipher.doFinal(d, r.payloadStart(), r.payloadLength(), p.spare(), r.payloadStart());
            p.swapSpare();
            r.swapped(true);
        }
        return CryptoStatus.OK;
    }

    @Override
    protected CryptoStatus seal(CryptoRequest r) throws GeneralSecurityException {
        byte[] d = r.packet().data();
        if (cipher != null) {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(d, r.ivStart(), ivLength));
            cipher.doFinal(d, r.payloadStart(), r.payloadLength(), d, r.payloadStart());
        }
        if (mac != null) {
            computeMac(r);
            System.arraycopy(macOut, 0, d, r.icvStart(), icvLength);
        }
        return CryptoStatus.OK;
    }
}
