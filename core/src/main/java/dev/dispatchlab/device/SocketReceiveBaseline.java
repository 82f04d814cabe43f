package dev.dispatchlab.device;

import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.CounterBlock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PacketSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The baseline twin of every model on the socket source: the same sockets, the same
 * {@code recvmmsg} batches, the same copy into a pooled buffer and the same synthetic header
 * ({@link SocketIngress}), and then nothing: each packet is counted delivered and released at once.
 * Run beside the models, with the same {@link SocketConfig} and the same traffic, it measures what the
 * socket source costs by itself, so that a model's datagrams per second read against the most a
 * receiver could take from this socket on this machine.
 *
 * <pre>
 *   per socket, one thread:  loop { receive(ctx, release, batch, wait = true) }   until stop()
 *                                    └ OFFERED, copy, header ─► DELIVERED, release
 * </pre>
 *
 * Two of them make the batching comparison: {@code config} as the models use it, and
 * {@code config.withBatch(1)}, one datagram per system call, which shows what {@code recvmmsg}
 * batches buy (the os package's notes give the figures measured so far).
 *
 * <p>Figures: {@link #delivered()} and the counters are cumulative and may be read from any thread
 * while it runs (a runner reads them at the start and end of its measured interval); {@link #stop()}
 * returns the closed accounting (kernel drops and what was still queued at the stop included).
 *
 * <p>Threading: one thread per socket, made by the injected factory (the runtime's registers them as
 * host threads: this is the receiving host's work); {@link #stop()} from one other thread.
 */
public final class SocketReceiveBaseline implements AutoCloseable {

    /** Counts the packet delivered and frees it: the whole of the "processing". */
    private static final PacketSink RELEASE = (ctx, p) -> {
        ctx.count(Counter.DELIVERED);
        ctx.count(Counter.DELIVERED_BYTES, p.length());
        p.release();
    };

    private final SocketConfig config;
    private final PacketPool pool;
    private final List<SocketIngress> sockets;
    private final StageContext[] contexts;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Throwable failure;
    private Accounting result;

    private SocketReceiveBaseline(SocketConfig config, PacketPool pool, Clock clock) {
        this.config = config;
        this.pool = pool;
        this.sockets = SocketIngress.open(config, pool);
        this.contexts = new StageContext[sockets.size()];
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = new StageContext("socket-baseline-" + i, clock);
        }
    }

    /**
     * Binds the sockets of {@code config} (not yet receiving: the kernel queues what arrives).
     *
     * @param pool buffers the datagrams are copied into; its room after the headroom is the largest datagram
     */
    public static SocketReceiveBaseline open(SocketConfig config, PacketPool pool, Clock clock) {
        return new SocketReceiveBaseline(config, pool, clock);
    }

    /** Starts one receiving thread per socket. Once. */
    public synchronized void start(ThreadFactory factory) {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("baseline started twice");
        }
        for (int i = 0; i < sockets.size(); i++) {
            SocketIngress in = sockets.get(i);
            StageContext ctx = contexts[i];
            int budget = config.batch();
            Thread t = factory.newThread(() -> {
                try {
                    while (!stopping) {
                        if (in.receive(ctx, RELEASE, budget, true) == 0 && in.isShutdown()) {
                            break;
                        }
                    }
                } catch (Throwable e) {
                    failure = e;
                }
            });
            threads.add(t);
            t.start();
        }
    }

    /** @return packets received and released so far, every socket; any thread */
    public long delivered() {
        long n = 0;
        for (StageContext c : contexts) {
            n += c.counters().get(Counter.DELIVERED);
        }
        return n;
    }

    /** @return {@code recvmmsg} calls that returned datagrams so far; any thread */
    public long calls() {
        long n = 0;
        for (SocketIngress s : sockets) {
            n += s.calls();
        }
        return n;
    }

    /** @return kernel drops counted so far; any thread */
    public long kernelDrops() {
        long n = 0;
        for (SocketIngress s : sockets) {
            n += s.kernelDrops();
        }
        return n;
    }

    /** @return the sockets (their addresses, the buffer sizes the kernel gave) */
    public List<SocketIngress> sockets() {
        return sockets;
    }

    public SocketConfig config() {
        return config;
    }

    /**
     * Shuts the sockets, joins the threads, counts what was still queued as {@code SHUTDOWN} and the
     * kernel's last drops, and returns the accounting (buffers still out of the pool are in flight).
     * Idempotent.
     *
     * @throws IllegalStateException when a receiving thread failed or did not end within 10 s
     */
    public synchronized Accounting stop() {
        if (result != null) {
            return result;
        }
        stopping = true;
        for (SocketIngress s : sockets) {
            s.shutdown();
        }
        for (Thread t : threads) {
            try {
                if (!t.join(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("socket baseline thread " + t.getName() + " did not stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the socket baseline", e);
            }
        }
        if (failure != null) {
            throw new IllegalStateException("socket baseline thread failed: " + failure, failure);
        }
        CounterBlock totals = new CounterBlock("socket-baseline");
        for (int i = 0; i < sockets.size(); i++) {
            sockets.get(i).discard(contexts[i], DropReason.SHUTDOWN);
            sockets.get(i).settleKernelDrops(contexts[i]);
            contexts[i].counters().addTo(totals);
        }
        result = Accounting.of(totals, pool.outstanding());
        return result;
    }

    /** Stops (if running), closes the sockets and gives back the stage contexts. */
    @Override
    public void close() {
        try {
            if (!threads.isEmpty()) {
                stop();
            }
        } finally {
            for (SocketIngress s : sockets) {
                s.close();
            }
            for (StageContext c : contexts) {
                c.close();
            }
        }
    }
}
