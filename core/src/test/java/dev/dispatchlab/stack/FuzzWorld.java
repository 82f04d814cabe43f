package dev.dispatchlab.stack;

import dev.dispatchlab.capture.CaptureReader;
import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.esp.EspOutput;
import dev.dispatchlab.esp.Mode;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaConfigReader;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.stack.FuzzFrames.Frame;
import dev.dispatchlab.stack.FuzzFrames.Layout;
import dev.dispatchlab.stack.FuzzFrames.Link;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * What the receive-path fuzzer mutates: a set of security associations (built fresh for every try,
 * so anti-replay windows start clean) and the seeds that are valid under them.
 *
 * <ul>
 * <li>{@link #generated()}: SAs for every algorithm family, tunnel and transport mode, IPv4 and
 *     IPv6 outer and inner, NAT-T and plain ESP, ESN across the 2^32 boundary, an encryption-only SA
 *     and two NULL-encryption HMAC SAs; seeds that the test seals itself at try time (so plaintext
 *     mutations reach the code after decryption), nested ESP, ESP fragmented on the wire and inner
 *     fragments sealed one by one, IKE, keepalives, cleartext; and frames of the benchmark's own
 *     {@link TrafficSet} (its valid, corrupted-ICV and malformed frames).</li>
 * <li>{@link #captures}: the published captures in {@code captures/} and the link-type samples in
 *     {@code proto/}, their SAs read from the {@code .esp_sa} files. Captures whose SAs conflict
 *     (one SPI, two keys) go to different worlds.</li>
 * </ul>
 */
final class FuzzWorld {

    /** What a seed does when offered unmutated to a fresh path: the corpus check. */
    record Expect(int delivered, DropReason drop, boolean ike, boolean decrypted) {
        static Expect toDeliver(int n) {
            return new Expect(n, null, false, true);
        }

        static Expect toDrop(DropReason r) {
            return new Expect(0, r, false, false);
        }

        static Expect toPassUp() {
            return new Expect(0, null, true, false);
        }

        static Expect toDecrypt() {
            return new Expect(0, null, false, true);
        }

        static Expect anything() {
            return new Expect(0, null, false, false);
        }
    }

    /** A seed: its frames are fixed, or built at try time from a plan. */
    sealed interface Seed permits Fixed, Plan {
        String label();

        Expect expect();
    }

    /** Frames as captured or pre-built; only WIRE mutations apply. */
    record Fixed(String label, List<Frame> frames, Expect expect) implements Seed {
        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * A packet the test seals at try time: {@code inner} (after INNER mutations), cut into
     * {@code innerCuts} fragments before sealing if given, sealed under each of {@code layers} in turn
     * (innermost first), re-sealed by hand after RESEAL mutations when {@code resealKey} is set (the
     * outermost layer is then NULL encryption with HMAC-SHA-256-128), cut at {@code outerCuts} on the
     * wire, and put behind {@code link}.
     */
    record Plan(String label, byte[] inner, List<SecurityAssociation> layers, int[] innerCuts, int[] outerCuts,
                Link link, byte[] resealKey, Expect expect) implements Seed {
        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * How the receiver's copy of an SA is built on a crypto session: labs open one session per
     * receiver once (JCA transforms are costly to make) and build fresh SAs on it for every try.
     */
    record Receiver(SessionParams params, Function<CryptoSession, SecurityAssociation> build) {
    }

    final String name;
    final List<Receiver> receivers;
    final List<Seed> seeds;
    /** UDP ports the user has sockets on. */
    final int[] ports;
    private final Sealer sealer;
    private int nextId;

    private FuzzWorld(String name, List<Receiver> receivers, List<Seed> seeds,
                      int[] ports, Sealer sealer) {
        this.name = name;
        this.receivers = receivers;
        this.seeds = seeds;
        this.ports = ports;
        this.sealer = sealer;
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- building frames of a seed ---------------------------------------------------------------

    /**
     * The frames of {@code seed} with {@code ops} applied, ready to offer. Plaintexts the test sealed
     * go into {@code sealed}: a delivered payload under an authenticated SA must come from one of them.
     */
    List<Frame> materialize(Seed seed, List<FuzzOp> ops, List<byte[]> sealed) {
        List<Frame> frames = new ArrayList<>();
        if (seed instanceof Fixed f) {
            frames.addAll(f.frames());
        } else {
            Plan p = (Plan) seed;
            byte[] inner = p.inner();
            if ((inner[0] & 0xF0) == 0x40) {
                // A fresh identification per datagram, as a sender's stack gives: two inner datagrams
                // with one key would be reassembled into a mix of both (authenticated, but neither).
                inner = inner.clone();
                Bytes.put16(inner, 4, 0x5000 + Math.floorMod(nextId++, 0x8000));
                FuzzFrames.fixIpv4Checksum(inner, 0);
            }
            for (FuzzOp op : ops) {
                if (op.target() == FuzzOp.Target.INNER) {
                    inner = op.applyBytes(inner, dev.dispatchlab.proto.LinkType.RAW.code(), 0);
                }
            }
            List<byte[]> parts = p.innerCuts().length > 0 && inner.length >= 20 && (inner[0] & 0xF0) == 0x40
                    ? FuzzFrames.fragment(inner, p.innerCuts()) : List.of(inner);
            if (parts.size() > 1) {
                sealed.add(inner); // sealed piece by piece, authenticated whole once reassembled
            }
            for (byte[] part : parts) {
                byte[] packet = part;
                for (SecurityAssociation sa : p.layers()) {
                    sealed.add(packet);
                    packet = sealer.seal(packet, sa);
                    if (packet == null) {
                        break;
                    }
                }
                if (packet == null) {
                    continue; // the sender refused the mutated packet: nothing goes on the wire
                }
                if (p.resealKey() != null) {
                    packet = reseal(packet, p.resealKey(), ops, sealed);
                }
                List<byte[]> pieces = p.outerCuts().length > 0 && (packet[0] & 0xF0) == 0x40
                        ? FuzzFrames.fragment(packet, p.outerCuts()) : List.of(packet);
                for (byte[] piece : pieces) {
                    frames.add(FuzzFrames.wrap(p.link(), piece, 1));
                }
            }
        }
        for (FuzzOp op : ops) {
            if (op.target() == FuzzOp.Target.WIRE) {
                op.applyWire(frames);
            }
        }
        return frames;
    }

    /**
     * Applies the RESEAL mutations to the cleartext ESP payload of a NULL-encryption packet (no IV,
     * 16-byte HMAC-SHA-256-128 ICV over SPI, sequence number and payload) and computes the ICV again,
     * so that malformed trailers authenticate.
     */
    private static byte[] reseal(byte[] packet, byte[] key, List<FuzzOp> ops, List<byte[]> sealed) {
        Layout l = Layout.of(new Frame(dev.dispatchlab.proto.LinkType.RAW.code(), packet, 0));
        int esp = l.esp();
        if (esp < 0 || packet.length - esp < 8 + 16) {
            return packet;
        }
        byte[] clear = Arrays.copyOfRange(packet, esp + 8, packet.length - 16);
        boolean changed = false;
        for (FuzzOp op : ops) {
            if (op.target() == FuzzOp.Target.RESEAL) {
                clear = op.applyBytes(clear, dev.dispatchlab.proto.LinkType.RAW.code(), 0);
                changed = true;
            }
        }
        if (!changed) {
            return packet;
        }
        sealed.add(clear);
        byte[] out = new byte[esp + 8 + clear.length + 16];
        System.arraycopy(packet, 0, out, 0, esp + 8);
        System.arraycopy(clear, 0, out, esp + 8, clear.length);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(out, esp, 8 + clear.length);
            System.arraycopy(mac.doFinal(), 0, out, esp + 8 + clear.length, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        FuzzFrames.fitIpLength(out, 0);
        return out;
    }

    /** Seals packets with the real outbound path, on its own context and pool (the sender's side). */
    private static final class Sealer {
        private final StageContext ctx = new StageContext("fuzz-sender", new ManualClock());
        private final PacketPool pool = new PacketPool("fuzz-sender", 4, 16384, 1024);
        private byte[] out;
        private final EspOutput output = new EspOutput((c, p) -> {
            out = p.toArray();
            p.release();
        });

        byte[] seal(byte[] ip, SecurityAssociation sa) {
            if (ip.length > 8192) {
                return null;
            }
            out = null;
            PacketBuffer p = pool.acquire();
            p.append(ip, 0, ip.length);
            output.encapsulate(ctx, p, sa);
            byte[] sealed = out;
            if (sealed != null && sa.natTraversal() && (sealed[0] & 0xF0) == 0x60) {
                // RFC 8200 wants a UDP checksum over IPv6; EspOutput leaves RFC 3948's zero
                UdpDescriptor.fillChecksumIpv6(sealed, 40, Bytes.i64(sealed, 8), Bytes.i64(sealed, 16),
                        Bytes.i64(sealed, 24), Bytes.i64(sealed, 32));
            }
            if (pool.outstanding() != 0) {
                throw new AssertionError("sender leaked a buffer: " + pool.leaked());
            }
            return sealed;
        }
    }

    // ---- the generated world ---------------------------------------------------------------------

    static final int PORT4 = Workload.DEFAULT_PORT;
    static final String INNER_FRAGMENTS = "gcm tunnel, inner datagram fragmented before sealing";
    static final String SPOOFED_INNER_FRAGMENT = "cleartext fragment posing as the inner datagram's second";
    static final int PORT6 = 5002;
    static final int PORT_TRANSPORT = 5003;

    private static final String OUT4_SRC = "198.51.100.1";
    private static final String OUT4_DST = "198.51.100.2";
    private static final String OUT6_SRC = "2001:db8::1";
    private static final String OUT6_DST = "2001:db8::2";
    private static final int IN4_SRC = Ipv4Descriptor.address(10, 1, 0, 1);
    private static final int IN4_DST = Ipv4Descriptor.address(10, 2, 0, 1);
    private static final long[] IN6_SRC = FuzzFrames.v6("2001:db8:1::1");
    private static final long[] IN6_DST = FuzzFrames.v6("2001:db8:2::1");

    /** One SA of the generated world: the sender's copy and the recipe of the receiver's. */
    private record Spec(int spi, SessionParams params, Mode mode, Mode receiverMode, String src, String dst,
                        boolean natt, long firstSeq, long receiverTop) {

        static Spec of(int spi, EncryptionAlgorithm enc, int encKey, IntegrityAlgorithm integ, boolean esn, Mode mode,
                       boolean outer6, boolean natt) {
            Random r = new Random(spi);
            byte[] ek = new byte[encKey];
            r.nextBytes(ek);
            byte[] ik = new byte[integ.keyLength()];
            r.nextBytes(ik);
            SessionParams params = new SessionParams(enc, ek, integ, integ == IntegrityAlgorithm.NONE ? null : ik, esn);
            String src = mode == Mode.TUNNEL ? (outer6 ? OUT6_SRC : OUT4_SRC) : null;
            String dst = mode == Mode.TUNNEL ? (outer6 ? OUT6_DST : OUT4_DST) : null;
            return new Spec(spi, params, mode, mode, src, dst, natt, 1, 0);
        }

        Spec esnAcross() {
            return new Spec(spi, params, mode, receiverMode, src, dst, natt, (1L << 32) - 5, (1L << 32) - 10);
        }

        Spec receiverInfersMode() {
            return new Spec(spi, params, mode, null, src, dst, natt, firstSeq, receiverTop);
        }

        SecurityAssociation sender(CryptoDriver driver) {
            SecurityAssociation.Builder b = SecurityAssociation.builder(spi, new CryptoSession(params, driver))
                    .mode(mode).outboundSequence(firstSeq).random(new Random(spi * 31L));
            if (src != null) {
                b.source(InetAddress.ofLiteral(src)).destination(InetAddress.ofLiteral(dst));
            }
            if (natt) {
                b.natTraversal(4500, 4500);
            }
            return b.build();
        }

        SecurityAssociation receiver(CryptoSession session) {
            SecurityAssociation.Builder b = SecurityAssociation.builder(spi, session)
                    .mode(receiverMode).inboundHighestSequence(receiverTop).random(new Random(spi));
            if (src != null) {
                b.source(InetAddress.ofLiteral(src)).destination(InetAddress.ofLiteral(dst));
            }
            return b.build();
        }
    }

    static FuzzWorld generated() {
        SoftwareDriver driver = new SoftwareDriver();
        Spec gcm4 = Spec.of(0x2000_0001, EncryptionAlgorithm.AES_GCM_16, 20, IntegrityAlgorithm.NONE, false,
                Mode.TUNNEL, false, false);
        Spec gcm6Natt = Spec.of(0x2000_0002, EncryptionAlgorithm.AES_GCM_16, 36, IntegrityAlgorithm.NONE, false,
                Mode.TUNNEL, true, true);
        Spec cbcEsn = Spec.of(0x2000_0003, EncryptionAlgorithm.AES_CBC, 16, IntegrityAlgorithm.HMAC_SHA256_128, true,
                Mode.TUNNEL, false, true).esnAcross();
        Spec chachaTransport = Spec.of(0x2000_0004, EncryptionAlgorithm.CHACHA20_POLY1305, 36,
                IntegrityAlgorithm.NONE, false, Mode.TRANSPORT, false, true).receiverInfersMode();
        Spec gcmTransport6 = Spec.of(0x2000_0005, EncryptionAlgorithm.AES_GCM_12, 28, IntegrityAlgorithm.NONE, false,
                Mode.TRANSPORT, true, false);
        Spec nullTunnel = Spec.of(0x2000_0006, EncryptionAlgorithm.NULL, 0, IntegrityAlgorithm.HMAC_SHA256_128,
                false, Mode.TUNNEL, false, false);
        Spec cbcNoAuth = Spec.of(0x2000_0007, EncryptionAlgorithm.AES_CBC, 16, IntegrityAlgorithm.NONE, false,
                Mode.TUNNEL, false, false);
        Spec tripleDes = Spec.of(0x2000_0008, EncryptionAlgorithm.TRIPLE_DES_CBC, 24, IntegrityAlgorithm.HMAC_MD5_96,
                false, Mode.TUNNEL, false, false);
        Spec gmac6 = Spec.of(0x2000_0009, EncryptionAlgorithm.AES_GMAC, 20, IntegrityAlgorithm.NONE, false,
                Mode.TUNNEL, true, false);
        Spec nullTransport = Spec.of(0x2000_000A, EncryptionAlgorithm.NULL, 0, IntegrityAlgorithm.HMAC_SHA256_128,
                false, Mode.TRANSPORT, false, false).receiverInfersMode();
        List<Spec> specs = List.of(gcm4, gcm6Natt, cbcEsn, chachaTransport, gcmTransport6, nullTunnel, cbcNoAuth,
                tripleDes, gmac6, nullTransport);

        List<Receiver> receivers = new ArrayList<>();
        for (Spec s : specs) {
            receivers.add(new Receiver(s.params(), s::receiver));
        }
        SecurityAssociation[] tx = new SecurityAssociation[specs.size()];
        for (int i = 0; i < tx.length; i++) {
            tx[i] = specs.get(i).sender(driver);
        }
        SecurityAssociation sGcm4 = tx[0];
        SecurityAssociation sGcm6Natt = tx[1];
        SecurityAssociation sCbcEsn = tx[2];
        SecurityAssociation sChacha = tx[3];
        SecurityAssociation sGcmT6 = tx[4];
        SecurityAssociation sNull = tx[5];
        SecurityAssociation sNoAuth = tx[6];
        SecurityAssociation s3des = tx[7];
        SecurityAssociation sGmac6 = tx[8];
        SecurityAssociation sNullT = tx[9];

        byte[] in4 = FuzzFrames.udp4(IN4_SRC, IN4_DST, 40000, PORT4, FuzzFrames.payload(1, 64));
        byte[] in6 = FuzzFrames.udp6(IN6_SRC, IN6_DST, 40001, PORT6, FuzzFrames.payload(2, 100));
        byte[] big4 = FuzzFrames.udp4(IN4_SRC, IN4_DST, 40002, PORT4, FuzzFrames.payload(3, 1400));
        byte[] tr4 = FuzzFrames.udp4(Ipv4Descriptor.address(198, 51, 100, 1), Ipv4Descriptor.address(198, 51, 100, 2),
                40003, PORT_TRANSPORT, FuzzFrames.payload(4, 33));
        byte[] tr6 = FuzzFrames.udp6(FuzzFrames.v6(OUT6_SRC), FuzzFrames.v6(OUT6_DST), 40004, PORT_TRANSPORT,
                FuzzFrames.payload(5, 17));
        byte[] empty6 = FuzzFrames.udp6(IN6_SRC, IN6_DST, 40005, PORT6, new byte[0]);
        byte[] mid4 = FuzzFrames.udp4(IN4_SRC, IN4_DST, 40006, PORT4, FuzzFrames.payload(6, 600));
        byte[] in4b = FuzzFrames.udp4(IN4_SRC, IN4_DST, 40007, PORT4, FuzzFrames.payload(7, 200));
        int[] none = {};

        List<Seed> seeds = new ArrayList<>();
        seeds.add(new Plan("gcm tunnel v4", in4, List.of(sGcm4), none, none, Link.ETHERNET, null,
                Expect.toDeliver(1)));
        seeds.add(new Plan("gcm tunnel v6-in-v6 nat-t", in6, List.of(sGcm6Natt), none, none, Link.LINUX_SLL2, null,
                Expect.toDeliver(1)));
        seeds.add(new Plan("cbc-sha256 esn across 2^32 nat-t vlan", in4b, List.of(sCbcEsn), none, none,
                Link.ETHERNET_VLAN, null, Expect.toDeliver(1)));
        seeds.add(new Plan("chacha transport v4 nat-t, mode inferred", tr4, List.of(sChacha), none, none,
                Link.NULL_LITTLE_ENDIAN, null, Expect.toDeliver(1)));
        seeds.add(new Plan("gcm-12 transport v6", tr6, List.of(sGcmT6), none, none, Link.RAW, null,
                Expect.toDeliver(1)));
        seeds.add(new Plan("null-sha256 tunnel v4 (resealed)", in4, List.of(sNull), none, none, Link.LINUX_SLL,
                keyOf(nullTunnel),
                Expect.toDeliver(1)));
        seeds.add(new Plan("null-sha256 tunnel v6-in-v4 (resealed)", in6, List.of(sNull), none, none, Link.LOOP,
                keyOf(nullTunnel), Expect.toDeliver(1)));
        seeds.add(new Plan("null-sha256 transport v4 (resealed)", tr4, List.of(sNullT), none, none,
                Link.ETHERNET_QINQ, keyOf(nullTransport), Expect.toDeliver(1)));
        seeds.add(new Plan("aes-cbc encryption only", in4, List.of(sNoAuth), none, none, Link.ETHERNET, null,
                Expect.toDeliver(1)));
        seeds.add(new Plan("gmac tunnel v6, empty payload", empty6, List.of(sGmac6), none, none, Link.BARE_IP, null,
                Expect.toDeliver(1)));
        seeds.add(new Plan("nested: gcm inside 3des-md5", in4, List.of(sGcm4, s3des), none, none, Link.ETHERNET,
                null, Expect.toDeliver(1)));
        seeds.add(new Plan("nested: gcm inside null inside cbc-esn", in4, List.of(sGcm4, sNull, sCbcEsn), none, none,
                Link.ETHERNET, null, Expect.toDeliver(1)));
        seeds.add(new Plan("nested five deep", in4, List.of(sGcm4, sGcm4, s3des, sGcm4, s3des), none, none,
                Link.ETHERNET, null, Expect.toDrop(DropReason.NESTING_TOO_DEEP)));
        seeds.add(new Plan("gcm tunnel, ESP fragmented on the wire", big4, List.of(sGcm4), none,
                new int[]{512, 1024}, Link.LOOP, null, Expect.toDeliver(1)));
        seeds.add(new Plan("3des tunnel nat-t-less, ESP fragmented in two", mid4, List.of(s3des), none,
                new int[]{304}, Link.ETHERNET, null, Expect.toDeliver(1)));
        seeds.add(new Plan(INNER_FRAGMENTS, mid4, List.of(sGcm4),
                new int[]{296}, none, Link.ETHERNET, null, Expect.toDeliver(1)));

        // a cleartext fragment that claims to be the second half of that inner datagram, other bytes
        byte[] spoof = FuzzFrames.fragment(mid4, 296).get(1);
        Arrays.fill(spoof, 20, spoof.length, (byte) 0xEE);
        FuzzFrames.fixIpv4Checksum(spoof, 0);
        seeds.add(fixed(SPOOFED_INNER_FRAGMENT, spoof, Link.ETHERNET, Expect.toDrop(DropReason.FRAGMENT_INCOMPLETE)));

        // cleartext: IKE, keepalive, the non-ESP marker, unprotected UDP, another protocol
        int o4s = Ipv4Descriptor.parse(OUT4_SRC);
        int o4d = Ipv4Descriptor.parse(OUT4_DST);
        seeds.add(fixed("ike on 500", FuzzFrames.udp4(o4s, o4d, 500, 500, FuzzFrames.payload(8, 60)), Link.ETHERNET,
                Expect.toPassUp()));
        byte[] marker = new byte[40];
        System.arraycopy(FuzzFrames.payload(9, 36), 0, marker, 4, 36);
        seeds.add(fixed("ike on 4500 (non-ESP marker)", FuzzFrames.udp4(o4s, o4d, 4500, 4500, marker),
                Link.ETHERNET, Expect.toPassUp()));
        seeds.add(fixed("nat-t keepalive", FuzzFrames.udp4(o4s, o4d, 4500, 4500, new byte[]{(byte) 0xFF}),
                Link.ETHERNET, Expect.toDrop(DropReason.NATT_KEEPALIVE)));
        seeds.add(fixed("cleartext udp to the user's port", FuzzFrames.udp4(o4s, o4d, 1234, PORT4,
                FuzzFrames.payload(10, 20)), Link.ETHERNET, Expect.toDrop(DropReason.UNPROTECTED)));
        seeds.add(fixed("tcp", FuzzFrames.ipv4(o4s, o4d, IpProtocol.TCP, 7, 0, new byte[20]), Link.RAW,
                Expect.toDrop(DropReason.IP_UNSUPPORTED_PROTOCOL)));

        // the benchmark's own traffic: valid frames of both SPIs, a corrupted ICV, the malformed set
        TrafficSet set = TrafficSet.build(Workload.defaults().withFlows(1, 1));
        try (TrafficSet.Receiver rx = set.receiver(driver, 1024)) {
            for (SecurityAssociation sa : rx.sas().all()) {
                SessionParams params = sa.session().params();
                int spi = sa.spi();
                InetAddress src = sa.source();
                InetAddress dst = sa.destination();
                Mode mode = sa.mode();
                receivers.add(new Receiver(params, session -> SecurityAssociation.builder(spi, session)
                        .source(src).destination(dst).mode(mode).random(new Random(spi)).build()));
            }
        }
        List<FrameTemplate> all = set.allTemplates();
        int k = set.perSpi();
        int[] valid = {0, 1, 2, k, k + 1};
        for (int i : valid) {
            seeds.add(template("traffic set #" + i, all.get(i), Expect.toDeliver(1)));
        }
        FrameTemplate corrupted = all.get(set.templateCount());
        seeds.add(template("traffic set corrupted icv", corrupted, Expect.toDrop(DropReason.INTEGRITY)));
        // The key holder sealed that packet before TrafficSet flipped the last ICV bit, so its payload is
        // a sealed one: a mutation that flips the bit back delivers it rightly. Learn it as such.
        byte[] repaired = corrupted.bytes().clone();
        repaired[repaired.length - 1] ^= 0x01;
        seeds.add(template("traffic set corrupted icv, repaired", new FrameTemplate(repaired, corrupted.flowHash(),
                corrupted.tag(), corrupted.linkType()), Expect.toDeliver(1)));
        List<DropReason> why = set.malformedReasons();
        for (int m = 0; m < why.size(); m++) {
            seeds.add(template("traffic set malformed -> " + why.get(m), all.get(all.size() - why.size() + m),
                    Expect.toDrop(why.get(m))));
        }
        return new FuzzWorld("generated", receivers, seeds, new int[]{PORT4, PORT6, PORT_TRANSPORT}, new Sealer());
    }

    private static byte[] keyOf(Spec s) {
        return s.params().integrityKey();
    }

    private static Fixed fixed(String label, byte[] ip, Link link, Expect expect) {
        return new Fixed(label, List.of(FuzzFrames.wrap(link, ip, 0)), expect);
    }

    private static Fixed template(String label, FrameTemplate t, Expect expect) {
        int ip = FuzzFrames.ipOffset(t.linkType(), t.bytes());
        return new Fixed(label, List.of(new Frame(t.linkType(), t.bytes(), Math.max(0, ip))), expect);
    }

    // ---- the capture worlds ----------------------------------------------------------------------

    private static final String[] CAPTURES = {
            "captures/openswan-klips/02-sunrise-sunset-esp", "captures/openswan-klips/02-east-west-transport",
            "captures/openswan-klips/08-east-west-esp-ipcomp", "captures/openswan-klips/08-sunrise-sunset-aes",
            "captures/openswan-klips/08-sunrise-sunset-aes128", "captures/openswan-klips/08-sunrise-sunset-esp-noauth",
            "captures/openswan-klips/08-sunrise-sunset-udpesp-ping", "captures/openswan-klips/espfrags1",
            "captures/tcpdump/espudp1", "captures/openswan-klips/08-sunrise-sunset-esp-double",
            "captures/openswan-klips/08-sunrise-sunset-esp-sha1"};
    private static final String[] LINK_SAMPLES = {"ethernet-vlan", "ipv6-ethernet", "linux-sll", "linux-sll2",
            "null", "loop", "raw", "ipv4", "ipv6"};

    /**
     * The capture worlds: every capture with its SAs, packed greedily into as few worlds as their SAs
     * allow (an SPI with the same addresses and the same keys is shared; with other keys it needs
     * another world). The link-type samples (whose IPv4 frame is sunrise-sunset's) join the first.
     */
    static List<FuzzWorld> captures() {
        List<List<SaConfig>> worldSas = new ArrayList<>();
        List<List<Seed>> worldSeeds = new ArrayList<>();
        for (String c : CAPTURES) {
            List<SaConfig> sas = readSas(c + ".esp_sa");
            int w = 0;
            while (w < worldSas.size() && !compatible(worldSas.get(w), sas)) {
                w++;
            }
            if (w == worldSas.size()) {
                worldSas.add(new ArrayList<>());
                worldSeeds.add(new ArrayList<>());
            }
            for (SaConfig s : sas) {
                if (worldSas.get(w).stream().noneMatch(o -> sameSa(o, s))) {
                    worldSas.get(w).add(s);
                }
            }
            worldSeeds.get(w).addAll(seedsOf(c, readFrames(c + ".pcap"), Expect.toDecrypt()));
        }
        for (String s : LINK_SAMPLES) {
            worldSeeds.get(0).addAll(seedsOf("proto/" + s, readFrames("proto/" + s + ".pcap"), Expect.anything()));
        }
        List<FuzzWorld> out = new ArrayList<>();
        for (int w = 0; w < worldSas.size(); w++) {
            List<Receiver> receivers = new ArrayList<>();
            for (SaConfig s : worldSas.get(w)) {
                receivers.add(new Receiver(s.params(), session -> SecurityAssociation.builder(s.spi(), session)
                        .source(s.source()).destination(s.destination()).mode(s.mode())
                        .replayWindow(s.replayWindow()).inboundHighestSequence(s.inboundHighestSequence())
                        .random(new Random(s.spi())).build()));
            }
            out.add(new FuzzWorld("captures-" + (w + 1), receivers, worldSeeds.get(w), new int[]{PORT4},
                    new Sealer()));
        }
        return out;
    }

    private static boolean compatible(List<SaConfig> have, List<SaConfig> add) {
        for (SaConfig a : add) {
            for (SaConfig h : have) {
                if (a.spi() == h.spi() && Objects.equals(a.destination(), h.destination())
                        && Objects.equals(a.source(), h.source()) && !a.params().equals(h.params())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameSa(SaConfig a, SaConfig b) {
        return a.spi() == b.spi() && Objects.equals(a.destination(), b.destination())
                && Objects.equals(a.source(), b.source());
    }

    /** One seed per frame, except that consecutive IPv4 fragments of one datagram make one seed. */
    private static List<Seed> seedsOf(String name, List<Frame> frames, Expect expect) {
        List<Seed> out = new ArrayList<>();
        List<Frame> group = new ArrayList<>();
        long groupKey = -1;
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            long key = fragmentKey(f);
            if (key == -1 || key != groupKey) {
                if (!group.isEmpty()) {
                    out.add(new Fixed(name + " #" + (i - group.size() + 1) + (group.size() > 1 ? "-" + i : ""),
                            List.copyOf(group), expect));
                    group.clear();
                }
            }
            group.add(f);
            groupKey = key;
        }
        if (!group.isEmpty()) {
            out.add(new Fixed(name + " #" + (frames.size() - group.size() + 1), List.copyOf(group), expect));
        }
        return out;
    }

    /** @return source, destination and identification of an IPv4 fragment, or -1 */
    private static long fragmentKey(Frame f) {
        Layout l = Layout.of(f);
        byte[] b = f.bytes();
        if (l.version() != 4 || l.ipHeaderEnd() < 0 || !Ipv4Descriptor.isFragment(b, l.ip())) {
            return -1;
        }
        return ((long) Ipv4Descriptor.source(b, l.ip()) * 31 + Ipv4Descriptor.destination(b, l.ip())) * 65537
                + Ipv4Descriptor.identification(b, l.ip()) & Long.MAX_VALUE;
    }

    private static Path resource(String relative) {
        URL u = FuzzWorld.class.getResource("/" + relative);
        if (u == null) {
            throw new IllegalStateException("no test resource " + relative);
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<SaConfig> readSas(String relative) {
        try {
            return SaConfigReader.read(resource(relative));
        } catch (dev.dispatchlab.esp.SaConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Frame> readFrames(String relative) {
        List<Frame> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(resource(relative))) {
            PacketBuffer p = PacketBuffer.unpooled(70_000, 64);
            for (int n; (n = r.read(p)) != CaptureReader.END; ) {
                if (n >= 0) {
                    byte[] bytes = p.toArray();
                    int ip = FuzzFrames.ipOffset(r.linkType(), bytes);
                    out.add(new Frame(r.linkType(), bytes, Math.max(0, ip)));
                }
                p.setRange(64, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
