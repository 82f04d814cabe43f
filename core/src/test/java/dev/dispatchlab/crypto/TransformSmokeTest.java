package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Opens two published ESP packets through a transform and checks the plaintext and the swap contract. */
class TransformSmokeTest {

    private static PacketBuffer packet(String hex) {
        byte[] b = Bytes.fromHex(hex);
        PacketBuffer p = PacketBuffer.unpooled(4096, 128);
        p.append(b, 0, b.length);
        return p;
    }

    @Test
    void gcm128WithEsnOpensDraftCase1() {
        // draft-mcgrew-gcm-test-01 case 1: ESN 0x8765432100000000, AES-128, salt 2e443b68
        SessionParams sp = new SessionParams(EncryptionAlgorithm.AES_GCM_16,
                Bytes.fromHex("4c80cdefbb5d10da906ac73c3613a6342e443b68"), IntegrityAlgorithm.NONE, null, true);
        PacketBuffer p = packet("00004321000000004956ed7e3b244cfefecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe722fd04796562dfdb4");
        int a = p.offset();
        int payLen = p.length() - 8 - 8 - 16;
        try (StageContext ctx = new StageContext("t", Clock.SYSTEM)) {
            CryptoSession s = new CryptoSession(sp, new SoftwareDriver());
            CryptoRequest r = new CryptoRequest().describe(s, CryptoOp.OPEN, p, a, a + 8, a + 16, payLen, a + 16 + payLen,
                    0x87654321);
            int[] calls = {0};
            r.then((req, c) -> calls[0]++, CompletionTarget.INLINE);
            s.submit(r, ctx);
            assertThat(calls[0]).isEqualTo(1);
            assertThat(r.status()).isEqualTo(CryptoStatus.OK);
            assertThat(r.swapped()).isTrue();
            assertThat(Bytes.hex(p.data(), a + 16, payLen)).isEqualTo(
                    "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f756470037369700963796265726369747902646b000021000101020201");
            // a flipped ICV bit in the original packet is rejected
            p.swapSpare();
            p.data()[a + 16 + payLen] ^= 1;
            r.describe(s, CryptoOp.OPEN, p, a, a + 8, a + 16, payLen, a + 16 + payLen, 0x87654321);
            s.submit(r, ctx);
            assertThat(r.status()).isEqualTo(CryptoStatus.INTEGRITY_FAILURE);
        }
    }
}
