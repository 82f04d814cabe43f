package dev.dispatchlab.gateway;

import dev.dispatchlab.capture.PcapWriter;
import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoDriverConfig;
import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.crypto.OffloadConfig;
import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.dispatch.models.ModelEnvironment;
import dev.dispatchlab.dispatch.models.ModelRuntime;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.os.BatchUdpSocket;
import dev.dispatchlab.os.SystemCallException;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.CounterBlock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ThreadRegistry;
import dev.dispatchlab.metrics.ThreadRole;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.LinkType;
import dev.dispatchlab.stack.PacketSink;
import dev.dispatchlab.stack.PathOptions;
import dev.dispatchlab.stack.ReceivePath;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The practical use of the receive path: an IPsec gateway's inbound side. It receives ESP-in-UDP
 * (RFC 3948) on real sockets, decrypts under any dispatch model, and delivers each inner UDP
 * datagram's payload to a local UDP address (a {@link PortMap}), or writes the decrypted inner
 * packets to a pcap file.
 *
 * <pre>
 *   sockets (recvmmsg) ─► model's contexts: ip, esp (SA file), inner ip, udp ─► forward (sendmmsg) or pcap
 * </pre>
 *
 * <p>Lifecycle: {@link #start()}, then {@link #status()} whenever wanted (a consistent-enough
 * snapshot from opaque counter reads), then {@link #stop()}, which shuts the sockets, lets the model
 * drain what they held, sends what is buffered, settles the kernel's drops and checks the accounting:
 * no packet is lost between the counters.
 *
 * <p>Threading: start, status and stop from one controlling thread (status also from a timer).
 */
public final class Gateway implements AutoCloseable {

    /** Everything a gateway is started with. */
    public record Settings(InetSocketAddress listen, List<SaConfig> sas, PortMap map, Path pcap, DispatchModel model,
                           CryptoDrivers crypto, IdleStrategy idle, int rings, int budget, int queueCapacity,
                           int receiveBufferBytes) {
    }

    private static final int EADDRINUSE = 98;

    private final Settings settings;
    private final Clock clock = Clock.SYSTEM;
    private final CryptoDriver driver;
    private final SaDatabase sas = new SaDatabase();
    private final PacketPool pool;
    private final List<SocketIngress> sockets;
    private final ModelRuntime model;
    private final Forwarder forwarder;
    private final PcapSink pcap;
    private final StageContext shutdown;
    private final long startNanos;
    private Accounting result;

    public Gateway(Settings s) throws IOException {
        this.settings = s;
        refuseSharedPort(s.listen());
        ThreadRegistry registry = new ThreadRegistry();
        ThreadFactory host = registry.threadFactory(ThreadRole.HOST, "gw");
        CryptoDrivers kind = s.crypto() != null ? s.crypto() : s.model().defaultCrypto();
        this.driver = kind.create(CryptoDriverConfig.defaults().withClock(clock)
                .withThreadFactory(registry.threadFactory(ThreadRole.DEVICE, "crypto"))
                .withOffload(OffloadConfig.defaults().withRings(1024, 1024).withTimeout(1_000_000_000L, 50_000_000L)));
        for (SaConfig c : s.sas()) {
            sas.add(c.open(driver));
        }
        this.pool = new PacketPool("gateway", s.rings() * 1024 + 2 * s.queueCapacity() + 4096, 9216 + 256,
                PacketPool.DEFAULT_HEADROOM);
        this.sockets = SocketIngress.open(SocketConfig.defaults().withLocal(s.listen()).withSockets(s.rings())
                .withReceiveBuffer(s.receiveBufferBytes(), false), pool);
        this.forwarder = s.pcap() == null ? new Forwarder(s.map()) : null;
        this.pcap = s.pcap() == null ? null : new PcapSink(s.pcap(), clock);
        ModelEnvironment env = new ModelEnvironment(null, sockets, driver, clock, s.idle(), 1, i -> host, registry,
                s.budget(), s.queueCapacity(), 16, i -> { });
        this.model = s.model().build(env);
        PacketSink delivery = forwarder != null ? forwarder : pcap;
        model.connect(new ReceivePath(sas, delivery, PacketSink.IKE_COUNTED, PathOptions.DEFAULT, model.routing()));
        this.shutdown = new StageContext("gateway-shutdown", clock);
        this.startNanos = clock.nanoTime();
    }

    /**
     * Refuses a port some socket already holds. The gateway's own sockets join one SO_REUSEPORT group,
     * and Linux lets any socket of the same user with SO_REUSEPORT join an existing group: a second
     * gateway on the port would start and silently receive part of the first one's traffic. A plain
     * socket (without SO_REUSEPORT) bound to the address first finds any holder, in a group or not;
     * it is closed at once and the group bound after it.
     */
    static void refuseSharedPort(InetSocketAddress listen) {
        if (listen.getPort() == 0) {
            return; // the kernel picks a free port
        }
        try (BatchUdpSocket probe = BatchUdpSocket.bind(listen).open()) {
            assert probe.localAddress().getPort() == listen.getPort();
        } catch (SystemCallException e) {
            if (e.errno() == EADDRINUSE) {
                throw new IllegalArgumentException("--listen " + listen.getAddress().getHostAddress() + ":"
                        + listen.getPort() + ": the port is in use by another socket (another gateway, or an IKE"
                        + " daemon on 4500?); refusing to join its SO_REUSEPORT group and split its traffic");
            }
            // anything else (address not local, privileged port): the real bind reports it
        }
    }

    public void start() {
        model.start();
    }

    /** @return the local address the sockets are bound to */
    public InetSocketAddress localAddress() {
        return sockets.getFirst().localAddress();
    }

    /** @return the counters so far (opaque reads; exact after {@link #stop()}) */
    public CounterBlock totals() {
        CounterBlock t = new CounterBlock("gateway");
        for (StageContext c : model.contexts()) {
            c.counters().addTo(t);
        }
        shutdown.counters().addTo(t);
        return t;
    }

    /** @return one status line: elapsed, received, delivered, drops, rates */
    public String status() {
        CounterBlock t = totals();
        double secs = (clock.nanoTime() - startNanos) / 1e9;
        long kdrops = 0;
        for (SocketIngress s : sockets) {
            kdrops += s.kernelDrops();
        }
        return String.format("gateway %7.1f s  received %,d  delivered %,d (%,.0f/s)  dropped %,d%s  kernel drops %,d",
                secs, t.get(Counter.OFFERED), t.get(Counter.DELIVERED), t.get(Counter.DELIVERED) / Math.max(secs, 1e-9),
                t.totalDrops(), t.totalDrops() == 0 ? "" : " " + t.dropsByReason(), kdrops);
    }

    /**
     * Stops receiving, drains, sends what is buffered, settles kernel drops and checks the accounting.
     *
     * @return the accounting of the whole run (balanced unless something was lost: then the command fails)
     */
    public Accounting stop() throws InterruptedException {
        if (result != null) {
            return result;
        }
        // the socket readers shut their sockets and drain them; then the path finishes what is in it
        model.stopSources(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && (pool.outstanding() > 0 || model.queued() > 0)) {
            Thread.sleep(1);
        }
        model.stop();
        model.join(Duration.ofSeconds(10));
        for (SocketIngress s : sockets) {
            s.discard(shutdown, DropReason.SHUTDOWN);
            s.settleKernelDrops(shutdown);
        }
        model.discardLeftovers(shutdown);
        driver.shutdown(shutdown);
        if (forwarder != null) {
            forwarder.flushAll(shutdown);
        }
        if (pcap != null) {
            pcap.close();
        }
        result = Accounting.of(totals(), pool.outstanding());
        return result;
    }

    /** @return the first failure of the model's threads or of the pcap file, or null */
    public Throwable failure() {
        Throwable t = model.failure();
        return t != null ? t : pcap == null ? null : pcap.failure;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            model.close(); // its socket readers shut their sockets' input: before the sockets close
            if (forwarder != null) {
                forwarder.close();
            }
            for (SocketIngress s : sockets) {
                s.close();
            }
            driver.close();
            sas.closeAll();
            shutdown.close();
        }
    }

    /** Writes decrypted inner packets to a pcap (raw IP) instead of forwarding; one writer shared by contexts. */
    private static final class PcapSink implements PacketSink, AutoCloseable {
        private final PcapWriter writer;
        private volatile IOException failure;

        PcapSink(Path file, Clock clock) throws IOException {
            this.writer = PcapWriter.create(file, LinkType.RAW.code(), PcapWriter.Resolution.NANOSECONDS);
        }

        @Override
        public synchronized void accept(StageContext ctx, PacketBuffer p) {
            try {
                // writing copies the packet to the file: that is the delivery
                writer.write(p.data(), p.offset(), p.length(), System.currentTimeMillis() * 1_000_000L);
                ctx.count(Counter.DELIVERED);
                ctx.count(Counter.DELIVERED_BYTES, p.length());
                p.release();
            } catch (IOException e) {
                // a full disk must not kill the context: the packet is dropped, counted, and the
                // command reports the failure when it stops
                failure = e;
                ctx.drop(p, DropReason.SOCKET_FULL);
            }
        }

        @Override
        public synchronized void close() {
            try {
                writer.close();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** @return the settings (for the command's banner) */
    public Settings settings() {
        return settings;
    }
}
