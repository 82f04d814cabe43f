package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * ESP-shaped packets for the crypto tests: SPI and sequence number, IV, a payload of whole blocks and
 * room for the ICV, sealed through the software driver so that every driver can be asked to open them.
 *
 * <pre>
 *  offset      +8           +8+iv                       +8+iv+len
 *  |SPI|seq lo|  |IV ......|  |payload (len, whole blocks)|  |ICV ....|
 * </pre>
 */
final class EspFixture {

    static final int SEQ_HIGH = 0x1234;
    static final int CAPACITY = 4096;
    static final int HEADROOM = 64;

    private EspFixture() {
    }

    /** One parameter set per encryption algorithm the JCA can do (with a matching integrity algorithm), plus ESN variants. */
    static List<SessionParams> allParams(long seed) {
        Random rnd = new Random(seed);
        List<SessionParams> out = new ArrayList<>();
        out.add(fixIntegrity(EncryptionAlgorithm.NULL, new byte[0], IntegrityAlgorithm.HMAC_SHA256_128, key(rnd, 32), false));
        out.add(fixIntegrity(EncryptionAlgorithm.AES_CBC, key(rnd, 16), IntegrityAlgorithm.HMAC_SHA1_96, key(rnd, 20), false));
        out.add(fixIntegrity(EncryptionAlgorithm.AES_CBC, key(rnd, 32), IntegrityAlgorithm.HMAC_SHA256_128, key(rnd, 32), true));
        out.add(fixIntegrity(EncryptionAlgorithm.AES_CBC, key(rnd, 24), IntegrityAlgorithm.HMAC_SHA512_256, key(rnd, 64), false));
        out.add(fixIntegrity(EncryptionAlgorithm.TRIPLE_DES_CBC, key(rnd, 24), IntegrityAlgorithm.HMAC_MD5_96, key(rnd, 16), false));
        out.add(fixIntegrity(EncryptionAlgorithm.AES_CBC, key(rnd, 16), IntegrityAlgorithm.HMAC_SHA384_192, key(rnd, 48), false));
        out.add(fixIntegrity(EncryptionAlgorithm.AES_CBC, key(rnd, 16), IntegrityAlgorithm.NONE, null, false));
        // AES_GCM_8 is left out: the JCA's GCM accepts only 96..128-bit tags, so AeadTransform answers
        // ENGINE_FAILURE for a 64-bit ICV on every driver alike (an ESP transform matter, reported).
        out.add(aead(EncryptionAlgorithm.AES_GCM_12, key(rnd, 28), false));
        out.add(aead(EncryptionAlgorithm.AES_GCM_16, key(rnd, 36), true));
        out.add(aead(EncryptionAlgorithm.AES_GCM_16, key(rnd, 20), false));
        out.add(aead(EncryptionAlgorithm.AES_GMAC, key(rnd, 20), true));
        out.add(aead(EncryptionAlgorithm.CHACHA20_POLY1305, key(rnd, 36), false));
        out.add(aead(EncryptionAlgorithm.CHACHA20_POLY1305, key(rnd, 36), true));
        return out;
    }

    static SessionParams gcm128() {
        return aead(EncryptionAlgorithm.AES_GCM_16, key(new Random(7), 20), false);
    }

    private static SessionParams aead(EncryptionAlgorithm a, byte[] key, boolean esn) {
        return new SessionParams(a, key, IntegrityAlgorithm.NONE, null, esn);
    }

    private static SessionParams fixIntegrity(EncryptionAlgorithm a, byte[] key, IntegrityAlgorithm i, byte[] ikey,
                                              boolean esn) {
        return new SessionParams(a, key, i, ikey, esn);
    }

    static byte[] key(Random rnd, int n) {
        byte[] k = new byte[n];
        rnd.nextBytes(k);
        return k;
    }

    /** @return {@code n} rounded up to the algorithm's block size */
    static int aligned(SessionParams p, int n) {
        int b = p.encryption().blockSize();
        return (n + b - 1) / b * b;
    }

    /** A plaintext packet (random IV and payload) with room for the ICV, ready to SEAL. */
    static PacketBuffer plain(SessionParams p, int payloadLength, long seed) {
        Random rnd = new Random(seed);
        int iv = p.encryption().ivLength();
        int len = aligned(p, payloadLength);
        PacketBuffer b = PacketBuffer.unpooled(CAPACITY, HEADROOM);
        int at = b.append(8 + iv + len + p.icvLength());
        byte[] d = b.data();
        Bytes.put32(d, at, 0x1000 + (int) (seed & 0xFFF));
        Bytes.put32(d, at + 4, 1 + (int) (seed & 0xFFFF));
        for (int i = at + 8; i < at + 8 + iv + len; i++) {
            d[i] = (byte) rnd.nextInt();
        }
        return b;
    }

    /** A packet sealed through the software driver. */
    static PacketBuffer sealed(SessionParams p, int payloadLength, long seed) {
        PacketBuffer b = plain(p, payloadLength, seed);
        SoftwareDriver sw = new SoftwareDriver();
        try (StageContext ctx = new StageContext("fixture", Clock.SYSTEM)) {
            CryptoSession s = sw.newSession(p);
            CryptoRequest r = describe(new CryptoRequest(), s, CryptoOp.SEAL, b).then((q, c) -> { }, CompletionTarget.INLINE);
            s.submit(r, ctx);
            if (r.status() != CryptoStatus.OK) {
                throw new IllegalStateException("fixture seal failed: " + r.status() + " for " + p);
            }
        }
        return b;
    }

    /** Describes {@code op} on the whole packet: regions from its offset and length. */
    static CryptoRequest describe(CryptoRequest r, CryptoSession s, CryptoOp op, PacketBuffer b) {
        SessionParams p = s.params();
        int a = b.offset();
        int iv = p.encryption().ivLength();
        int len = b.length() - 8 - iv - p.icvLength();
        return r.describe(s, op, b, a, a + 8, a + 8 + iv, len, a + 8 + iv + len, SEQ_HIGH);
    }

    /** @return a deep copy of a packet buffer's bytes into a fresh unpooled buffer at the same offset */
    static PacketBuffer copy(PacketBuffer src) {
        PacketBuffer b = PacketBuffer.unpooled(CAPACITY, src.offset());
        b.append(src.data(), src.offset(), src.length());
        return b;
    }

    /** @return the payload region's bytes after an OPEN (data array; valid on OK) */
    static byte[] payload(CryptoRequest r) {
        byte[] out = new byte[r.payloadLength()];
        System.arraycopy(r.packet().data(), r.payloadStart(), out, 0, out.length);
        return out;
    }
}
