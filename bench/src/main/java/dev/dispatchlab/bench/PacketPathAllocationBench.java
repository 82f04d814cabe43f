package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.esp.ReplayWindow;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.EthernetDescriptor;
import dev.dispatchlab.proto.IpInput;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.Ipv4Reassembler;
import dev.dispatchlab.proto.LinkInput;
import dev.dispatchlab.proto.LinkType;
import dev.dispatchlab.proto.ReassemblyLimits;
import dev.dispatchlab.proto.UdpClass;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.proto.UdpInput;
import dev.dispatchlab.workload.CipherSuite;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.dispatchlab.proto.Ipv4Descriptor.inetAddress;

/**
 * Allocation evidence for the packet path without the JCA: each stage the receive path runs besides
 * the cryptography, alone, in its steady state. Every one must show about 0 B/op under the gc
 * profiler; the JCA's own per-packet allocation is compared in {@link EspInboundBench}.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar PacketPathAllocationBench -f 1 -prof gc -rf json -rff alloc.json
 * </pre>
 *
 * <pre>
 *   poolAcquireRelease   PacketPool.acquire + PacketBuffer.release (MPMC free list, state CAS)
 *   linkIpUdp            an Ethernet/IPv4/UDP frame: LinkInput.demux, IpInput.validate (header checksum),
 *                        UdpInput.validate with the checksum over 1400 bytes, UdpInput.classify
 *   reassembleTwo        two fragments of a 1408-byte UDP datagram: per fragment a pool buffer filled
 *                        with the frame (the NIC's DMA copy), demux, validate, Ipv4Reassembler.offer;
 *                        the reassembled datagram's UDP checks, then its release
 *   saLookup             SaDatabase.lookup over 64 installed SAs (SPI, outer source and destination)
 *   replayCheckUpdate    ReplayWindow.check then update of the next sequence number (1024-packet window)
 * </pre>
 * Times are SampleTime medians of batches of {@value #BATCH} operations (see {@link EspInboundBench}
 * for why), beside the allocation they are here for.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1, batchSize = PacketPathAllocationBench.BATCH)
@Measurement(iterations = 6, time = 1, batchSize = PacketPathAllocationBench.BATCH)
@OperationsPerInvocation(PacketPathAllocationBench.BATCH)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
@State(Scope.Thread)
public class PacketPathAllocationBench {

    static final int BATCH = 64;
    private static final int SAS = 64;
    private static final int UDP_PAYLOAD = 1400;
    private static final int SRC = Ipv4Descriptor.address(192, 0, 2, 1);
    private static final int DST = Ipv4Descriptor.address(198, 51, 100, 1);
    private static final long MAC_DST = 0x02_00_00_00_00_01L;
    private static final long MAC_SRC = 0x02_00_00_00_00_02L;

    private PacketPool pool;
    private StageContext ctx;
    private PacketBuffer udpFrame;
    private int udpFrameLength;
    private byte[][] fragments;
    private Ipv4Reassembler reassembler;
    private SaDatabase sas;
    private byte[] espHeaders;
    private int[] spis;
    private int lookupNext;
    private ReplayWindow window;
    private long seq;

    @Setup(Level.Trial)
    public void setup() {
        pool = new PacketPool("alloc-bench", 64, 2048, PacketPool.DEFAULT_HEADROOM);
        ctx = new StageContext("alloc-bench", Clock.SYSTEM);
        byte[] datagram = udpDatagram(UDP_PAYLOAD);
        udpFrame = PacketBuffer.unpooled(2048, PacketPool.DEFAULT_HEADROOM);
        byte[] frame = frame(datagram, 0, datagram.length, 0);
        udpFrame.append(frame, 0, frame.length);
        udpFrame.linkType(LinkType.ETHERNET.code());
        udpFrameLength = frame.length;
        int half = ((datagram.length - Ipv4Descriptor.MIN_HEADER_LENGTH) / 2) & ~7; // fragment data: 8-byte units
        fragments = new byte[][]{frame(datagram, 0, half, Ipv4Descriptor.FLAG_MF),
                frame(datagram, half, datagram.length - Ipv4Descriptor.MIN_HEADER_LENGTH - half, half / 8)};
        reassembler = new Ipv4Reassembler(ReassemblyLimits.DEFAULT, Ipv4Reassembler.datagramPool("alloc-bench", 4));
        setupSas();
        window = new ReplayWindow(ReplayWindow.DEFAULT_SIZE, false);
        // one round of each, checked, before anything is measured
        if (linkIpUdp() != UdpClass.OTHER.ordinal() || reassembleTwo() != UdpClass.OTHER.ordinal()
                || saLookup() == null || replayCheckUpdate() != 1 || ctx.counters().totalDrops() != 0) {
            throw new IllegalStateException("self-check failed: drops=" + ctx.counters().totalDrops());
        }
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (ctx.counters().totalDrops() != 0 || pool.outstanding() != 0) {
            throw new IllegalStateException("the benchmark dropped packets or leaked buffers: drops="
                    + ctx.counters().totalDrops() + ", outstanding=" + pool.outstanding());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.close();
        sas.closeAll();
    }

    /** An IPv4 datagram: header, UDP header with its checksum, {@code payload} pattern bytes. */
    private static byte[] udpDatagram(int payload) {
        int udpLength = UdpDescriptor.HEADER_LENGTH + payload;
        byte[] d = new byte[Ipv4Descriptor.MIN_HEADER_LENGTH + udpLength];
        Ipv4Descriptor.write(d, 0, 0, d.length, 0x4242, 0, Ipv4Descriptor.DEFAULT_TTL, IpProtocol.UDP, SRC, DST);
        UdpDescriptor.write(d, Ipv4Descriptor.MIN_HEADER_LENGTH, 1024, 5001, udpLength, 0);
        for (int i = 0; i < payload; i++) {
            d[Ipv4Descriptor.MIN_HEADER_LENGTH + UdpDescriptor.HEADER_LENGTH + i] = (byte) (i * 7);
        }
        UdpDescriptor.fillChecksumIpv4(d, Ipv4Descriptor.MIN_HEADER_LENGTH, SRC, DST);
        return d;
    }

    /**
     * An Ethernet frame carrying {@code datagram}'s IP payload bytes {@code [from, from+length)} as one
     * IPv4 packet (a fragment when {@code flagsFragment} is not 0; the whole datagram when from is 0
     * and length all of it).
     */
    private static byte[] frame(byte[] datagram, int from, int length, int flagsFragment) {
        boolean whole = from == 0 && length == datagram.length;
        int data = whole ? length - Ipv4Descriptor.MIN_HEADER_LENGTH : length;
        byte[] f = new byte[EthernetDescriptor.HEADER_LENGTH + Ipv4Descriptor.MIN_HEADER_LENGTH + data];
        EthernetDescriptor.write(f, 0, MAC_DST, MAC_SRC, EthernetDescriptor.TYPE_IPV4);
        int ip = EthernetDescriptor.HEADER_LENGTH;
        Ipv4Descriptor.write(f, ip, 0, Ipv4Descriptor.MIN_HEADER_LENGTH + data, 0x4242, flagsFragment,
                Ipv4Descriptor.DEFAULT_TTL, IpProtocol.UDP, SRC, DST);
        System.arraycopy(datagram, Ipv4Descriptor.MIN_HEADER_LENGTH + (whole ? 0 : from), f,
                ip + Ipv4Descriptor.MIN_HEADER_LENGTH, data);
        return f;
    }

    private void setupSas() {
        sas = new SaDatabase();
        spis = new int[SAS];
        espHeaders = new byte[SAS * 28];
        CryptoDriver driver = new SoftwareDriver();
        for (int i = 0; i < SAS; i++) {
            spis[i] = 0x0200_0000 + i * 7919;
            int src = SRC + i;
            sas.add(SecurityAssociation.builder(spis[i], driver.newSession(EspRing.params(CipherSuite.AES128_GCM, i)))
                    .source(inetAddress(src)).destination(inetAddress(DST)).mode(dev.dispatchlab.esp.Mode.TUNNEL)
                    .random(new Random(i)).build());
            int at = i * 28;
            Ipv4Descriptor.write(espHeaders, at, 0, 28, 0, 0, Ipv4Descriptor.DEFAULT_TTL, IpProtocol.ESP, src, DST);
            Bytes.put32(espHeaders, at + 20, spis[i]);
            Bytes.put32(espHeaders, at + 24, 1);
        }
    }


    @Benchmark
    public int poolAcquireRelease() {
        PacketBuffer b = pool.acquire();
        int i = b.index();
        b.release();
        return i;
    }

    @Benchmark
    public int linkIpUdp() {
        PacketBuffer p = udpFrame;
        p.setRange(PacketPool.DEFAULT_HEADROOM, udpFrameLength);
        DropReason r = LinkInput.demux(p);
        if (r == null) {
            r = IpInput.validate(p);
        }
        if (r == null) {
            r = UdpInput.validate(p, true);
        }
        return r == null ? UdpInput.classify(p).ordinal() : -1 - r.ordinal();
    }

    @Benchmark
    public int reassembleTwo() {
        PacketBuffer datagram = null;
        for (byte[] f : fragments) {
            PacketBuffer p = pool.acquire();
            p.append(f, 0, f.length);
            p.linkType(LinkType.ETHERNET.code());
            DropReason r = LinkInput.demux(p);
            if (r == null) {
                r = IpInput.validate(p);
            }
            if (r != null) {
                ctx.drop(p, r);
                return -1;
            }
            datagram = reassembler.offer(p, ctx);
        }
        if (datagram == null) {
            return -2; // the check at the end of the iteration reports what happened
        }
        DropReason r = UdpInput.validate(datagram, true);
        int c = r == null ? UdpInput.classify(datagram).ordinal() : -1 - r.ordinal();
        datagram.release();
        return c;
    }

    @Benchmark
    public Object saLookup() {
        int i = lookupNext;
        lookupNext = (i + 1) & (SAS - 1);
        int at = i * 28;
        return sas.lookup(spis[i], espHeaders, at + Ipv4Descriptor.SOURCE, at + Ipv4Descriptor.DESTINATION, 4);
    }

    @Benchmark
    public long replayCheckUpdate() {
        long s = ++seq;
        if (s > 0xFFFF_FFFFL) {
            window.reset();
            seq = s = 1;
        }
        long full = window.check(s);
        return window.update(full) ? full : -full;
    }
}
