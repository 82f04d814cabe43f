package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AES-GCM with the 8-octet ICV (which the JCA refuses) against the JCA's full 128-bit GCM: the same
 * ciphertext and the tag's first 8 bytes, for ESP layouts with and without ESN; and the transform
 * opens what it seals and refuses any flipped bit.
 */
class GcmShortTagProperties {

    @Property(tries = 300)
    void matchesTheJcaTagTruncated(@ForAll @Size(20) byte[] km16, @ForAll @Size(36) byte[] km32,
                                   @ForAll boolean aes256, @ForAll boolean esn, @ForAll @Size(8) byte[] iv,
                                   @ForAll int spi, @ForAll int seqLow, @ForAll int seqHigh,
                                   @ForAll @IntRange(min = 0, max = 400) int words, @ForAll @Size(max = 1600) byte[] fill)
            throws Exception {
        byte[] km = aes256 ? km32 : km16;
        SessionParams sp = new SessionParams(EncryptionAlgorithm.AES_GCM_8, km, IntegrityAlgorithm.NONE, null, esn);
        byte[] payload = Arrays.copyOf(fill, words * 4);
        PacketBuffer p = PacketBuffer.unpooled(4096, 64);
        byte[] hdr = new byte[8];
        Bytes.put32(hdr, 0, spi);
        Bytes.put32(hdr, 4, seqLow);
        p.append(hdr, 0, 8);
        p.append(iv, 0, 8);
        p.append(payload, 0, payload.length);
        p.append(8);
        int a = p.offset();
        CryptoRequest r = new CryptoRequest().describe(null, CryptoOp.SEAL, p, a, a + 8, a + 16, payload.length,
                a + 16 + payload.length, seqHigh);
        assertThat(Transform.create(sp).process(r)).isEqualTo(CryptoStatus.OK);

        Cipher jca = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = new byte[12];
        System.arraycopy(km, km.length - 4, nonce, 0, 4);
        System.arraycopy(iv, 0, nonce, 4, 8);
        jca.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Arrays.copyOf(km, km.length - 4), "AES"),
                new GCMParameterSpec(128, nonce));
        byte[] aad = new byte[esn ? 12 : 8];
        Bytes.put32(aad, 0, spi);
        if (esn) {
            Bytes.put32(aad, 4, seqHigh);
        }
        Bytes.put32(aad, aad.length - 4, seqLow);
        jca.updateAAD(aad);
        byte[] expected = jca.doFinal(payload);
        assertThat(Bytes.hex(p.data(), a + 16, payload.length + 8))
                .isEqualTo(Bytes.hex(expected, 0, payload.length + 8));

        // open: verifies and decrypts; any flipped bit of the authenticated bytes is refused
        byte[] sealed = p.toArray();
        Transform t = Transform.create(sp);
        r.describe(null, CryptoOp.OPEN, p, a, a + 8, a + 16, payload.length, a + 16 + payload.length, seqHigh);
        assertThat(t.process(r)).isEqualTo(CryptoStatus.OK);
        assertThat(Bytes.hex(p.data(), a + 16, payload.length)).isEqualTo(Bytes.hex(payload));
        for (int bit : new int[] {0, 40, 64 + 3, 8 * sealed.length - 1, 8 * (sealed.length / 2)}) {
            PacketBuffer q = PacketBuffer.unpooled(4096, 64);
            q.append(sealed, 0, sealed.length);
            q.data()[q.offset() + bit / 8] ^= (byte) (1 << (bit % 8));
            int b = q.offset();
            CryptoRequest rq = new CryptoRequest().describe(null, CryptoOp.OPEN, q, b, b + 8, b + 16, payload.length,
                    b + 16 + payload.length, seqHigh);
            assertThat(t.process(rq)).as("flipped bit %d", bit).isEqualTo(CryptoStatus.INTEGRITY_FAILURE);
            assertThat(rq.swapped()).isFalse();
        }
    }
}
