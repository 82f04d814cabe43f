package dev.dispatchlab.bench.os;

import dev.dispatchlab.metrics.ThreadSample;
import dev.dispatchlab.metrics.ThreadSwitches;
import dev.dispatchlab.os.BatchUdpSocket;
import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.Cpus;
import dev.dispatchlab.os.CurrentThread;
import dev.dispatchlab.packet.PacketBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receive-side cost on loopback: {@code recvmmsg} in batches against one datagram per call, with
 * the same sender (a {@link BatchUdpSocket} blasting {@code sendmmsg} batches of 64) for every row.
 *
 * <pre>
 *   sender thread (CPU 0): sendmmsg x64 ──loopback, delivered in the sender's context──► socket queue
 *   receiver thread (CPU 1): one of
 *     recvmmsg batch=64   BatchUdpSocket.receive(), copyTo(i, PacketBuffer)
 *     recvmmsg batch=1    the same, one datagram per native call
 *     channel.receive     DatagramChannel.receive(ByteBuffer over the PacketBuffer's array)
 *     channel.read        the same channel connected, read(): no source address object per call
 * </pre>
 *
 * Each row: warm-up, then a measured interval; reported are datagrams received per second, the
 * sender's rate, the kernel's drops for the socket (/proc/net/udp), and the receiver thread's CPU
 * nanoseconds per datagram and voluntary switches per second (schedstat, status). When the
 * receiver keeps up, the rate is the sender's and the CPU per datagram is the figure to compare.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.dispatchlab.bench.os.UdpReceiveComparison [seconds] [warmupSeconds]}
 */
public final class UdpReceiveComparison {

    private static final int BATCH = 64;

    private enum Mode { RECVMMSG_64, RECVMMSG_1, CHANNEL_RECEIVE, CHANNEL_READ }

    private UdpReceiveComparison() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int cpus = Cpus.online();
        System.out.printf(Locale.ROOT, "# %s %s, %d online CPUs, JDK %s; %d s measured after %d s warm-up%n",
                System.getProperty("os.name"), System.getProperty("os.version"), cpus, Runtime.version(), seconds, warmup);
        if (cpus < 2) {
            System.out.println("# WARNING: fewer than 2 CPUs: sender and receiver share one, figures are not comparable");
        }
        System.out.println("payload mode             rx dgram/s  tx dgram/s  kernel drops  dgram/call  rx ns CPU/dgram  rx CPU busy  rx vol/invol sw/s  cpu0 busy (softirq)  cpu1 busy (softirq)");
        for (int payload : new int[] {64, 1400}) {
            for (Mode mode : Mode.values()) {
                run(payload, mode, seconds, warmup, cpus);
            }
        }
    }

    private static void run(int payload, Mode mode, int seconds, int warmup, int cpus) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        CpuSet senderCpu = CpuSet.of(0);
        CpuSet receiverCpu = CpuSet.of(Math.min(1, cpus - 1));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong received = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicInteger receiverTid = new AtomicInteger();

        BatchUdpSocket batchRx = null;
        DatagramChannel channel = null;
        InetSocketAddress target;
        if (mode == Mode.RECVMMSG_64 || mode == Mode.RECVMMSG_1) {
            batchRx = BatchUdpSocket.bind(loopback).receiveBatch(mode == Mode.RECVMMSG_64 ? BATCH : 1)
                    .receiveBufferBytes(4 << 20).forceBufferSizes(true).open();
            target = batchRx.localAddress();
        } else {
            channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            channel.bind(loopback);
            target = (InetSocketAddress) channel.getLocalAddress();
        }
        BatchUdpSocket tx = BatchUdpSocket.bind(loopback).receiveBatch(0).sendBatch(BATCH).open();
        tx.connect(target);
        if (channel != null && mode == Mode.CHANNEL_READ) {
            channel.connect(tx.localAddress());
        }
        byte[] body = new byte[payload];
        for (int i = 0; i < BATCH; i++) {
            body[0] = (byte) i;
            tx.fill(i, body, 0, payload);
        }

        BatchUdpSocket rxSocket = batchRx;
        DatagramChannel rxChannel = channel;
        Thread receiver = Thread.ofPlatform().name("rx").start(() -> {
            CurrentThread.pin(receiverCpu);
            receiverTid.set(CurrentThread.tid());
            PacketBuffer p = PacketBuffer.unpooled(2048, 128);
            try {
                if (rxSocket != null) {
                    while (running.get()) {
                        int n = rxSocket.receive();
                        for (int i = 0; i < n; i++) {
                            p.setRange(128, 0);
                            rxSocket.copyTo(i, p);
                        }
                        received.lazySet(received.get() + n);
                        calls.lazySet(calls.get() + 1);
                    }
                } else {
                    ByteBuffer bb = ByteBuffer.wrap(p.data(), 128, 2048 - 128);
                    while (running.get()) {
                        bb.clear().position(128);
                        if (mode == Mode.CHANNEL_READ) {
                            rxChannel.read(bb);
                        } else {
                            rxChannel.receive(bb);
                        }
                        received.lazySet(received.get() + 1);
                        calls.lazySet(calls.get() + 1);
                    }
                }
            } catch (ClosedChannelException stopped) {
                // the run is over
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread sender = Thread.ofPlatform().name("tx").start(() -> {
            CurrentThread.pin(senderCpu);
            while (running.get()) {
                sent.lazySet(sent.get() + tx.send(BATCH));
            }
        });
        while (receiverTid.get() == 0) {
            Thread.onSpinWait();
        }
        Thread.sleep(warmup * 1000L);
        long drops0 = drops(batchRx, target.getPort());
        long rx0 = received.get();
        long c0 = calls.get();
        long[][] cpu0 = cpuTicks();
        long tx0 = sent.get();
        ThreadSample s0 = ThreadSwitches.sample(receiverTid.get());
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long t1 = System.nanoTime();
        ThreadSample s1 = ThreadSwitches.sample(receiverTid.get());
        long rx1 = received.get();
        long c1 = calls.get();
        long[][] cpu1 = cpuTicks();
        long tx1 = sent.get();
        long drops1 = drops(batchRx, target.getPort());
        running.set(false);
        sender.join();
        if (batchRx != null) {
            batchRx.shutdownInput();
        } else {
            channel.close();
        }
        receiver.join();
        tx.close();
        if (batchRx != null) {
            batchRx.close();
        }
        double secs = (t1 - t0) / 1e9;
        long got = rx1 - rx0;
        long cpuNs = s1.cpuNanos() - s0.cpuNanos();
        System.out.printf(Locale.ROOT, "%7d %-15s %11.0f %11.0f %13d %11.1f %16.0f %11.0f%% %10.0f/%-7.0f %11s %19s%n",
                payload, mode.name().toLowerCase(Locale.ROOT), got / secs, (tx1 - tx0) / secs, drops1 - drops0,
                (double) got / Math.max(1, c1 - c0), (double) cpuNs / Math.max(1, got), 100.0 * cpuNs / (t1 - t0),
                (s1.voluntary() - s0.voluntary()) / secs, (s1.involuntary() - s0.involuntary()) / secs,
                busy(cpu0, cpu1, 0), busy(cpu0, cpu1, 1));
    }

    /** @return per CPU: /proc/stat ticks user, nice, system, idle, iowait, irq, softirq, steal */
    private static long[][] cpuTicks() throws java.io.IOException {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))) {
            if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                String[] f = line.split("\\s+");
                long[] t = new long[8];
                for (int i = 0; i < 8; i++) {
                    t[i] = Long.parseLong(f[i + 1]);
                }
                out.add(t);
            }
        }
        return out.toArray(new long[0][]);
    }

    private static String busy(long[][] a, long[][] b, int cpu) {
        if (cpu >= a.length) {
            return "-";
        }
        long total = 0;
        long idle = 0;
        for (int i = 0; i < 8; i++) {
            total += b[cpu][i] - a[cpu][i];
        }
        idle = (b[cpu][3] - a[cpu][3]) + (b[cpu][4] - a[cpu][4]);
        long soft = b[cpu][6] - a[cpu][6];
        return String.format(Locale.ROOT, "%3.0f%% (%3.0f%%)", 100.0 * (total - idle) / Math.max(1, total), 100.0 * soft / Math.max(1, total));
    }

    private static long drops(BatchUdpSocket s, int port) {
        return s != null ? s.procDrops() : dev.dispatchlab.os.UdpSocketTable.read().dropsOfPort(port);
    }
}
