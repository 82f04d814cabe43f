package dev.dispatchlab.ipcomp;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.InternetChecksum;
import dev.dispatchlab.proto.IpInput;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.Ipv6Descriptor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IpcompInput: DEFLATE payloads come back as the packet that was compressed (tunnel: the inner
 * packet; transport: the header rebuilt with IPComp's next header, IPv4 options and IPv6 extension
 * headers kept), anything else is one named drop, and no buffer is left out.
 */
class IpcompInputTest {

    private static final int SRC = Ipv4Descriptor.address(10, 0, 0, 1);
    private static final int DST = Ipv4Descriptor.address(10, 0, 0, 2);
    private static final int DEPTH_LIMIT = 4;

    private final PacketPool pool = new PacketPool("ipcomp-test", 4, 128 + 66_000, 128);
    private final StageContext ctx = new StageContext("ipcomp-test", new ManualClock());
    private final List<byte[]> delivered = new ArrayList<>();
    private final List<Integer> depths = new ArrayList<>();
    private final IpcompInput ipcomp = new IpcompInput((c, p) -> {
        delivered.add(Arrays.copyOfRange(p.data(), p.offset(), p.end()));
        depths.add(p.depth);
        assertThat(p.networkOffset()).isEqualTo(p.offset());
        p.release();
    }, DEPTH_LIMIT);

    @AfterEach
    void close() {
        ipcomp.close();
        ctx.close();
    }

    // ---- packets -------------------------------------------------------------------------------

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    static byte[] ipcompPayload(int nextHeader, int cpi, byte[] compressed) {
        byte[] b = new byte[4 + compressed.length];
        b[0] = (byte) nextHeader;
        Bytes.put16(b, 2, cpi);
        System.arraycopy(compressed, 0, b, 4, compressed.length);
        return b;
    }

    /** An IPv4 packet (options, if any, written after the fixed header) with {@code payload} under {@code protocol}. */
    static byte[] ipv4(int protocol, byte[] options, byte[] payload) {
        int hl = 20 + options.length;
        byte[] b = new byte[hl + payload.length];
        Ipv4Descriptor.write(b, 0, 0, b.length, 0x1234, 0, 64, protocol, SRC, DST);
        b[0] = (byte) (0x40 | hl / 4);
        System.arraycopy(options, 0, b, 20, options.length);
        System.arraycopy(payload, 0, b, hl, payload.length);
        Ipv4Descriptor.updateChecksum(b, 0);
        return b;
    }

    static byte[] udp(int length) {
        byte[] b = new byte[8 + length];
        Bytes.put16(b, 0, 1000);
        Bytes.put16(b, 2, 2000);
        Bytes.put16(b, 4, b.length);
        for (int i = 8; i < b.length; i++) {
            b[i] = (byte) ("compress me ".charAt(i % 12));
        }
        return b;
    }

    /** Hands {@code packet} to ip_input's validation, then to IPComp, as the receive path would. */
    private DropReason offer(byte[] packet, int depth) {
        PacketBuffer p = pool.acquire();
        p.append(packet, 0, packet.length);
        p.depth = depth;
        assertThat(IpInput.validate(p)).as("test packet is valid IP").isNull();
        assertThat(p.transportProtocol()).isEqualTo(IpProtocol.IPCOMP);
        long before = ctx.counters().totalDrops();
        int got = delivered.size();
        ipcomp.input(ctx, p);
        assertThat(pool.outstanding()).as("buffers out").isZero();
        long drops = ctx.counters().totalDrops() - before;
        assertThat(drops + delivered.size() - got).as("outcomes of one packet").isEqualTo(1);
        if (drops == 0) {
            return null;
        }
        for (DropReason r : DropReason.values()) {
            if (ctx.counters().get(r) > 0) {
                return r;
            }
        }
        throw new AssertionError("a drop without a reason");
    }

    // ---- what decompresses ---------------------------------------------------------------------

    @Test
    void tunnelledPacketComesBackWhole() {
        byte[] inner = ipv4(IpProtocol.UDP, new byte[0], udp(900));
        assertThat(offer(ipv4(IpProtocol.IPCOMP, new byte[0], ipcompPayload(4, 0x5678, deflate(inner))), 1)).isNull();
        assertThat(delivered).singleElement().isEqualTo(inner);
        assertThat(depths).containsExactly(2);
    }

    @Test
    void transportPayloadGetsTheHeaderBackWithOptions() {
        byte[] options = {1, 1, 1, 0}; // NOP NOP NOP EOL
        byte[] payload = udp(700);
        byte[] packet = ipv4(IpProtocol.IPCOMP, options, ipcompPayload(IpProtocol.UDP, 2, deflate(payload)));
        assertThat(offer(packet, 1)).isNull();

        byte[] out = delivered.getFirst();
        assertThat(out).hasSize(24 + payload.length);
        assertThat(Arrays.copyOfRange(out, 24, out.length)).isEqualTo(payload);
        assertThat(out[0]).isEqualTo((byte) 0x46);
        assertThat(Arrays.copyOfRange(out, 20, 24)).isEqualTo(options);
        assertThat(Ipv4Descriptor.protocol(out, 0)).isEqualTo(IpProtocol.UDP);
        assertThat(Ipv4Descriptor.totalLength(out, 0)).isEqualTo(out.length);
        assertThat(Ipv4Descriptor.identification(out, 0)).isEqualTo(0x1234);
        assertThat(InternetChecksum.verifies(0, out, 0, 24)).isTrue();
    }

    @Test
    void ipv6TransportRewritesTheLastExtensionHeader() {
        byte[] payload = udp(500);
        byte[] comp = ipcompPayload(IpProtocol.UDP, 300, deflate(payload));
        byte[] packet = new byte[40 + 8 + comp.length];
        Ipv6Descriptor.write(packet, 0, 0, 0, 8 + comp.length, IpProtocol.DSTOPTS, 64,
                0x20010db800000000L, 1, 0x20010db800000000L, 2);
        packet[40] = (byte) IpProtocol.IPCOMP; // destination options: next header, length 0, PadN of 4
        packet[42] = 1;
        packet[43] = 4;
        System.arraycopy(comp, 0, packet, 48, comp.length);
        assertThat(offer(packet, 1)).isNull();

        byte[] out = delivered.getFirst();
        assertThat(Arrays.copyOfRange(out, 48, out.length)).isEqualTo(payload);
        assertThat(Ipv6Descriptor.nextHeader(out, 0)).isEqualTo(IpProtocol.DSTOPTS);
        assertThat(out[40] & 0xFF).isEqualTo(IpProtocol.UDP);
        assertThat(Ipv6Descriptor.payloadLength(out, 0)).isEqualTo(8 + payload.length);
        assertThat(Arrays.copyOfRange(out, 41, 48)).isEqualTo(Arrays.copyOfRange(packet, 41, 48));
    }

    @Test
    void deflateCpis() {
        assertThat(IpcompInput.deflate(IpcompDescriptor.CPI_DEFLATE)).isTrue();
        assertThat(IpcompInput.deflate(256)).isTrue();
        assertThat(IpcompInput.deflate(61439)).isTrue();
        for (int cpi : new int[]{0, IpcompDescriptor.CPI_OUI, IpcompDescriptor.CPI_LZS, IpcompDescriptor.CPI_LZJH, 63,
                255, 61440, 65535}) {
            assertThat(IpcompInput.deflate(cpi)).as("CPI %d", cpi).isFalse();
        }
    }

    // ---- what does not ---------------------------------------------------------------------------

    private DropReason compressed(int cpi, byte[] data) {
        return offer(ipv4(IpProtocol.IPCOMP, new byte[0], ipcompPayload(4, cpi, data)), 1);
    }

    @Test
    void notDeflate() {
        byte[] ok = deflate(ipv4(IpProtocol.UDP, new byte[0], udp(100)));
        assertThat(compressed(IpcompDescriptor.CPI_LZS, ok)).isEqualTo(DropReason.IPCOMP_BAD);
        assertThat(compressed(100, ok)).isEqualTo(DropReason.IPCOMP_BAD);
        assertThat(delivered).isEmpty();
    }

    @Test
    void brokenTruncatedUnfinishedOrEmptyStreams() {
        byte[] inner = ipv4(IpProtocol.UDP, new byte[0], udp(300));
        byte[] ok = deflate(inner);
        assertThat(compressed(2, new byte[]{(byte) 0xFF, (byte) 0xFF, 0x12, 0x34})).isEqualTo(DropReason.IPCOMP_BAD);
        assertThat(compressed(2, Arrays.copyOf(ok, ok.length - 3))).isEqualTo(DropReason.IPCOMP_BAD);
        // a sync flush without the final block: every byte is there, but the stream never ends
        Deflater d = new Deflater(6, true);
        d.setInput(inner);
        byte[] buf = new byte[2048];
        int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        d.end();
        assertThat(compressed(2, Arrays.copyOf(buf, n))).isEqualTo(DropReason.IPCOMP_BAD);
        assertThat(offer(ipv4(IpProtocol.IPCOMP, new byte[0], new byte[]{4, 0, 0, 2}), 1))
                .isEqualTo(DropReason.IPCOMP_BAD);
        assertThat(delivered).isEmpty();
    }

    @Test
    void moreThanAnIpPacketIsRefused() {
        // 100 000 zero bytes deflate to about a hundred: more than any IP packet can be
        assertThat(compressed(2, deflate(new byte[100_000]))).isEqualTo(DropReason.IPCOMP_BAD);
    }

    @Test
    void nestingIsBounded() {
        byte[] inner = ipv4(IpProtocol.UDP, new byte[0], udp(10));
        assertThat(offer(ipv4(IpProtocol.IPCOMP, new byte[0], ipcompPayload(4, 2, deflate(inner))), DEPTH_LIMIT))
                .isEqualTo(DropReason.NESTING_TOO_DEEP);
    }

    /** Whatever follows the IPComp header, the packet ends exactly once and nothing throws or leaks. */
    @Property(tries = 300)
    void anyPayloadEndsExactlyOnce(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 255) int nextHeader,
                                   @ForAll boolean deflateIt, @ForAll @IntRange(max = 3) int depth) {
        byte[] body = deflateIt ? deflate(data) : data;
        DropReason r = offer(ipv4(IpProtocol.IPCOMP, new byte[0], ipcompPayload(nextHeader, 0x4000, body)), depth);
        if (r == null && deflateIt) {
            byte[] out = delivered.getLast();
            boolean tunnel = nextHeader == 4 || nextHeader == 41;
            assertThat(Arrays.copyOfRange(out, tunnel ? 0 : 20, out.length)).isEqualTo(data);
        }
        if (deflateIt) {
            assertThat(r).isNull();
        }
    }

    @AfterProperty
    void closeAfterProperty() {
        close();
    }
}
