package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Outbound details: headers, IVs, refusals and their drop reasons. */
class EspOutputTest {

    private static final SessionParams GCM = new SessionParams(EncryptionAlgorithm.AES_GCM_16, new byte[20],
            IntegrityAlgorithm.NONE, null, false);
    private static final SessionParams CBC = new SessionParams(EncryptionAlgorithm.AES_CBC, new byte[16],
            IntegrityAlgorithm.HMAC_SHA256_128, new byte[32], false);
    private static final SessionParams TDES = new SessionParams(EncryptionAlgorithm.TRIPLE_DES_CBC, new byte[24],
            IntegrityAlgorithm.HMAC_SHA1_96, new byte[20], true);

    private static byte[] udp4(int len) {
        return EspHarness.ipv4(17, new byte[len], "10.0.0.1", "10.0.0.2");
    }

    @Test
    void aeadIvIsTheSequenceNumber() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = EspHarness.sa(1, GCM, Mode.TRANSPORT, false, false, 41, 0);
            for (long seq = 41; seq < 45; seq++) {
                byte[] w = h.seal(sa, udp4(10));
                assertThat(Bytes.u32(w, 24)).isEqualTo(seq);
                assertThat(Bytes.i64(w, 28)).isEqualTo(seq);
            }
            sa.close();
        }
    }

    @Test
    void cbcIvsAreUnpredictableAndDistinct() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation a = EspHarness.sa(1, CBC, Mode.TRANSPORT, false, false, 1, 0);
            SecurityAssociation b = SecurityAssociation.builder(2, new CryptoSession(CBC, EspHarness.DRIVER))
                    .mode(Mode.TRANSPORT).random(new java.util.Random(99)).build();
            Set<String> ivs = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                byte[] w = h.seal(a, udp4(3));
                String iv = Bytes.hex(w, 28, 16);
                assertThat(ivs.add(iv)).as("IV repeated").isTrue();
                assertThat(Bytes.i64(w, 28)).as("not the bare counter").isNotEqualTo(i + 1L);
            }
            // another SA with its own IV key: the same sequence numbers give other IVs
            for (int i = 0; i < 200; i++) {
                assertThat(ivs.add(Bytes.hex(h.seal(b, udp4(3)), 28, 16))).isTrue();
            }
            SecurityAssociation des = EspHarness.sa(3, TDES, Mode.TRANSPORT, false, false, 1, 0);
            byte[] w1 = h.seal(des, udp4(3));
            byte[] w2 = h.seal(des, udp4(3));
            assertThat(Bytes.hex(w1, 28, 8)).isNotEqualTo(Bytes.hex(w2, 28, 8));
            a.close();
            b.close();
            des.close();
        }
    }

    @Test
    void tunnelOuterHeaderCopiesTosAndDontFragment() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = EspHarness.sa(5, GCM, Mode.TUNNEL, false, true, 1, 0);
            byte[] inner = udp4(100);
            inner[1] = (byte) 0xB8; // DSCP EF
            Bytes.put16(inner, 6, 0x4000);
            IpHeaders.ipv4Checksum(inner, 0, 20);
            byte[] w = h.seal(sa, inner);
            assertThat(w[1]).isEqualTo((byte) 0xB8);
            assertThat(Bytes.u16(w, 6)).isEqualTo(0x4000);
            assertThat(w[8]).isEqualTo((byte) 64);
            assertThat(w[9]).isEqualTo((byte) 17);
            assertThat(Bytes.u16(w, 2)).isEqualTo(w.length);
            assertThat(IpHeaders.ipv4ChecksumValid(w, 0, 20)).isTrue();
            assertThat(Arrays.copyOfRange(w, 12, 20)).isEqualTo(new byte[] {(byte) 198, 51, 100, 1, (byte) 198, 51, 100, 2});
            assertThat(Bytes.u16(w, 20)).isEqualTo(4500);
            assertThat(Bytes.u16(w, 22)).isEqualTo(4500);
            assertThat(Bytes.u16(w, 24)).isEqualTo(w.length - 20);
            assertThat(Bytes.u16(w, 26)).isZero();
            assertThat(w.length % 4).isZero();
            sa.close();
        }
    }

    @Test
    void ipv6TunnelHeader() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = EspHarness.sa(6, CBC, Mode.TUNNEL, true, false, 1, 0);
            byte[] inner = EspHarness.ipv6(17, new byte[33], "2001:db8:1::1", "2001:db8:2::2");
            byte[] w = h.seal(sa, inner);
            assertThat((w[0] >>> 4) & 0xF).isEqualTo(6);
            assertThat(IpHeaders.trafficClass(w, 0)).isEqualTo(0x2E);
            assertThat(Bytes.u16(w, 4)).isEqualTo(w.length - 40);
            assertThat(w[6]).isEqualTo((byte) 50);
            assertThat(InetAddress.ofLiteral("2001:db8::2").getAddress()).isEqualTo(Arrays.copyOfRange(w, 24, 40));
            // 33 + 40 inner + 2 trailer padded to 16: payload 80, IV 16, header 8, ICV 16
            assertThat(w.length).isEqualTo(40 + 8 + 16 + 80 + 16);
            sa.close();
        }
    }

    /** IPv6 transport mode: ESP goes after hop-by-hop (and routing) headers; destination options go inside. */
    @Test
    void ipv6TransportInsertsAfterHopByHop() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = EspHarness.sa(8, GCM, Mode.TRANSPORT, false, false, 1, 0);
            byte[] hop = {60, 0, 1, 4, 0, 0, 0, 0};
            byte[] dest = {17, 0, 1, 4, 0, 0, 0, 0};
            byte[] udp = new byte[12];
            byte[] payload = new byte[28];
            System.arraycopy(hop, 0, payload, 0, 8);
            System.arraycopy(dest, 0, payload, 8, 8);
            System.arraycopy(udp, 0, payload, 16, 12);
            byte[] ip = EspHarness.ipv6(0, payload, "2001:db8::a", "2001:db8::b");
            byte[] w = h.seal(tx, ip);
            assertThat(w[6]).isEqualTo((byte) 0);
            assertThat(w[40]).as("hop-by-hop now names ESP").isEqualTo((byte) 50);
            assertThat(Bytes.i32(w, 48)).isEqualTo(8);
            // and back: the receiver rebuilds exactly the original packet
            h.sas.add(EspHarness.sa(8, GCM, null, false, false, 1, 0));
            PacketBuffer p = h.packet(w);
            p.networkOffset(p.offset());
            p.trimHead(48);
            assertThat(h.run(p).packet()).isEqualTo(ip);
            tx.close();
        }
    }

    @Test
    void trailingBytesAfterTheIpLengthAreNotProtected() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = EspHarness.sa(9, GCM, Mode.TUNNEL, false, false, 1, 0);
            byte[] ip = udp4(4);
            byte[] padded = Arrays.copyOf(ip, ip.length + 6); // Ethernet minimum-frame padding
            h.sas.add(EspHarness.sa(9, GCM, null, false, false, 1, 0));
            assertThat(h.open(h.seal(tx, padded)).packet()).isEqualTo(ip);
            tx.close();
        }
    }

    @Test
    void refusalsDropWithTheirReason() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation noMode = SecurityAssociation.builder(10, new CryptoSession(GCM, EspHarness.DRIVER)).build();
            SecurityAssociation noEndpoints = SecurityAssociation.builder(11, new CryptoSession(GCM, EspHarness.DRIVER))
                    .mode(Mode.TUNNEL).build();
            SecurityAssociation ok = EspHarness.sa(12, GCM, Mode.TRANSPORT, false, false, 1, 0);
            assertRefused(h, noMode, udp4(8), EspOutput.Status.NOT_ENCAPSULABLE);
            assertRefused(h, noEndpoints, udp4(8), EspOutput.Status.NOT_ENCAPSULABLE);
            assertRefused(h, ok, new byte[] {0x45, 0, 0}, EspOutput.Status.NOT_ENCAPSULABLE);
            byte[] lies = udp4(8);
            Bytes.put16(lies, 2, 500);
            assertRefused(h, ok, lies, EspOutput.Status.NOT_ENCAPSULABLE);
            assertRefused(h, ok, new byte[40], EspOutput.Status.NOT_ENCAPSULABLE);
            assertThat(ok.nextOutboundSequence()).as("refused packets use no sequence number").isEqualTo(1);
            noMode.close();
            noEndpoints.close();
            ok.close();
        }
    }

    private static void assertRefused(EspHarness h, SecurityAssociation sa, byte[] ip, EspOutput.Status expected) {
        long[] before = h.drops();
        assertThat(h.output.encapsulate(h.ctx, h.packet(ip), sa)).isEqualTo(expected);
        assertThat(h.changedReason(before)).isEqualTo(expected.dropReason());
    }

    @Test
    void tooLittleRoomIsRefused() {
        PacketPool noHeadroom = new PacketPool("no-headroom", 2, 256, 16);
        PacketPool noTailroom = new PacketPool("no-tailroom", 2, 256, 64);
        try (StageContext ctx = new StageContext("t", new ManualClock())) {
            SecurityAssociation sa = EspHarness.sa(13, GCM, Mode.TUNNEL, false, false, 1, 0);
            EspOutput out = new EspOutput((c, p) -> p.release());
            byte[] small = udp4(8);
            PacketBuffer p = noHeadroom.acquire();
            p.append(small, 0, small.length);
            assertThat(out.encapsulate(ctx, p, sa)).as("outer header, ESP header and IV need 36 bytes in front")
                    .isEqualTo(EspOutput.Status.NO_ROOM);
            byte[] fills = udp4(256 - 64 - 20);
            PacketBuffer q = noTailroom.acquire();
            q.append(fills, 0, fills.length);
            assertThat(q.tailroom()).isZero();
            assertThat(out.encapsulate(ctx, q, sa)).as("trailer and ICV need room behind").isEqualTo(EspOutput.Status.NO_ROOM);
            assertThat(ctx.counters().get(DropReason.ESP_NO_ROOM)).isEqualTo(2);
            assertThat(noHeadroom.outstanding()).isZero();
            assertThat(noTailroom.outstanding()).isZero();
            assertThat(sa.nextOutboundSequence()).isEqualTo(1);
            sa.close();
        }
    }

    @Test
    void esnSequenceRunsToTheLast64BitNumber() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = EspHarness.sa(14, TDES, Mode.TRANSPORT, false, false, -2L, 0);
            assertThat(h.seal(sa, udp4(1))).isNotNull();
            assertThat(h.seal(sa, udp4(1))).isNotNull();
            assertThat(sa.outboundExhausted()).isTrue();
            assertThat(h.seal(sa, udp4(1))).isNull();
            assertThat(h.lastRefusal).isEqualTo(EspOutput.Status.SEQUENCE_EXHAUSTED);
            sa.close();
        }
    }

    @Test
    void explicitIvMustHaveTheIvLength() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = EspHarness.sa(15, GCM, Mode.TRANSPORT, false, false, 1, 0);
            PacketBuffer p = h.packet(udp4(1));
            assertThatThrownBy(() -> h.output.encapsulateWithIv(h.ctx, p, sa, new byte[16], CompletionTarget.INLINE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IV must be 8 bytes");
            p.release();
            sa.close();
        }
    }
}
