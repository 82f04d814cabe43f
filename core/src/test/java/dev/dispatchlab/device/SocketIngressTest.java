package dev.dispatchlab.device;

import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.os.BatchUdpSocket;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpInput;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.LinkInput;
import dev.dispatchlab.proto.LinkType;
import dev.dispatchlab.proto.UdpClass;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.proto.UdpInput;
import dev.dispatchlab.stack.PacketSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The socket source: the synthetic outer header, budgets, drops by reason, kernel drops, shutdown. */
class SocketIngressTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ManualClock clock = new ManualClock(1_000);
    private final StageContext ctx = new StageContext("rx", clock);

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        ctx.close();
    }

    private List<SocketIngress> ingress(SocketConfig c, PacketPool pool) {
        List<SocketIngress> in = SocketIngress.open(c, pool);
        open.addAll(in);
        return in;
    }

    private static SocketConfig onLoopback() {
        return SocketConfig.defaults().withLocal(new InetSocketAddress(LO, 0));
    }

    private BatchUdpSocket sender(InetSocketAddress to, int batch) {
        BatchUdpSocket s = BatchUdpSocket.bind(new InetSocketAddress(LO, 0)).receiveBatch(0).sendBatch(batch)
                .messageBytes(4096).open();
        s.connect(to);
        open.add(s);
        return s;
    }

    /** A datagram that looks like ESP: SPI, sequence number, then {@code n - 8} bytes counting up. */
    private static byte[] esp(int n, int seq) {
        byte[] b = new byte[n];
        Bytes.put32(b, 0, 0x0100_0000);
        Bytes.put32(b, 4, seq);
        for (int i = 8; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static void send(BatchUdpSocket s, byte[]... datagrams) {
        for (int i = 0; i < datagrams.length; i++) {
            s.fill(i, datagrams[i], 0, datagrams[i].length);
        }
        int sent = 0;
        while (sent < datagrams.length) {
            sent += s.send(sent, datagrams.length - sent);
        }
    }

    /** Receives (waiting) until {@code n} datagrams were taken. */
    private static int receiveAll(SocketIngress in, StageContext ctx, PacketSink sink, int n, int budget) {
        int taken = 0;
        while (taken < n) {
            taken += in.receive(ctx, sink, budget, true);
        }
        return taken;
    }

    @Test
    void eachDatagramBecomesTheIpv4UdpPacketTheKernelReceived() {
        PacketPool pool = new PacketPool("rx", 8, 2048, 128);
        SocketIngress in = ingress(onLoopback(), pool).get(0);
        BatchUdpSocket tx = sender(in.localAddress(), 4);
        send(tx, esp(100, 1));
        List<PacketBuffer> got = new ArrayList<>();
        clock.set(5_000);
        receiveAll(in, ctx, (c, p) -> got.add(p), 1, 64);

        PacketBuffer p = got.get(0);
        byte[] d = p.data();
        int ip = p.offset();
        assertThat(p.linkType()).isEqualTo(LinkType.IPV4.code());
        assertThat(p.networkOffset()).isEqualTo(ip);
        assertThat(p.length()).isEqualTo(20 + 8 + 100);
        assertThat(p.arrivalNanos()).as("stamped when recvmmsg returned").isEqualTo(5_000);
        assertThat(p.queue()).isZero();
        assertThat(Ipv4Descriptor.source(d, ip)).isEqualTo(Ipv4Descriptor.address(127, 0, 0, 1));
        assertThat(Ipv4Descriptor.destination(d, ip)).isEqualTo(Ipv4Descriptor.address(127, 0, 0, 1));
        assertThat(Ipv4Descriptor.protocol(d, ip)).isEqualTo(IpProtocol.UDP);
        assertThat(UdpDescriptor.sourcePort(d, ip + 20)).isEqualTo(tx.localPort());
        assertThat(UdpDescriptor.destinationPort(d, ip + 20)).as("an ESP-in-UDP socket whatever its port").isEqualTo(4500);
        assertThat(UdpDescriptor.length(d, ip + 20)).isEqualTo(108);
        assertThat(Bytes.i32(d, ip + 28)).isEqualTo(0x0100_0000);
        // the path's own checks pass: link demux, IP validation (checksum), UDP validation
        assertThat(LinkInput.demux(p)).isNull();
        assertThat(IpInput.validate(p)).isNull();
        assertThat(UdpInput.validate(p, true)).isNull();
        assertThat(ctx.counters().get(Counter.OFFERED)).isEqualTo(1);
        p.release();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void overIpv6TheHeaderIsIpv6AndCarriesAValidUdpChecksum() {
        InetAddress v6 = InetAddress.ofLiteral("::1");
        PacketPool pool = new PacketPool("rx", 8, 2048, 128);
        SocketIngress in = ingress(SocketConfig.defaults().withLocal(new InetSocketAddress(v6, 0)), pool).get(0);
        BatchUdpSocket tx = BatchUdpSocket.bind(new InetSocketAddress(v6, 0)).receiveBatch(0).sendBatch(1).open();
        open.add(tx);
        tx.connect(in.localAddress());
        send(tx, esp(77, 9));
        List<PacketBuffer> got = new ArrayList<>();
        receiveAll(in, ctx, (c, p) -> got.add(p), 1, 64);
        PacketBuffer p = got.get(0);
        assertThat(p.linkType()).isEqualTo(LinkType.IPV6.code());
        assertThat(p.length()).isEqualTo(40 + 8 + 77);
        assertThat(IpInput.validate(p)).isNull();
        assertThat(p.transportProtocol()).isEqualTo(IpProtocol.UDP);
        assertThat(UdpInput.validate(p, true)).as("IPv6 needs the UDP checksum").isNull();
        p.release();
    }

    @Test
    void aBudgetSmallerThanTheBatchHandsOutTheRingWithoutAnotherSystemCall() {
        PacketPool pool = new PacketPool("rx", 64, 2048, 128);
        SocketIngress in = ingress(onLoopback(), pool).get(0);
        BatchUdpSocket tx = sender(in.localAddress(), 10);
        byte[][] ten = new byte[10][];
        for (int i = 0; i < 10; i++) {
            ten[i] = esp(40 + i, i + 1);
        }
        send(tx, ten);
        List<PacketBuffer> got = new ArrayList<>();
        PacketSink keep = (c, p) -> got.add(p);
        // wait for all ten to be queued, then take them three at a time
        while (in.receive(ctx, keep, 3, true) == 0) {
            Thread.onSpinWait();
        }
        while (got.size() < 10) {
            in.receive(ctx, keep, 3, false);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(got.get(i).length()).as("in order").isEqualTo(28 + 40 + i);
            got.get(i).release();
        }
        assertThat(in.datagrams()).isEqualTo(10);
        assertThat(in.calls()).as("recvmmsg calls that returned datagrams").isLessThanOrEqualTo(10).isPositive();
    }

    @Test
    void noBufferOrADatagramTooLongIsADropByReasonAndOffered() {
        PacketPool pool = new PacketPool("rx", 2, 256, 128); // room for 128 bytes after the headroom
        SocketIngress in = ingress(onLoopback(), pool).get(0);
        BatchUdpSocket tx = sender(in.localAddress(), 4);
        send(tx, esp(64, 1), esp(200, 2));
        List<PacketBuffer> got = new ArrayList<>();
        receiveAll(in, ctx, (c, p) -> got.add(p), 2, 64);
        assertThat(got).hasSize(1);
        assertThat(ctx.counters().get(DropReason.TOO_LONG)).isEqualTo(1);
        PacketBuffer held1 = got.get(0);
        PacketBuffer held2 = pool.acquire(); // the pool's last buffer
        send(tx, esp(64, 3));
        receiveAll(in, ctx, (c, p) -> got.add(p), 1, 64);
        assertThat(ctx.counters().get(DropReason.POOL_EXHAUSTED)).isEqualTo(1);
        assertThat(ctx.counters().get(Counter.OFFERED)).isEqualTo(3);
        held1.release();
        held2.release();
        Accounting a = Accounting.of(ctx.counters(), pool.outstanding());
        assertThat(a.offered()).isEqualTo(1 + a.dropped()); // one reached the sink
    }

    @Test
    void kernelDropsAreCountedAsOfferedAndDroppedSoAccountingCloses() {
        PacketPool pool = new PacketPool("rx", 4096, 2048, 128);
        SocketIngress in = ingress(onLoopback().withReceiveBuffer(4096, false), pool).get(0); // the kernel's minimum
        BatchUdpSocket tx = sender(in.localAddress(), 64);
        byte[][] batch = new byte[64][];
        for (int i = 0; i < 64; i++) {
            batch[i] = esp(100, i + 1);
        }
        int sent = 0;
        for (int round = 0; round < 8; round++) { // nobody reads: the small buffer overflows
            send(tx, batch);
            sent += 64;
        }
        long[] delivered = new long[1];
        PacketSink count = (c, p) -> {
            delivered[0]++;
            p.release();
        };
        while (in.receive(ctx, count, 64, false) > 0 || delivered[0] == 0) {
            Thread.onSpinWait();
        }
        in.shutdown();
        in.discard(ctx, DropReason.SHUTDOWN);
        long drops = in.settleKernelDrops(ctx);
        assertThat(drops).as("the kernel dropped what its small buffer could not hold").isPositive();
        assertThat(ctx.counters().get(DropReason.KERNEL_DROP)).isEqualTo(drops);
        Accounting a = Accounting.of(ctx.counters(), pool.outstanding());
        assertThat(a.offered()).as("offered includes the kernel's drops: every datagram sent").isEqualTo(sent);
        assertThat(a.delivered()).isZero(); // the sink here is not the user; count its packets apart
        assertThat(delivered[0] + a.dropped()).isEqualTo(sent);
    }

    @Test
    void shutdownWakesAReceiveBlockedInTheKernel() throws Exception {
        PacketPool pool = new PacketPool("rx", 8, 2048, 128);
        SocketIngress in = ingress(onLoopback(), pool).get(0);
        int[] result = {-1};
        Thread t = Thread.ofPlatform().start(() -> {
            try (StageContext c = new StageContext("blocked", clock)) {
                result[0] = in.receive(c, (x, p) -> p.release(), 64, true);
            }
        });
        // the thread may not have blocked yet: shutdown is sticky, so the receive returns either way
        in.shutdown();
        assertThat(t.join(Duration.ofSeconds(10))).as("the receive returned").isTrue();
        assertThat(result[0]).isZero();
        assertThat(in.isShutdown()).isTrue();
    }

    @Test
    void severalSocketsShareOnePortAndEachIsARing() {
        PacketPool pool = new PacketPool("rx", 256, 2048, 128);
        List<SocketIngress> rings = ingress(onLoopback().withSockets(2), pool);
        assertThat(rings).hasSize(2);
        assertThat(rings.get(1).localAddress()).isEqualTo(rings.get(0).localAddress());
        assertThat(rings.get(1).queue()).isEqualTo(1);
        assertThat(rings.get(0).receiveBufferBytes()).isPositive();
        // senders from many ports: the kernel spreads them over the two sockets
        int senders = 16;
        for (int i = 0; i < senders; i++) {
            send(sender(rings.get(0).localAddress(), 1), esp(50, 1));
        }
        int[] byRing = new int[2];
        int taken = 0;
        while (taken < senders) {
            for (SocketIngress r : rings) {
                taken += r.receive(ctx, (c, p) -> {
                    byRing[p.queue()]++;
                    p.release();
                }, 64, false);
            }
        }
        assertThat(byRing[0] + byRing[1]).isEqualTo(senders);
    }

    @Test
    void aWildcardAddressOrAHeadroomTooSmallIsRefusedInOneLine() {
        assertThatThrownBy(() -> SocketConfig.defaults().withLocal(new InetSocketAddress(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IP_PKTINFO");
        PacketPool tight = new PacketPool("tight", 2, 256, 16);
        assertThatThrownBy(() -> SocketIngress.open(onLoopback(), tight))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headroom");
        SocketIngress first = ingress(onLoopback(), new PacketPool("rx", 2, 256, 128)).get(0);
        assertThatThrownBy(() -> SocketIngress.open(SocketConfig.defaults().withLocal(first.localAddress()),
                new PacketPool("rx2", 2, 256, 128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in use");
        assertThatThrownBy(() -> SocketConfig.parseAddress("localhost:http", "--listen"))
                .hasMessage("--listen: port 'http' is not a number (HOST:PORT)");
        assertThat(SocketConfig.parseAddress("[::1]:4500", "x")).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("::1"), 4500));
    }

    @Test
    void theClassifierSeesEspInUdpOnASocketOfAnyPort() {
        PacketPool pool = new PacketPool("rx", 8, 2048, 128);
        SocketIngress in = ingress(onLoopback(), pool).get(0);
        send(sender(in.localAddress(), 1), esp(60, 1));
        List<PacketBuffer> got = new ArrayList<>();
        receiveAll(in, ctx, (c, p) -> got.add(p), 1, 1);
        PacketBuffer p = got.get(0);
        assertThat(IpInput.validate(p)).isNull();
        assertThat(UdpInput.validate(p, true)).isNull();
        assertThat(UdpInput.classify(p)).isEqualTo(UdpClass.ESP);
        p.release();
    }
}
