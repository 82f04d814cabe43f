package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A minimal stack around {@link EspInput} and {@link EspOutput} for tests: a packet pool, one stage
 * context, the software driver, an SA database, and sinks that copy what comes out. {@link #close()}
 * checks that no buffer leaked.
 */
final class EspHarness implements AutoCloseable {

    static final SoftwareDriver DRIVER = new SoftwareDriver();
    static final int BUFFER_SIZE = 16384;
    static final int HEADROOM = 256;

    /** What one inbound packet became: a plain IP packet (and the bytes after it), or a drop. */
    record Decap(byte[] packet, byte[] after, int depth, DropReason drop) {
        boolean delivered() {
            return packet != null;
        }
    }

    final PacketPool pool = new PacketPool("esp-test", 16, BUFFER_SIZE, HEADROOM);
    final StageContext ctx = new StageContext("esp-test", new ManualClock());
    final SaDatabase sas = new SaDatabase();
    private byte[] lastDelivered;
    private byte[] lastAfter;
    private int lastDepth;
    private byte[] lastSealed;
    /** Why the last {@link #seal} returned null: the refusal, or the crypto drop reason. */
    EspOutput.Status lastRefusal;
    DropReason lastCryptoDrop;
    /** Sink for decapsulated packets; tests may replace it (nested ESP). */
    EspInput.Sink inputSink = (c, p) -> {
        lastDelivered = p.toArray();
        int n = Math.min(258, p.capacity() - p.end());
        lastAfter = Arrays.copyOfRange(p.data(), p.end(), p.end() + n);
        lastDepth = p.depth;
        p.release();
    };
    final EspInput input = new EspInput(sas, (c, p) -> inputSink.decapsulated(c, p));
    final EspOutput output = new EspOutput((c, p) -> {
        lastSealed = p.toArray();
        p.release();
    });

    /** Encapsulates {@code ip} under {@code sa}; @return the sealed packet, or null if it was refused */
    byte[] seal(SecurityAssociation sa, byte[] ip) {
        return seal(sa, ip, null);
    }

    byte[] seal(SecurityAssociation sa, byte[] ip, byte[] iv) {
        lastSealed = null;
        PacketBuffer p = packet(ip);
        long[] before = drops();
        EspOutput.Status s = iv == null ? output.encapsulate(ctx, p, sa)
                : output.encapsulateWithIv(ctx, p, sa, iv, CompletionTarget.INLINE);
        if (s != EspOutput.Status.SUBMITTED) {
            lastRefusal = s;
            return null;
        }
        if (lastSealed == null) {
            lastRefusal = null;
            lastCryptoDrop = changedReason(before);
        }
        return lastSealed;
    }


    /**
     * Runs a wire packet (outer IP header, optional UDP 4500, ESP) through input, as ip_input would
     * hand it over: network offset at the IP header, the UDP header stripped.
     */
    Decap open(byte[] wire) {
        PacketBuffer p = packet(wire);
        int hdr = outerHeaderLength(wire);
        p.networkOffset(p.offset());
        p.trimHead(hdr);
        return run(p);
    }

    /** Runs a buffer already prepared by the caller through input. */
    Decap run(PacketBuffer p) {
        lastDelivered = null;
        lastAfter = null;
        long[] before = drops();
        input.input(ctx, p);
        if (lastDelivered != null) {
            return new Decap(lastDelivered, lastAfter, lastDepth, null);
        }
        return new Decap(null, null, 0, changedReason(before));
    }

    /** @return the IP header length, plus 8 when the packet is UDP (NAT-T) */
    static int outerHeaderLength(byte[] wire) {
        int v = (wire[0] >>> 4) & 0xF;
        if (v == 4) {
            int ihl = (wire[0] & 0xF) * 4;
            return wire[9] == EspDescriptor.PROTO_UDP ? ihl + 8 : ihl;
        }
        return wire[6] == EspDescriptor.PROTO_UDP ? 48 : 40;
    }

    PacketBuffer packet(byte[] bytes) {
        PacketBuffer p = pool.acquire();
        assertThat(p).as("pool has a free buffer").isNotNull();
        p.append(bytes, 0, bytes.length);
        return p;
    }

    long[] drops() {
        long[] d = new long[DropReason.count()];
        for (DropReason r : DropReason.values()) {
            d[r.ordinal()] = ctx.counters().get(r);
        }
        return d;
    }

    DropReason changedReason(long[] before) {
        DropReason found = null;
        for (DropReason r : DropReason.values()) {
            long delta = ctx.counters().get(r) - before[r.ordinal()];
            if (delta != 0) {
                assertThat(found).as("one packet, one drop reason").isNull();
                assertThat(delta).isEqualTo(1);
                found = r;
            }
        }
        assertThat(found).as("a packet that is not delivered is dropped with a reason").isNotNull();
        return found;
    }

    @Override
    public void close() {
        ctx.close();
        sas.closeAll();
        assertThat(pool.outstanding()).as("buffers leaked: " + pool.leaked()).isZero();
    }

    // ---- packets and SAs ------------------------------------------------------------------------------

    static byte[] ipv4(int protocol, byte[] payload, String src, String dst) {
        byte[] b = new byte[20 + payload.length];
        b[0] = 0x45;
        Bytes.put16(b, 2, b.length);
        Bytes.put16(b, 4, 0x1234);
        b[8] = 64;
        b[9] = (byte) protocol;
        System.arraycopy(addr(src), 0, b, 12, 4);
        System.arraycopy(addr(dst), 0, b, 16, 4);
        System.arraycopy(payload, 0, b, 20, payload.length);
        IpHeaders.ipv4Checksum(b, 0, 20);
        return b;
    }

    static byte[] ipv6(int nextHeader, byte[] payload, String src, String dst) {
        byte[] b = new byte[40 + payload.length];
        Bytes.put32(b, 0, 0x6000_0000 | (0x2E << 20) | 0x12345);
        Bytes.put16(b, 4, payload.length);
        b[6] = (byte) nextHeader;
        b[7] = 64;
        System.arraycopy(addr(src), 0, b, 8, 16);
        System.arraycopy(addr(dst), 0, b, 24, 16);
        System.arraycopy(payload, 0, b, 40, payload.length);
        return b;
    }

    static byte[] addr(String s) {
        return InetAddress.ofLiteral(s).getAddress();
    }

    /** One algorithm combination with generated keys. */
    record Suite(EncryptionAlgorithm enc, int encKeyLength, IntegrityAlgorithm integ) {
        boolean hasIntegrity() {
            return enc.isAead() || integ != IntegrityAlgorithm.NONE;
        }

        SessionParams params(long seed, boolean esn) {
            Random r = new Random(seed);
            byte[] ek = new byte[encKeyLength];
            r.nextBytes(ek);
            byte[] ik = null;
            if (integ != IntegrityAlgorithm.NONE) {
                ik = new byte[integ.keyLength()];
                r.nextBytes(ik);
            }
            return new SessionParams(enc, ek, integ, ik, esn);
        }

        @Override
        public String toString() {
            return enc.label() + "/" + (encKeyLength - enc.saltLength()) * 8 + "+" + integ.label();
        }
    }

    /** Every combination the datapath supports, one key length each (GCM in all three). */
    static final Suite[] SUITES = {
            new Suite(EncryptionAlgorithm.AES_GCM_16, 20, IntegrityAlgorithm.NONE),
            new Suite(EncryptionAlgorithm.AES_GCM_16, 36, IntegrityAlgorithm.NONE),
            new Suite(EncryptionAlgorithm.AES_GCM_12, 28, IntegrityAlgorithm.NONE),
            new Suite(EncryptionAlgorithm.AES_GCM_8, 20, IntegrityAlgorithm.NONE),
            new Suite(EncryptionAlgorithm.AES_GMAC, 20, IntegrityAlgorithm.NONE),
            new Suite(EncryptionAlgorithm.CHACHA20_POLY1305, 36, IntegrityAlgorithm.NONE),
            new Suite(EncryptionAlgorithm.AES_CBC, 16, IntegrityAlgorithm.HMAC_SHA1_96),
            new Suite(EncryptionAlgorithm.AES_CBC, 32, IntegrityAlgorithm.HMAC_SHA256_128),
            new Suite(EncryptionAlgorithm.AES_CBC, 24, IntegrityAlgorithm.HMAC_SHA384_192),
            new Suite(EncryptionAlgorithm.AES_CBC, 32, IntegrityAlgorithm.HMAC_SHA512_256),
            new Suite(EncryptionAlgorithm.AES_CBC, 16, IntegrityAlgorithm.HMAC_MD5_96),
            new Suite(EncryptionAlgorithm.TRIPLE_DES_CBC, 24, IntegrityAlgorithm.HMAC_SHA1_96),
            new Suite(EncryptionAlgorithm.TRIPLE_DES_CBC, 24, IntegrityAlgorithm.HMAC_MD5_96),
            new Suite(EncryptionAlgorithm.NULL, 0, IntegrityAlgorithm.HMAC_SHA256_128),
            new Suite(EncryptionAlgorithm.AES_CBC, 16, IntegrityAlgorithm.NONE),
            new Suite(EncryptionAlgorithm.TRIPLE_DES_CBC, 24, IntegrityAlgorithm.NONE),
    };

    /**
     * Builds an SA. In tunnel mode its endpoints (and so the outer header) are of family
     * {@code outerV6 ? 6 : 4}; in transport mode it has wildcard addresses (the packet's own are used).
     */
    static SecurityAssociation sa(int spi, SessionParams params, Mode mode, boolean outerV6, boolean natt,
                                  long outboundNext, long inboundTop) {
        SecurityAssociation.Builder b = SecurityAssociation.builder(spi, new CryptoSession(params, DRIVER))
                .mode(mode)
                .outboundSequence(outboundNext)
                .inboundHighestSequence(inboundTop)
                .random(new Random(spi));
        if (mode == Mode.TUNNEL) {
            b.source(InetAddress.ofLiteral(outerV6 ? "2001:db8::1" : "198.51.100.1"))
                    .destination(InetAddress.ofLiteral(outerV6 ? "2001:db8::2" : "198.51.100.2"));
        }
        if (natt) {
            b.natTraversal(4500, 4500);
        }
        return b.build();
    }
}
