package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Output then input, for every algorithm, both modes, IPv4 and IPv6 inside and out, ESN on and off,
 * NAT-T on and off, payloads of 0 to 9000 bytes; then what tampering and replaying do. Every
 * property runs its packets through a {@link dev.dispatchlab.packet.PacketPool} and checks at the
 * end that no buffer leaked.
 */
class EspRoundTripProperties {

    /** The packet ESP protects, and how. */
    record Setup(EspHarness.Suite suite, Mode mode, boolean receiverInfersMode, boolean esn, boolean natt,
                 boolean innerV6, boolean outerV6, long firstSeq, byte[] payload) {
        @Override
        public String toString() {
            return suite + " " + mode + (receiverInfersMode ? " (inferred)" : "") + (esn ? " esn" : "")
                    + (natt ? " natt" : "") + (innerV6 ? " inner6" : " inner4") + (outerV6 ? " outer6" : " outer4")
                    + " seq " + Long.toUnsignedString(firstSeq) + " payload " + payload.length;
        }
    }

    @Provide
    Arbitrary<EspHarness.Suite> suites() {
        return Arbitraries.of(EspHarness.SUITES);
    }

    @Provide
    Arbitrary<EspHarness.Suite> integritySuites() {
        return Arbitraries.of(Arrays.stream(EspHarness.SUITES).filter(EspHarness.Suite::hasIntegrity).toList());
    }

    @Provide
    Arbitrary<EspHarness.Suite> encryptionOnlySuites() {
        return Arbitraries.of(Arrays.stream(EspHarness.SUITES).filter(s -> !s.hasIntegrity()).toList());
    }

    private Arbitrary<Setup> setups(Arbitrary<EspHarness.Suite> suites, int maxPayload) {
        Arbitrary<byte[]> payloads = Arbitraries.integers().between(0, maxPayload)
                .edgeCases(c -> c.includeOnly(0, 1, maxPayload))
                .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<Long> seqs = Arbitraries.longs().between(1, 0xFFFF_FFF0L);
        return Combinators.combine(suites, Arbitraries.of(Mode.class), bool, bool, bool, bool, bool, seqs)
                .flatAs((suite, mode, infer, esn, natt, in6, out6, seq) -> payloads.map(
                        pl -> new Setup(suite, mode, infer, esn, natt, in6, out6, seq, pl)));
    }

    @Provide
    Arbitrary<Setup> anySetup() {
        return setups(suites(), 9000);
    }

    @Provide
    Arbitrary<Setup> integritySetup() {
        return setups(integritySuites(), 1500);
    }

    @Provide
    Arbitrary<Setup> encryptionOnlySetup() {
        return setups(encryptionOnlySuites(), 1500);
    }

    /** The IP packet to protect: UDP inside IPv4 or IPv6. */
    private static byte[] ipPacket(Setup s) {
        return s.innerV6() ? EspHarness.ipv6(17, s.payload(), "2001:db8:1::10", "2001:db8:2::20")
                : EspHarness.ipv4(17, s.payload(), "10.1.0.10", "10.2.0.20");
    }

    private static SecurityAssociation sender(Setup s, SessionParams params) {
        return EspHarness.sa(0x1000, params, s.mode(), s.outerV6(), s.natt(), s.firstSeq(), 0);
    }

    private static SecurityAssociation receiver(EspHarness h, Setup s, SessionParams params) {
        SecurityAssociation r = EspHarness.sa(0x1000, params, s.receiverInfersMode() ? null : s.mode(), s.outerV6(),
                false, 1, s.firstSeq() - 1);
        h.sas.add(r);
        return r;
    }

    @Property(tries = 400)
    void outputThenInputReturnsThePacket(@ForAll("anySetup") Setup s, @ForAll long keySeed) {
        SessionParams params = s.suite().params(keySeed, s.esn());
        byte[] ip = ipPacket(s);
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = sender(s, params);
            receiver(h, s, params);
            byte[] wire = h.seal(tx, ip);
            assertThat(wire).as("sealed (%s %s)", h.lastRefusal, h.lastCryptoDrop).isNotNull();
            assertThat((wire[0] >>> 4) & 0xF).isEqualTo(s.mode() == Mode.TUNNEL ? (s.outerV6() ? 6 : 4) : (s.innerV6() ? 6 : 4));
            int espAt = EspHarness.outerHeaderLength(wire);
            assertThat(Bytes.i32(wire, espAt)).isEqualTo(0x1000);
            assertThat(Bytes.u32(wire, espAt + 4)).isEqualTo(s.firstSeq() & 0xFFFF_FFFFL);
            if (s.natt()) {
                int udp = espAt - 8;
                assertThat(Bytes.u16(wire, udp + 2)).isEqualTo(4500);
                assertThat(Bytes.u16(wire, udp + 4)).isEqualTo(wire.length - udp);
                assertThat(Bytes.u16(wire, udp + 6)).isZero();
            }
            EspHarness.Decap d = h.open(wire);
            assertThat(d.drop()).isNull();
            assertThat(Bytes.hex(d.packet())).isEqualTo(Bytes.hex(ip));
            tx.close();
        }
    }

    /**
     * Any single bit flipped in the ESP part of a packet protected by an SA with integrity is
     * rejected: with INTEGRITY, except a flip in the SPI (no such SA) and one that makes the sequence
     * number 0 (never valid, refused before the integrity check).
     */
    @Property(tries = 600)
    void anyFlippedBitIsRejected(@ForAll("integritySetup") Setup s, @ForAll long keySeed, @ForAll Random random) {
        SessionParams params = s.suite().params(keySeed, s.esn());
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = sender(s, params);
            receiver(h, s, params);
            byte[] wire = h.seal(tx, ipPacket(s));
            int espAt = EspHarness.outerHeaderLength(wire);
            int bit = espAt * 8 + random.nextInt((wire.length - espAt) * 8);
            wire[bit / 8] ^= (byte) (1 << (bit % 8));
            EspHarness.Decap d = h.open(wire);
            DropReason expected;
            if (bit / 8 < espAt + 4) {
                expected = DropReason.NO_SA;
            } else if (bit / 8 < espAt + 8 && refusedBeforeIntegrity(s, Bytes.u32(wire, espAt + 4))) {
                expected = DropReason.REPLAY;
            } else {
                expected = DropReason.INTEGRITY;
            }
            assertThat(d.drop()).as("flipped bit %d of %d", bit - espAt * 8, (wire.length - espAt) * 8).isEqualTo(expected);
            tx.close();
        }
    }

    /**
     * Encryption without integrity (allowed by RFC 4303, found in old captures) cannot detect
     * tampering: a flipped bit is never reported as INTEGRITY. A flip in the SPI finds no SA; a flip in
     * the sequence number delivers the packet unchanged (nothing protects it); a flip in the IV or
     * ciphertext either garbles the trailer or inner header, and the packet is dropped for that, or
     * delivers a packet that differs from the one sent: silently corrupted, which is what
     * "no integrity" means.
     */
    @Property(tries = 400)
    void withoutIntegrityFlipsGoUndetectedOrGarbleThePacket(@ForAll("encryptionOnlySetup") Setup s,
                                                            @ForAll long keySeed, @ForAll Random random) {
        SessionParams params = s.suite().params(keySeed, s.esn());
        byte[] ip = ipPacket(s);
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = sender(s, params);
            receiver(h, s, params);
            byte[] wire = h.seal(tx, ip);
            int espAt = EspHarness.outerHeaderLength(wire);
            int bit = espAt * 8 + random.nextInt((wire.length - espAt) * 8);
            int at = bit / 8;
            wire[at] ^= (byte) (1 << (bit % 8));
            EspHarness.Decap d = h.open(wire);
            assertThat(d.drop()).isNotEqualTo(DropReason.INTEGRITY);
            if (at < espAt + 4) {
                assertThat(d.drop()).isEqualTo(DropReason.NO_SA);
            } else if (at < espAt + 8) {
                if (d.delivered()) {
                    assertThat(d.packet()).isEqualTo(ip);
                } else {
                    assertThat(d.drop()).isEqualTo(DropReason.REPLAY);
                }
            } else if (d.delivered()) {
                assertThat(d.packet()).isNotEqualTo(ip);
            } else {
                assertThat(d.drop()).isIn(DropReason.BAD_PADDING, DropReason.BAD_NEXT_HEADER, DropReason.INNER_BAD,
                        DropReason.DUMMY_PACKET);
            }
            tx.close();
        }
    }

    /** Every packet delivered once is refused as a REPLAY when it comes again, in any order. */
    @Property(tries = 100)
    void replaysAreRejected(@ForAll("integritySetup") Setup s, @ForAll long keySeed,
                            @ForAll @IntRange(min = 1, max = 24) int count, @ForAll Random random) {
        SessionParams params = s.suite().params(keySeed, s.esn());
        byte[] ip = ipPacket(s);
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = sender(s, params);
            SecurityAssociation rx = receiver(h, s, params);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] w = h.seal(tx, ip);
                sent.add(w);
                assertThat(h.open(w).delivered()).isTrue();
            }
            Collections.shuffle(sent, random);
            for (byte[] w : sent) {
                assertThat(h.open(w).drop()).isEqualTo(DropReason.REPLAY);
            }
            assertThat(rx.count(SaCounter.REPLAY_DROPS)).isEqualTo(count);
            assertThat(rx.count(SaCounter.INBOUND_PACKETS)).isEqualTo(count);
            tx.close();
        }
    }

    /**
     * A window's worth of packets arriving in any order is accepted exactly once each; packets that
     * fall left of the window once a later one has arrived are refused (REPLAY without ESN).
     */
    @Property(tries = 60)
    void shuffledWindowAcceptedOnceAndOlderRefused(@ForAll @IntRange(min = 1, max = 96) int window,
                                                    @ForAll @IntRange(min = 1, max = 20) int older,
                                                    @ForAll @LongRange(min = 1, max = 1L << 31) long first,
                                                    @ForAll Random random) {
        EspHarness.Suite suite = EspHarness.SUITES[random.nextInt(EspHarness.SUITES.length)];
        SessionParams params = suite.params(random.nextLong(), false);
        byte[] ip = EspHarness.ipv4(17, new byte[] {1, 2, 3}, "10.1.0.10", "10.2.0.20");
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = EspHarness.sa(7, params, Mode.TUNNEL, false, false, first, 0);
            SecurityAssociation rx = SecurityAssociation.builder(7, new dev.dispatchlab.crypto.CryptoSession(params,
                    EspHarness.DRIVER)).replayWindow(window).inboundHighestSequence(first - 1).build();
            h.sas.add(rx);
            List<byte[]> early = new ArrayList<>();
            for (int i = 0; i < older; i++) {
                early.add(h.seal(tx, ip));
            }
            List<byte[]> inWindow = new ArrayList<>();
            for (int i = 0; i < window; i++) {
                inWindow.add(h.seal(tx, ip));
            }
            Collections.shuffle(inWindow, random);
            for (byte[] w : inWindow) {
                assertThat(h.open(w).drop()).isNull();
            }
            for (byte[] w : inWindow) {
                assertThat(h.open(w).drop()).isEqualTo(DropReason.REPLAY);
            }
            for (byte[] w : early) {
                assertThat(h.open(w).drop()).as("left of the window").isEqualTo(DropReason.REPLAY);
            }
            assertThat(rx.replayWindow().top()).isEqualTo(first + older + window - 1);
            tx.close();
        }
    }

    /** Sequence numbers cross 2^32 with ESN: the receiver follows from the low half alone. */
    @Property(tries = 60)
    void esnWrapsAcross2To32(@ForAll("integritySuites") EspHarness.Suite suite, @ForAll long keySeed,
                             @ForAll @LongRange(min = 0, max = 1L << 31) long high,
                             @ForAll @IntRange(min = 1, max = 40) int before) {
        SessionParams params = suite.params(keySeed, true);
        long first = ((high + 1) << 32) - before;
        byte[] ip = EspHarness.ipv4(17, new byte[] {9, 8, 7, 6}, "10.1.0.10", "10.2.0.20");
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = EspHarness.sa(9, params, Mode.TRANSPORT, false, false, first, 0);
            SecurityAssociation rx = EspHarness.sa(9, params, null, false, false, 1, first - 1);
            h.sas.add(rx);
            for (int i = 0; i < 2 * before; i++) {
                EspHarness.Decap d = h.open(h.seal(tx, ip));
                assertThat(d.drop()).as("packet %d", i).isNull();
                assertThat(d.packet()).isEqualTo(ip);
            }
            assertThat(rx.replayWindow().top()).isEqualTo(first + 2L * before - 1);
            assertThat(rx.replayWindow().top() >>> 32).isEqualTo(high + 1);
            tx.close();
        }
    }

    /** Without ESN the same crossing is refused: the last number is 2^32-1, never wrapped. */
    @Property(tries = 20)
    void withoutEsnTheSequenceRunsOutInsteadOfWrapping(@ForAll("suites") EspHarness.Suite suite, @ForAll long keySeed,
                                                       @ForAll @IntRange(min = 1, max = 10) int left) {
        SessionParams params = suite.params(keySeed, false);
        byte[] ip = EspHarness.ipv4(17, new byte[8], "10.1.0.10", "10.2.0.20");
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = EspHarness.sa(11, params, Mode.TRANSPORT, false, false, (1L << 32) - left, 0);
            for (int i = 0; i < left; i++) {
                assertThat(h.seal(tx, ip)).isNotNull();
            }
            assertThat(tx.outboundExhausted()).isTrue();
            long[] before = h.drops();
            assertThat(h.output.encapsulate(h.ctx, h.packet(ip), tx)).isEqualTo(EspOutput.Status.SEQUENCE_EXHAUSTED);
            assertThat(h.changedReason(before)).isEqualTo(DropReason.ESP_SEQUENCE_EXHAUSTED);
            assertThat(tx.count(SaCounter.SEQUENCE_EXHAUSTED)).isEqualTo(1);
            tx.close();
        }
    }

    /** Integrity-protected suites only: the sender and receiver disagree on nothing but the key. */
    @Property(tries = 100)
    void aWrongKeyIsAnIntegrityFailure(@ForAll("integritySetup") Setup s, @ForAll long keySeed) {
        SessionParams good = s.suite().params(keySeed, s.esn());
        SessionParams bad = s.suite().params(keySeed + 1, s.esn());
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = sender(s, good);
            SecurityAssociation rx = receiver(h, s, bad);
            EspHarness.Decap d = h.open(h.seal(tx, ipPacket(s)));
            assertThat(d.drop()).isEqualTo(DropReason.INTEGRITY);
            assertThat(rx.count(SaCounter.INTEGRITY_FAILURES)).isEqualTo(1);
            assertThat(rx.replayWindow().top()).as("a forgery does not move the window").isEqualTo(s.firstSeq() - 1);
            tx.close();
        }
    }

    /**
     * @return whether a receiver whose window stands at {@code firstSeq - 1} refuses the wire sequence
     *         number {@code low} outright: 0, the edge itself (seen), or left of a 32-bit window (with
     *         ESN, left of the window reads as the next 2^32 block and the ICV refuses it instead)
     */
    private static boolean refusedBeforeIntegrity(Setup s, long low) {
        long top = s.firstSeq() - 1;
        long full = s.esn() ? ReplayWindow.reconstruct(top, low, ReplayWindow.DEFAULT_SIZE) : low;
        return full == 0 || (top != 0 && full == top)
                || (Long.compareUnsigned(full, top) < 0 && Long.compareUnsigned(top - full, ReplayWindow.DEFAULT_SIZE) >= 0);
    }
}
