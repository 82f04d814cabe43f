package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

import java.security.GeneralSecurityException;

/**
 * A session's algorithms keyed and ready, owned by one execution context: the JCA {@code Cipher} and
 * {@code Mac} objects are not thread-safe and are expensive to create and to re-key, so each context
 * (slot) that processes a session gets its own transform once and reuses it for every packet
 * ({@link CryptoSession#transform(int)}).
 *
 * <p>A transform does the cryptography of one request synchronously and sets nothing but the
 * request's status and swap flag; queueing, batching and continuations belong to the drivers.
 * It never throws for any packet content: malformed regions give
 * {@link CryptoStatus#INVALID_REQUEST}, a bad ICV {@link CryptoStatus#INTEGRITY_FAILURE}.
 *
 * <p>Threading: confined to the owning context.
 */
public abstract class Transform {

    protected final SessionParams params;
    protected final int ivLength;
    protected final int icvLength;
    protected final int blockSize;

    protected Transform(SessionParams params) {
        this.params = params;
        this.ivLength = params.encryption().ivLength();
        this.icvLength = params.icvLength();
        this.blockSize = params.encryption().blockSize();
    }

    /** Creates the transform for {@code params}; allocates the JCA objects (once per context and session). */
    public static Transform create(SessionParams params) {
        try {
            return switch (params.encryption()) {
                case AES_GCM_8, AES_GCM_12, AES_GCM_16, CHACHA20_POLY1305 -> new AeadTransform(params);
                case AES_GMAC -> new GmacTransform(params);
                case NULL, AES_CBC, TRIPLE_DES_CBC -> new CipherHmacTransform(params);
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot provide " + params + ": " + e, e);
        }
    }

    public SessionParams params() {
        return params;
    }

    /** Runs {@code r} (OPEN or SEAL), sets and returns its status. Never throws for packet content. */
    public final CryptoStatus process(CryptoRequest r) {
        CryptoStatus s;
        try {
            if (!regionsValid(r)) {
                s = CryptoStatus.INVALID_REQUEST;
            } else {
                s = r.op() == CryptoOp.OPEN ? open(r) : seal(r);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // JCA failures other than a bad tag (handled in open) mean the engine could not do the work.
            s = CryptoStatus.ENGINE_FAILURE;
        }
        r.status(s);
        return s;
    }

    protected abstract CryptoStatus open(CryptoRequest r) throws GeneralSecurityException;

    protected abstract CryptoStatus seal(CryptoRequest r) throws GeneralSecurityException;

    /** Checks the request's regions against the buffer and the algorithm's lengths. */
    private boolean regionsValid(CryptoRequest r) {
        PacketBuffer p = r.packet();
        if (p == null) {
            return false;
        }
        int cap = p.capacity();
        int aad = r.aadStart();
        int iv = r.ivStart();
        int pay = r.payloadStart();
        int len = r.payloadLength();
        int icv = r.icvStart();
        if (aad < 0 || aad + 8 > cap || iv != aad + 8 || pay != iv + ivLength || len < 0 || icv != pay + len
                || icv + icvLength > cap || icv + icvLength > p.end() || aad < p.offset()) {
            return false;
        }
        return (len & (blockSize - 1)) == 0; // block sizes are powers of two: a mask, not a division
    }

    /** Writes the AEAD additional data for ESP into {@code aad}: SPI || [seq high] || seq low. @return its length */
    protected final int espAad(CryptoRequest r, byte[] aad) {
        byte[] d = r.packet().data();
        int a = r.aadStart();
        System.arraycopy(d, a, aad, 0, 4);
        if (params.esn()) {
            Bytes.put32(aad, 4, r.seqHigh());
            System.arraycopy(d, a + 4, aad, 8, 4);
            return 12;
        }
        System.arraycopy(d, a + 4, aad, 4, 4);
        return 8;
    }

    /** Writes salt || IV into {@code nonce} (RFC 4106 section 4, RFC 7634 section 2). */
    protected static void nonce(byte[] salt, byte[] data, int ivStart, byte[] nonce) {
        System.arraycopy(salt, 0, nonce, 0, 4);
        System.arraycopy(data, ivStart, nonce, 4, 8);
    }
}
