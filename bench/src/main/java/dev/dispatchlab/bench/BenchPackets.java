package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

import java.util.Random;

/** AES-GCM-128 ESP packets for the crypto benchmarks, sealed once in setup. */
final class BenchPackets {

    static final int ICV = 16;
    static final int IV = 8;

    private BenchPackets() {
    }

    /** AES-128-GCM with a 16-byte ICV: the usual ESP choice. Key material is key || 4-byte salt. */
    static SessionParams gcm128() {
        byte[] km = new byte[20];
        new Random(2007).nextBytes(km);
        return new SessionParams(EncryptionAlgorithm.AES_GCM_16, km, IntegrityAlgorithm.NONE, null, false);
    }

    /** A sealed packet: SPI, seq, IV, {@code payload} bytes of ciphertext, ICV. */
    static PacketBuffer sealed(SessionParams p, int payload, int seed) {
        Random rnd = new Random(seed);
        PacketBuffer b = PacketBuffer.unpooled(payload + 256, 64);
        int at = b.append(8 + IV + payload + ICV);
        byte[] d = b.data();
        Bytes.put32(d, at, 0x100 + seed);
        Bytes.put32(d, at + 4, seed + 1);
        for (int i = at + 8; i < at + 8 + IV + payload; i++) {
            d[i] = (byte) rnd.nextInt();
        }
        SoftwareDriver sw = new SoftwareDriver();
        try (StageContext ctx = new StageContext("bench-seal", Clock.SYSTEM)) {
            CryptoSession s = sw.newSession(p);
            CryptoRequest r = describe(new CryptoRequest(), s, CryptoOp.SEAL, b).then((q, c) -> { }, CompletionTarget.INLINE);
            s.submit(r, ctx);
            if (r.status() != CryptoStatus.OK) {
                throw new IllegalStateException("bench seal failed: " + r.status());
            }
        }
        return b;
    }

    static CryptoRequest describe(CryptoRequest r, CryptoSession s, CryptoOp op, PacketBuffer b) {
        int a = b.offset();
        int len = b.length() - 8 - IV - ICV;
        return r.describe(s, op, b, a, a + 8, a + 8 + IV, len, a + 8 + IV + len, 0);
    }
}
