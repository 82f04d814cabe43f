package dev.dispatchlab.blast;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.CounterBlock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.CompletionRouting;
import dev.dispatchlab.stack.PacketSink;
import dev.dispatchlab.stack.PathOptions;
import dev.dispatchlab.stack.PayloadCheck;
import dev.dispatchlab.stack.ReceivePath;
import dev.dispatchlab.stack.SocketTable;
import dev.dispatchlab.stack.UdpDelivery;
import dev.dispatchlab.stack.UserSocket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A receiver for the tests: the socket source in front of the receive path run to completion
 * (software driver, inline continuations), one thread per socket, delivering to a user socket that a
 * user thread drains: it checks each payload, notes its template index and frees it.
 */
final class SocketGateway implements AutoCloseable {

    final PacketPool pool = new PacketPool("gateway", 2048, 2048, PacketPool.DEFAULT_HEADROOM);
    final List<SocketIngress> rings;
    private final List<StageContext> contexts = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CryptoDriver driver = new SoftwareDriver();
    private final SaDatabase sas = new SaDatabase();
    private ReceivePath path;
    private UserSocket user;
    private StageContext userContext;
    private final int[] deliveries;
    private volatile Throwable failure;

    /** Binds {@code sockets} sockets on 127.0.0.1 (a port of the kernel's choosing); receives nothing yet. */
    SocketGateway(int sockets, int maxIndex) {
        this(sockets, maxIndex, InetAddress.getLoopbackAddress());
    }

    /** Binds {@code sockets} sockets on {@code address}, a port of the kernel's choosing. */
    SocketGateway(int sockets, int maxIndex, InetAddress address) {
        SocketConfig c = SocketConfig.defaults().withLocal(new InetSocketAddress(address, 0))
                .withSockets(sockets).withReceiveBuffer(SocketConfig.DEFAULT_RECEIVE_BUFFER, true);
        rings = SocketIngress.open(c, pool);
        deliveries = new int[maxIndex];
    }

    InetSocketAddress address() {
        return rings.get(0).localAddress();
    }

    /** Installs the SAs and starts receiving: one thread per socket and the user thread. */
    void start(List<SaConfig> configs, int userPort, PayloadCheck check) {
        for (SaConfig c : configs) {
            sas.add(c.open(driver));
        }
        SocketTable table = new SocketTable();
        user = new UserSocket(userPort, 8192);
        table.bind(user);
        path = new ReceivePath(sas, new UdpDelivery(table, false), PacketSink.IKE_COUNTED, PathOptions.DEFAULT,
                CompletionRouting.INLINE);
        PacketSink ip = path::ipInput;
        for (SocketIngress in : rings) {
            StageContext ctx = new StageContext("ring-" + in.queue(), Clock.SYSTEM);
            contexts.add(ctx);
            threads.add(Thread.ofPlatform().name("ring-" + in.queue()).start(() -> {
                try {
                    while (in.receive(ctx, ip, 64, true) > 0 || !in.isShutdown()) {
                        Thread.onSpinWait();
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }));
        }
        userContext = new StageContext("user", Clock.SYSTEM);
        threads.add(Thread.ofPlatform().name("user").start(() -> {
            try {
                PacketBuffer p;
                while ((p = user.receive(userContext, IdleStrategies.PARK)) != null) {
                    if (!check.matches(p)) {
                        userContext.count(Counter.CONTENT_MISMATCH);
                    } else {
                        deliveries[(int) Bytes.i64(p.data(), p.offset())]++;
                    }
                    userContext.count(Counter.DELIVERED);
                    p.release();
                }
            } catch (Throwable t) {
                failure = t;
            }
        }));
    }

    /** @return datagrams offered so far, every ring (kernel drops included); any thread */
    long offered() {
        long n = 0;
        for (StageContext c : contexts) {
            n += c.counters().get(Counter.OFFERED);
        }
        return n;
    }

    /** Waits (at most 60 s, a liveness guard) until {@code n} datagrams were offered. */
    void awaitOffered(long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (offered() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway was offered " + offered() + " of " + n + " datagrams");
            }
            Thread.sleep(5);
        }
    }

    /** Stops the rings, settles kernel drops, lets the user drain the socket, and returns the accounting. */
    Accounting stop() throws InterruptedException {
        for (SocketIngress in : rings) {
            in.shutdown();
        }
        for (int i = 0; i < rings.size(); i++) {
            if (!threads.get(i).join(Duration.ofSeconds(30))) {
                throw new AssertionError("ring thread did not stop");
            }
            rings.get(i).discard(contexts.get(i), DropReason.SHUTDOWN);
            rings.get(i).settleKernelDrops(contexts.get(i));
        }
        user.close();
        if (!threads.getLast().join(Duration.ofSeconds(30))) {
            throw new AssertionError("user thread did not stop");
        }
        if (failure != null) {
            throw new AssertionError("a gateway thread failed", failure);
        }
        CounterBlock totals = new CounterBlock("gateway");
        for (StageContext c : contexts) {
            c.counters().addTo(totals);
        }
        userContext.counters().addTo(totals);
        long inFlight = pool.outstanding() + user.queued() + path.fragmentsHeld() + path.datagramBuffersOutstanding();
        return Accounting.of(totals, inFlight);
    }

    CounterBlock userCounters() {
        return userContext.counters();
    }

    /** @return how often the payload of template index {@code i} was delivered */
    int deliveries(int i) {
        return deliveries[i];
    }

    long drops(DropReason r) {
        long n = 0;
        for (StageContext c : contexts) {
            n += c.counters().get(r);
        }
        return n + userContext.counters().get(r);
    }

    @Override
    public void close() {
        for (SocketIngress in : rings) {
            in.shutdown();
        }
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SocketIngress in : rings) {
            in.close();
        }
        sas.closeAll();
        for (StageContext c : contexts) {
            c.close();
        }
        if (userContext != null) {
            userContext.close();
        }
    }
}
