package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.esp.EspOutput;
import dev.dispatchlab.esp.Mode;
import dev.dispatchlab.esp.ReplayWindow;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.EthernetDescriptor;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.LinkType;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.workload.CipherSuite;

import java.util.Random;

import static dev.dispatchlab.proto.Ipv4Descriptor.inetAddress;

/**
 * A ring of real ESP frames for the inbound benchmarks, sealed once in setup by the {@code esp}
 * package's own outbound path, and the inbound SA that opens them.
 *
 * <pre>
 *  frame i:  | Ethernet | outer IPv4 (ESP) | SPI | seq = i+1 | IV | inner IPv4 | UDP | payload | pad pl nh | ICV |
 *            ^ethAt      ^netAt             ^espAt                 \________ encrypted ________/
 * </pre>
 *
 * Every frame carries its own sequence number (1..count), so one pass over the ring is new to the
 * anti-replay window; {@link #rearm()} re-arms the window before the next pass (what installing a
 * rekeyed SA amounts to, as {@code workload.TrafficSet} does on the synthetic wire). Each frame is
 * one unpooled buffer that the benchmark owns for the whole run: decryption is out of place, so
 * after a pass through ESP input the ciphertext is untouched in the buffer's spare array and
 * {@link #restoreEsp} / {@link #restoreFrame} bring a frame back with one array swap and a few field
 * stores, never a copy.
 *
 * <p>Threading: confined to the benchmark thread.
 */
final class EspRing {

    static final int SPI = 0x0100_0002;
    static final int INNER_PORT = 5001;
    private static final int HEADROOM = 128;
    private static final int TAILROOM = 64;
    private static final long MAC_DST = 0x02_00_00_00_00_01L;
    private static final long MAC_SRC = 0x02_00_00_00_00_02L;
    private static final int OUTER_SRC = Ipv4Descriptor.address(192, 0, 2, 1);
    private static final int OUTER_DST = Ipv4Descriptor.address(198, 51, 100, 1);
    private static final int INNER_SRC = Ipv4Descriptor.address(10, 1, 0, 1);
    private static final int INNER_DST = Ipv4Descriptor.address(10, 2, 0, 1);

    final SessionParams params;
    final SaDatabase sas = new SaDatabase();
    final SecurityAssociation inbound;
    private final PacketBuffer[] frames;
    private final byte[][] ciphertext;
    final int ethAt;
    final int frameLength;
    final int netAt;
    final int espAt;
    final int espLength;
    /** Absolute index of the first encrypted byte (after SPI, sequence number and IV). */
    final int payloadAt;
    /** Bytes encrypted: inner packet, padding, pad length and next header. */
    final int payloadLength;
    final int icvAt;

    private EspRing(SessionParams params, PacketBuffer[] frames) {
        this.params = params;
        this.frames = frames;
        this.ciphertext = new byte[frames.length][];
        PacketBuffer f = frames[0];
        this.ethAt = f.offset();
        this.frameLength = f.length();
        this.netAt = ethAt + EthernetDescriptor.HEADER_LENGTH;
        this.espAt = netAt + Ipv4Descriptor.MIN_HEADER_LENGTH;
        this.espLength = frameLength - (espAt - ethAt);
        int ivLength = params.encryption().ivLength();
        int icvLength = params.icvLength();
        this.payloadAt = espAt + 8 + ivLength;
        this.icvAt = ethAt + frameLength - icvLength;
        this.payloadLength = icvAt - payloadAt;
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].offset() != ethAt || frames[i].length() != frameLength) {
                throw new IllegalStateException("frames of one ring differ in layout: " + frames[i] + " vs " + f);
            }
            ciphertext[i] = frames[i].data();
            frames[i].linkType(LinkType.ETHERNET.code());
        }
        CryptoDriver driver = new SoftwareDriver();
        this.inbound = SecurityAssociation.builder(SPI, driver.newSession(params))
                .source(inetAddress(OUTER_SRC)).destination(inetAddress(OUTER_DST)).mode(Mode.TUNNEL)
                .replayWindow(ReplayWindow.DEFAULT_SIZE).random(new Random(1)).build();
        sas.add(inbound);
    }

    /**
     * Seals {@code count} frames whose inner UDP datagram carries {@code payload} bytes, with keys
     * drawn from {@code seed}; sequence numbers 1..count in ring order.
     */
    static EspRing build(CipherSuite suite, int payload, int count, long seed) {
        SessionParams params = params(suite, seed);
        PacketBuffer[] out = new PacketBuffer[1];
        EspOutput esp = new EspOutput((c, p) -> out[0] = p);
        PacketBuffer[] frames = new PacketBuffer[count];
        int inner = Ipv4Descriptor.MIN_HEADER_LENGTH + UdpDescriptor.HEADER_LENGTH + payload;
        int capacity = HEADROOM + inner + TAILROOM;
        try (StageContext ctx = new StageContext("esp-ring-builder", Clock.SYSTEM);
             SecurityAssociation tx = SecurityAssociation.builder(SPI, new SoftwareDriver().newSession(params))
                     .source(inetAddress(OUTER_SRC)).destination(inetAddress(OUTER_DST)).mode(Mode.TUNNEL)
                     .random(new Random(seed)).build()) {
            for (int i = 0; i < count; i++) {
                PacketBuffer b = PacketBuffer.unpooled(capacity, HEADROOM);
                int at = b.append(inner);
                byte[] d = b.data();
                Ipv4Descriptor.write(d, at, 0, inner, i & 0xFFFF, 0, Ipv4Descriptor.DEFAULT_TTL, IpProtocol.UDP,
                        INNER_SRC, INNER_DST);
                int udp = at + Ipv4Descriptor.MIN_HEADER_LENGTH;
                UdpDescriptor.write(d, udp, 1024, INNER_PORT, UdpDescriptor.HEADER_LENGTH + payload, 0);
                for (int j = 0; j < payload; j++) {
                    d[udp + UdpDescriptor.HEADER_LENGTH + j] = (byte) (j * 7 + i);
                }
                UdpDescriptor.fillChecksumIpv4(d, udp, INNER_SRC, INNER_DST);
                out[0] = null;
                EspOutput.Status s = esp.encapsulate(ctx, b, tx);
                if (s != EspOutput.Status.SUBMITTED || out[0] != b) {
                    throw new IllegalStateException("could not seal bench frame " + i + ": " + s);
                }
                EthernetDescriptor.prepend(b, MAC_DST, MAC_SRC, EthernetDescriptor.TYPE_IPV4);
                frames[i] = b;
            }
        }
        return new EspRing(params, frames);
    }

    /** Keys drawn from {@code seed}: cipher key then salt for the combined modes, HMAC key for CBC. */
    static SessionParams params(CipherSuite suite, long seed) {
        Random r = new Random(seed);
        byte[] ek = new byte[suite.keyBytes() + suite.encryption().saltLength()];
        r.nextBytes(ek);
        byte[] ik = null;
        if (suite.integrity().keyLength() > 0) {
            ik = new byte[suite.integrity().keyLength()];
            r.nextBytes(ik);
        }
        return new SessionParams(suite.encryption(), ek, suite.integrity(), ik, false);
    }

    int size() {
        return frames.length;
    }

    PacketBuffer frame(int i) {
        return frames[i];
    }

    /** The array frame {@code i} was sealed in: its ciphertext, whatever input did to the buffer since. */
    byte[] ciphertext(int i) {
        return ciphertext[i];
    }

    /** Re-arms the inbound window: sequence numbers 1..count are new again. */
    void rearm() {
        inbound.replayWindow().reset();
    }

    /** The frame the benchmark thread took last; the ring's length is a power of two. */
    private int next = -1;

    /** Starts the next pass at frame 0 (with {@link #nextArmed}, on a re-armed window). Trial setup. */
    void rewind() {
        next = frames.length - 1;
    }

    /** @return the next frame's index, round the ring */
    int nextIndex() {
        int i = (next + 1) & (frames.length - 1);
        next = i;
        return i;
    }

    /** @return the next frame's index, with the window re-armed when the ring starts a new pass */
    int nextArmed() {
        int i = nextIndex();
        if (i == 0) {
            rearm();
        }
        return i;
    }

    /** Frame {@code i} as ip_input hands it to ESP input: offset at the SPI, network offset at the outer header. */
    void restoreEsp(int i) {
        PacketBuffer p = frames[i];
        if (p.data() != ciphertext[i]) {
            p.swapSpare();
        }
        p.setRange(espAt, espLength);
        p.networkOffset(netAt);
        p.depth = 0;
    }

    /** Frame {@code i} as the NIC hands it over: offset at the Ethernet header, nothing decoded. */
    void restoreFrame(int i) {
        PacketBuffer p = frames[i];
        if (p.data() != ciphertext[i]) {
            p.swapSpare();
        }
        p.setRange(ethAt, frameLength);
        p.depth = 0;
    }

}
