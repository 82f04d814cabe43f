package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.Transform;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inbound edge cases, each ending in its named drop reason: malformed lengths, unknown SPIs, bad
 * padding, dummy packets, wrong next headers, nesting, crypto failures; IPComp and IPv6 transport
 * pass-up; and random bytes, which must never make input throw or leak.
 */
class EspInputTest {

    private static final int SPI = 0x5151;
    private static final byte[] AUTH_KEY = new byte[32];
    private static final SessionParams NULL_SHA256 =
            new SessionParams(EncryptionAlgorithm.NULL, null, IntegrityAlgorithm.HMAC_SHA256_128, AUTH_KEY, false);
    private static final SessionParams CBC_SHA1 = new SessionParams(EncryptionAlgorithm.AES_CBC, new byte[16],
            IntegrityAlgorithm.HMAC_SHA1_96, new byte[20], false);

    private static SecurityAssociation install(EspHarness h, SessionParams params, Mode mode) {
        SecurityAssociation sa = SecurityAssociation.builder(SPI, new CryptoSession(params, EspHarness.DRIVER))
                .mode(mode).build();
        h.sas.add(sa);
        return sa;
    }

    /**
     * A protected packet with any ESP plaintext (payload, padding, trailer as given, not checked), an
     * all-zero IV and a valid ICV: sealed by the SA's own transform, behind an IPv4 header.
     */
    private static byte[] crafted(SessionParams params, long seq, byte[] encrypted) {
        int ivLen = params.encryption().ivLength();
        int icvLen = params.icvLength();
        PacketBuffer p = PacketBuffer.unpooled(EspHarness.BUFFER_SIZE, 64);
        byte[] hdr = new byte[8];
        Bytes.put32(hdr, 0, SPI);
        Bytes.put32(hdr, 4, (int) seq);
        p.append(hdr, 0, 8);
        p.append(new byte[ivLen], 0, ivLen);
        p.append(encrypted, 0, encrypted.length);
        p.append(icvLen);
        int a = p.offset();
        CryptoRequest r = new CryptoRequest().describe(null, CryptoOp.SEAL, p, a, a + 8, a + 8 + ivLen,
                encrypted.length, a + 8 + ivLen + encrypted.length, 0);
        assertThat(Transform.create(params).process(r)).isEqualTo(CryptoStatus.OK);
        return EspHarness.ipv4(EspDescriptor.PROTO_ESP, p.toArray(), "192.0.2.1", "192.0.2.2");
    }

    private static byte[] trailer(byte[] payload, byte[] padding, int padLength, int nextHeader) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(payload);
        b.writeBytes(padding);
        b.write(padLength);
        b.write(nextHeader);
        return b.toByteArray();
    }

    @Example
    void wellFormedTransportPacketIsDelivered() {
        try (EspHarness h = new EspHarness()) {
            install(h, NULL_SHA256, null);
            EspHarness.Decap d = h.open(crafted(NULL_SHA256, 1, trailer(new byte[] {1, 2, 3, 4, 5, 6},
                    new byte[] {1, 2, 3, 4}, 4, 17)));
            assertThat(d.drop()).isNull();
            assertThat(Arrays.copyOfRange(d.packet(), 20, 26)).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(d.packet()[9]).isEqualTo((byte) 17);
            assertThat(h.ctx.counters().get(Counter.ESP_DECRYPTED)).isEqualTo(1);
        }
    }

    @Example
    void paddingThatIsNotOneTwoThreeIsRefused() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = install(h, NULL_SHA256, null);
            assertThat(h.open(crafted(NULL_SHA256, 1, trailer(new byte[8], new byte[] {1, 3}, 2, 17))).drop())
                    .isEqualTo(DropReason.BAD_PADDING);
            assertThat(h.open(crafted(NULL_SHA256, 2, trailer(new byte[8], new byte[] {0, 0}, 2, 17))).drop())
                    .isEqualTo(DropReason.BAD_PADDING);
            // a pad length longer than the payload
            assertThat(h.open(crafted(NULL_SHA256, 3, trailer(new byte[2], new byte[0], 200, 17))).drop())
                    .isEqualTo(DropReason.BAD_PADDING);
            assertThat(sa.count(SaCounter.DECAPSULATION_ERRORS)).isEqualTo(3);
            // authentic packets move the window even when their contents are then refused
            assertThat(sa.replayWindow().top()).isEqualTo(3);
        }
    }

    @Example
    void dummyPacketsAreCountedAndDropped() {
        try (EspHarness h = new EspHarness()) {
            install(h, CBC_SHA1, Mode.TUNNEL);
            byte[] tfc = new byte[30];
            assertThat(h.open(crafted(CBC_SHA1, 1, trailer(tfc, new byte[0], 0, EspDescriptor.NEXT_NONE))).drop())
                    .isEqualTo(DropReason.DUMMY_PACKET);
        }
    }

    @Example
    void tunnelModeRefusesAnUpperLayerNextHeader() {
        try (EspHarness h = new EspHarness()) {
            install(h, NULL_SHA256, Mode.TUNNEL);
            assertThat(h.open(crafted(NULL_SHA256, 1, trailer(new byte[22], new byte[0], 0, 17))).drop())
                    .isEqualTo(DropReason.BAD_NEXT_HEADER);
        }
    }

    @Example
    void aTunnelledPacketThatIsNotIpIsRefused() {
        try (EspHarness h = new EspHarness()) {
            install(h, NULL_SHA256, null);
            byte[] notIpv4 = new byte[26];
            notIpv4[0] = 0x65;
            assertThat(h.open(crafted(NULL_SHA256, 1, trailer(notIpv4, new byte[0], 0, 4))).drop())
                    .isEqualTo(DropReason.INNER_BAD);
            byte[] shortIpv6 = new byte[22];
            shortIpv6[0] = 0x60;
            assertThat(h.open(crafted(NULL_SHA256, 2, trailer(shortIpv6, new byte[0], 0, 41))).drop())
                    .isEqualTo(DropReason.INNER_BAD);
        }
    }

    /** IPComp (108) is passed up as the next header even on a tunnel-mode SA, for a later stage to inflate. */
    @Example
    void ipcompIsPassedUpAsTheNextHeader() {
        try (EspHarness h = new EspHarness()) {
            install(h, NULL_SHA256, Mode.TUNNEL);
            byte[] ipcomp = {4, 0, 0x56, 0x78, 9, 9, 9, 9, 9, 9};
            EspHarness.Decap d = h.open(crafted(NULL_SHA256, 1, trailer(ipcomp, new byte[0], 0, 108)));
            assertThat(d.drop()).isNull();
            assertThat(d.packet()[9]).isEqualTo((byte) 108);
            assertThat(Arrays.copyOfRange(d.packet(), 20, d.packet().length)).isEqualTo(ipcomp);
        }
    }

    @Example
    void lengthsAndSpis() {
        try (EspHarness h = new EspHarness()) {
            install(h, CBC_SHA1, null);
            byte[] good = crafted(CBC_SHA1, 1, trailer(new byte[14], new byte[0], 0, 17));
            assertThat(h.open(Arrays.copyOf(good, 27)).drop()).as("7 bytes of ESP").isEqualTo(DropReason.ESP_TRUNCATED);
            assertThat(h.open(Arrays.copyOf(good, 20 + 8 + 16 + 12)).drop()).as("no room for a trailer")
                    .isEqualTo(DropReason.ESP_TRUNCATED);
            byte[] ragged = Arrays.copyOf(good, good.length - 3);
            assertThat(h.open(ragged).drop()).as("not whole blocks").isEqualTo(DropReason.ESP_BAD_LENGTH);
            byte[] otherSpi = good.clone();
            otherSpi[23] ^= 1;
            assertThat(h.open(otherSpi).drop()).isEqualTo(DropReason.NO_SA);
            assertThat(h.open(good).drop()).isNull();
        }
    }

    @Example
    void destinationAndSourceSelectTheSa() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = SecurityAssociation.builder(SPI, new CryptoSession(NULL_SHA256, EspHarness.DRIVER))
                    .destination(InetAddress.ofLiteral("192.0.2.99")).build();
            h.sas.add(sa);
            byte[] toOther = crafted(NULL_SHA256, 1, trailer(new byte[6], new byte[] {1, 2, 3, 4}, 4, 17));
            assertThat(h.open(toOther).drop()).isEqualTo(DropReason.NO_SA);
        }
    }

    @Example
    void anOuterHeaderAnnotationThatIsWrongIsCountedNotThrown() {
        try (EspHarness h = new EspHarness()) {
            install(h, NULL_SHA256, null);
            byte[] good = crafted(NULL_SHA256, 1, trailer(new byte[6], new byte[] {1, 2, 3, 4}, 4, 17));
            PacketBuffer p = h.packet(Arrays.copyOfRange(good, 20, good.length));
            assertThat(h.run(p).drop()).as("no network offset").isEqualTo(DropReason.IP_BAD_HEADER);
        }
    }

    @Example
    void aClosedSessionDropsAsSessionClosed() {
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation sa = install(h, NULL_SHA256, null);
            byte[] good = crafted(NULL_SHA256, 1, trailer(new byte[6], new byte[] {1, 2, 3, 4}, 4, 17));
            sa.close();
            assertThat(h.open(good).drop()).isEqualTo(DropReason.SESSION_CLOSED);
            assertThat(sa.replayWindow().top()).isZero();
        }
    }

    @Example
    void depthCountsLayersAndTheLimitHolds() {
        try (EspHarness h = new EspHarness()) {
            install(h, NULL_SHA256, null);
            byte[] good = crafted(NULL_SHA256, 1, trailer(new byte[6], new byte[] {1, 2, 3, 4}, 4, 17));
            PacketBuffer p = h.packet(good);
            p.networkOffset(p.offset());
            p.trimHead(20);
            p.depth = EspInput.DEFAULT_MAX_DEPTH;
            assertThat(h.run(p).drop()).isEqualTo(DropReason.NESTING_TOO_DEEP);
            EspHarness.Decap d = h.open(good);
            assertThat(d.depth()).isEqualTo(1);
        }
    }

    /** An IPv6 outer header with extension headers in front of ESP: the chain is kept, its last next header fixed. */
    @Example
    void ipv6TransportKeepsTheExtensionHeaderChain() {
        try (EspHarness h = new EspHarness()) {
            install(h, NULL_SHA256, null);
            byte[] v4 = crafted(NULL_SHA256, 1, trailer(new byte[] {7, 7, 7, 7, 7, 7}, new byte[] {1, 2, 3, 4}, 4, 17));
            byte[] esp = Arrays.copyOfRange(v4, 20, v4.length);
            byte[] hopByHop = {60, 0, 1, 4, 0, 0, 0, 0};
            byte[] destOpts = {(byte) EspDescriptor.PROTO_ESP, 0, 1, 4, 0, 0, 0, 0};
            byte[] ext = new byte[16 + esp.length];
            System.arraycopy(hopByHop, 0, ext, 0, 8);
            System.arraycopy(destOpts, 0, ext, 8, 8);
            System.arraycopy(esp, 0, ext, 16, esp.length);
            byte[] wire = EspHarness.ipv6(0, ext, "2001:db8::1", "2001:db8::2");
            PacketBuffer p = h.packet(wire);
            p.networkOffset(p.offset());
            p.trimHead(56);
            EspHarness.Decap d = h.run(p);
            assertThat(d.drop()).isNull();
            assertThat(d.packet()).hasSize(40 + 16 + 6);
            assertThat(Bytes.u16(d.packet(), 4)).isEqualTo(16 + 6);
            assertThat(d.packet()[6]).as("hop-by-hop still first").isEqualTo((byte) 0);
            assertThat(d.packet()[48]).as("the header before ESP now names UDP").isEqualTo((byte) 17);
            assertThat(Arrays.copyOfRange(d.packet(), 56, 62)).containsExactly(7, 7, 7, 7, 7, 7);
        }
    }

    /** Completion in another context: the continuation runs where the target says, once. */
    @Example
    void completionRunsWhereTheTargetSays() {
        try (EspHarness h = new EspHarness(); StageContext softnet = new StageContext("softnet", h.ctx.clock())) {
            install(h, CBC_SHA1, null);
            List<CryptoRequest> queued = new ArrayList<>();
            CompletionTarget deferred = (r, completer) -> queued.add(r);
            byte[] good = crafted(CBC_SHA1, 1, trailer(new byte[14], new byte[0], 0, 17));
            PacketBuffer p = h.packet(good);
            p.networkOffset(p.offset());
            p.trimHead(20);
            List<String> ranIn = new ArrayList<>();
            h.inputSink = (ctx, q) -> {
                ranIn.add(ctx.name());
                q.release();
            };
            h.input.input(h.ctx, p, deferred);
            assertThat(ranIn).isEmpty();
            assertThat(queued).hasSize(1);
            queued.getFirst().callback().cryptoDone(queued.getFirst(), softnet);
            assertThat(ranIn).containsExactly("softnet");
            assertThat(softnet.counters().get(Counter.ESP_DECRYPTED)).isEqualTo(1);
        }
    }

    /** Random bytes after a valid outer header never make input throw, and every buffer comes back. */
    @Property(tries = 2000)
    void randomBytesNeverThrowNorLeak(@ForAll @Size(max = 300) byte[] esp, @ForAll @IntRange(min = 0, max = 2) int spiChoice,
                                      @ForAll boolean tunnel) {
        try (EspHarness h = new EspHarness()) {
            install(h, spiChoice == 0 ? NULL_SHA256 : CBC_SHA1, tunnel ? Mode.TUNNEL : null);
            SecurityAssociation gcm = SecurityAssociation.builder(SPI + 1, new CryptoSession(new SessionParams(
                    EncryptionAlgorithm.AES_GCM_16, new byte[20], IntegrityAlgorithm.NONE, null, true),
                    EspHarness.DRIVER)).build();
            h.sas.add(gcm);
            if (esp.length >= 4 && spiChoice > 0) {
                Bytes.put32(esp, 0, spiChoice == 1 ? SPI : SPI + 1);
            }
            EspHarness.Decap d = h.open(EspHarness.ipv4(EspDescriptor.PROTO_ESP, esp, "192.0.2.1", "192.0.2.2"));
            assertThat(d.delivered() || d.drop() != null).isTrue();
        }
    }
}
