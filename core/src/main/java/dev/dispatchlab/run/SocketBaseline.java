package dev.dispatchlab.run;

import dev.dispatchlab.blast.BlastConfig;
import dev.dispatchlab.blast.Blaster;
import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.device.SocketReceiveBaseline;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.ThreadRegistry;
import dev.dispatchlab.metrics.ThreadRole;
import dev.dispatchlab.packet.PacketPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The bare batched-receive loop measured beside the models with a socket source: the same
 * generator, sockets, copy and synthetic header, then the packet is released; no path, no crypto.
 * With a batch of 1 it is the one-system-call-per-datagram loop, which shows what batching buys.
 *
 * @param pps         datagrams received per second over the measured interval
 * @param calls       receive system calls over the measured interval
 * @param kernelDrops datagrams the kernel dropped over the whole run
 * @param sentPps     what the generator achieved
 */
public record SocketBaseline(double pps, long calls, long kernelDrops, double sentPps) {

    /** Measures the loop with {@code batch} datagrams per recvmmsg under the spec's workload, rate and placement. */
    public static SocketBaseline measure(RunSpec spec, int batch) throws InterruptedException {
        Clock clock = Clock.SYSTEM;
        ThreadRegistry registry = new ThreadRegistry();
        Placement place = spec.placement();
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        PacketPool pool = new PacketPool("baseline", 4096, spec.workload().sizes().max() + 400, PacketPool.DEFAULT_HEADROOM);
        SocketConfig config = SocketConfig.defaults().withLocal(local).withSockets(spec.rings()).withBatch(batch);
        double rate = spec.saturating() ? 0 : spec.ratePps();
        long total = spec.warmup().plus(spec.measure()).toNanos() + Duration.ofSeconds(3600).toNanos();
        try (SocketReceiveBaseline loop = SocketReceiveBaseline.open(config, pool, clock);
             Blaster blaster = new Blaster(new BlastConfig(local, spec.workload(), rate, total, -1,
                     BlastConfig.DEFAULT_BATCH, Math.min(spec.workload().sas(), Math.max(1, spec.rings())), 1), clock)) {
            loop.start(registry.threadFactory(ThreadRole.HOST, "baseline", place.hostCpu(0)));
            blaster.start(registry.threadFactory(ThreadRole.DEVICE, "blast", place.device()));
            Thread.sleep(spec.warmup().toMillis());
            long d0 = loop.delivered();
            long c0 = loop.calls();
            long s0 = blaster.sent();
            long t0 = clock.nanoTime();
            Thread.sleep(spec.measure().toMillis());
            long t1 = clock.nanoTime();
            long d1 = loop.delivered();
            long c1 = loop.calls();
            long s1 = blaster.sent();
            blaster.stop();
            blaster.join(Duration.ofSeconds(10));
            Thread.sleep(100);
            Accounting acc = loop.stop();
            double secs = (t1 - t0) / 1e9;
            return new SocketBaseline((d1 - d0) / secs, c1 - c0, acc.drops().getOrDefault(
                    dev.dispatchlab.metrics.DropReason.KERNEL_DROP, 0L), (s1 - s0) / secs);
        }
    }

    private static int freePort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on loopback", e);
        }
    }
}
