package dev.dispatchlab.blast;

import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.os.BatchUdpSocket;
import dev.dispatchlab.os.SystemCallException;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The traffic generator: sends a workload's ESP traffic as ESP-in-UDP datagrams (RFC 3948) to a
 * receiver's socket, at an open-loop rate, with {@code sendmmsg} batches on connected sockets.
 *
 * <pre>
 *   thread t, every batch:  wait until the batch is due          open loop: due = start + b × batch / rate
 *                           lane = its next socket's lane
 *                           batch × lane.next(ctx): encrypt ──► fill(i)   (one copy into the send ring)
 *                           sendmmsg(batch) on that socket       (resumed where the kernel stopped)
 * </pre>
 *
 * <h2>Sequence numbers across processes</h2>
 * The in-process synthetic wire replays pre-built packets and re-arms the receiver's anti-replay
 * windows when the set comes round ({@link TrafficSet}). A receiver in another process cannot be
 * re-armed, and a replayed packet there is a replay. So the generator encrypts every packet as it
 * sends it ({@link TrafficSet.Sender}): each valid datagram carries its SPI's next sequence number,
 * sequence numbers only ever grow, and a receiver with an ordinary window (the SA file says 1024)
 * accepts every one, however long the run. The price is one encryption per datagram on the
 * generator, about what the receiver pays to decrypt it; the generator reports the rate it achieved,
 * so a run where it could not keep up says so. Rejected: pre-built packets sent once per SPI with
 * fresh SPIs per round (the same encryption, done earlier, and an SA file that grows with the run's
 * length), and a receiver without a replay window (the path under test would skip a stage).
 *
 * <h2>Sockets, lanes, order</h2>
 * Each socket is a lane of SAs ({@link TrafficSet.Sender.Lane}) with its own source port: a tunnel's
 * packets always leave from one socket, so a receiver's SO_REUSEPORT group always hands one SA to
 * one ring, in order. Repeats (the replay share) go out on the lane's socket after their original.
 *
 * <h2>Pacing</h2>
 * Batch-level and open-loop: batch {@code b} of a thread is due at {@code start + b × batch / rate},
 * whatever happened to earlier ones; a thread that falls behind sends back to back until it has
 * caught up, and reports its largest lag; it never sends past the end of the run's duration, so
 * a rate the machine cannot reach sends less, not longer. It parks when the next batch is more than
 * {@value #PARK_THRESHOLD_NANOS} ns away and spins the rest. Datagrams within a batch leave as fast as
 * the kernel takes them, as from a NIC's transmit ring.
 *
 * <h2>Errors</h2>
 * While nothing listens on the target, the kernel answers port unreachable and the next send fails
 * with ECONNREFUSED; the generator counts that ({@link #refused()}) and goes on, so it can be started
 * before the receiver. On loopback the refusal arrives while a {@code sendmmsg} is still running, so
 * until the receiver listens a call sends one datagram and the next is refused: the rate of that part
 * of a run means nothing, and the report says sends were refused. ENOBUFS and EAGAIN are retried. Anything else ends the sending thread and is
 * reported by {@link #failure()}.
 *
 * <p>Threading: {@link #start} once; {@link #stop()}, {@link #sent()} and the other figures from any
 * thread; {@link #report()} after {@link #join}. Sending threads come from the injected factory.
 * Steady state allocates nothing of ours per datagram or per batch.
 */
public final class Blaster implements AutoCloseable {

    static final long PARK_THRESHOLD_NANOS = 100_000;
    private static final long PARK_SLACK_NANOS = 60_000;
    private static final int ECONNREFUSED = 111;
    private static final int ENOBUFS = 105;

    private final BlastConfig config;
    private final Clock clock;
    private final TrafficSet set;
    private final TrafficSet.Sender sender;
    private final InetAddress source;
    private final BatchUdpSocket[] sockets;
    private final Worker[] workers;
    private volatile boolean stopping;
    private volatile long startNanos;
    private volatile Throwable failure;
    private final List<Thread> threads = new ArrayList<>();

    /**
     * Plans the workload's keys and SAs and opens the sending sockets (bound to the address this host
     * sends to the target from, connected to the target). Sends nothing yet.
     */
    public Blaster(BlastConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        Workload w = config.workload();
        this.source = sourceAddressFor(config.target());
        this.set = TrafficSet.plan(w);
        int datagram = w.sizes().max() + 128; // inner IP + UDP 28, ESP header 8, IV ≤ 16, pad ≤ 15, trailer 2, ICV ≤ 32
        this.sockets = new BatchUdpSocket[config.sockets()];
        try {
            for (int i = 0; i < sockets.length; i++) {
                sockets[i] = BatchUdpSocket.bind(new InetSocketAddress(source, 0)).receiveBatch(0)
                        .sendBatch(config.batch()).messageBytes(datagram).kernelDropCounter(false).open();
                sockets[i].connect(config.target());
            }
        } catch (RuntimeException e) {
            closeSockets();
            throw e;
        }
        this.sender = set.sender(source, config.target().getAddress(), config.sockets());
        this.workers = new Worker[config.threads()];
        long quota = config.packets();
        for (int t = 0; t < workers.length; t++) {
            long share = config.byCount() ? quota / workers.length + (t < quota % workers.length ? 1 : 0) : Long.MAX_VALUE;
            workers[t] = new Worker(t, share);
        }
    }

    /** @return the address the kernel sends to {@code target} from (what the receiver sees as the source) */
    static InetAddress sourceAddressFor(InetSocketAddress target) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(target); // no datagram: only a route look-up
            InetAddress a = probe.getLocalAddress();
            if (a == null || a.isAnyLocalAddress()) {
                throw new IllegalArgumentException("blast: no route to " + target.getAddress().getHostAddress());
            }
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException("blast: cannot find a route to " + target, e);
        }
    }

    /**
     * @param replayWindow the receiver's anti-replay window to write into the SAs
     * @return the receiver's SAs for this run (both SPIs of every SA, with this generator's addresses
     *         and source ports): what {@code --write-sa} writes
     */
    public List<SaConfig> saConfigs(int replayWindow) {
        int[] ports = new int[config.workload().sas()];
        for (int sa = 0; sa < ports.length; sa++) {
            ports[sa] = sockets[sa % sockets.length].localPort();
        }
        return sender.saConfigs(replayWindow, ports, config.target().getPort());
    }

    /**
     * Runs the encryption path {@code packets} times with throwaway keys (another seed) and sends
     * nothing, so that the JIT has compiled it before the clock starts and the first second goes
     * at the rate asked for. Never with the run's own keys: an AEAD nonce must not repeat under a
     * key. Before {@link #start}; optional.
     */
    public void warmUp(int packets) {
        Workload w = config.workload();
        TrafficSet scratch = TrafficSet.plan(w.withSeed(w.seed() ^ 0x5DEE_CE66_DL));
        try (TrafficSet.Sender s = scratch.sender(source, config.target().getAddress(), 1);
             StageContext ctx = new StageContext("blast-warm-up", clock)) {
            TrafficSet.Sender.Lane lane = s.lane(0);
            long sink = 0;
            for (int i = 0; i < packets; i++) {
                sink += lane.next(ctx).length();
            }
            lane.finish();
            if (sink < 0) {
                throw new AssertionError(); // keeps the loop from being optimised away
            }
        }
    }

    /** Starts the sending threads. Once. */
    public synchronized void start(ThreadFactory factory) {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("blaster started twice");
        }
        startNanos = clock.nanoTime();
        for (Worker w : workers) {
            Thread t = factory.newThread(w);
            threads.add(t);
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Stops at the next batch. Any thread. */
    public void stop() {
        stopping = true;
        for (Thread t : threadsSnapshot()) {
            LockSupport.unpark(t);
        }
    }

    /** @return true when every sending thread ended within {@code timeout} */
    public boolean join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threadsSnapshot()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    private synchronized List<Thread> threadsSnapshot() {
        return List.copyOf(threads);
    }

    /** @return true once every sending thread has ended (or none was started) */
    public boolean ended() {
        for (Worker w : workers) {
            if (!w.ended) {
                return false;
            }
        }
        return true;
    }

    /** @return the first failure of a sending thread, or null */
    public Throwable failure() {
        return failure;
    }

    // ---- figures (any thread) ----------------------------------------------------------------

    /** @return datagrams the kernel has taken so far */
    public long sent() {
        long n = 0;
        for (Worker w : workers) {
            n += w.sent;
        }
        return n;
    }

    /** @return UDP payload bytes the kernel has taken so far */
    public long bytes() {
        long n = 0;
        for (Worker w : workers) {
            n += w.bytes;
        }
        return n;
    }

    /** @return sends the kernel refused with ECONNREFUSED (nothing listening at the target) */
    public long refused() {
        long n = 0;
        for (Worker w : workers) {
            n += w.refused;
        }
        return n;
    }

    /** @return the largest lag of a batch behind its due time so far, in nanoseconds */
    public long maxLagNanos() {
        long m = 0;
        for (Worker w : workers) {
            m = Math.max(m, w.maxLag);
        }
        return m;
    }

    /** @return when {@link #start} was called, on the blaster's clock */
    public long startNanos() {
        return startNanos;
    }

    public BlastConfig config() {
        return config;
    }

    /** @return the address the datagrams come from */
    public InetAddress sourceAddress() {
        return source;
    }

    /** @return the local UDP port of sending socket {@code i} */
    public int sourcePort(int i) {
        return sockets[i].localPort();
    }

    /** @return the traffic plan (for its {@code payloadCheck}) */
    public TrafficSet trafficSet() {
        return set;
    }

    /** @return the sender (its lanes' counts of what they made; read after join) */
    public TrafficSet.Sender sender() {
        return sender;
    }

    /** @return what was sent; after {@link #join} */
    public BlastReport report() {
        long end = 0;
        long batches = 0;
        long late = 0;
        long unsent = 0;
        for (Worker w : workers) {
            end = Math.max(end, w.lastSendNanos);
            batches += w.batches;
            late += w.lateBatches;
            unsent += w.unsent;
        }
        long valid = 0;
        long repeats = 0;
        long badIcv = 0;
        long malformed = 0;
        long[] expected = new long[DropReason.count()];
        for (int i = 0; i < sender.lanes(); i++) {
            TrafficSet.Sender.Lane l = sender.lane(i);
            valid += l.validMade();
            repeats += l.repeatsMade();
            badIcv += l.badIcvMade();
            malformed += l.malformedMade();
            long[] e = l.expected();
            for (int r = 0; r < e.length; r++) {
                expected[r] += e[r];
            }
        }
        long elapsed = end == 0 ? 0 : end - startNanos;
        return new BlastReport(config.target(), source, config.ratePps(), elapsed, sent(), bytes(), valid, repeats,
                badIcv, malformed, unsent, batches, late, maxLagNanos(), refused(), expected);
    }

    /** Stops, joins (10 s), closes the sockets and the sender's SAs. */
    @Override
    public void close() {
        stop();
        boolean ended;
        try {
            ended = join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            throw new IllegalStateException("blast: a sending thread did not stop within 10 s");
        }
        closeSockets();
        sender.close();
    }

    private void closeSockets() {
        for (BatchUdpSocket s : sockets) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** One sending thread: its sockets in turn, a batch at a time. */
    private final class Worker implements Runnable {

        private final int index;
        private final long quota;
        private final int[] mine;

        // ---- written by the worker's thread once per batch, read by any ----
        private volatile long sent;
        private volatile long bytes;
        private volatile long refused;
        private volatile long maxLag;
        private volatile boolean ended;
        private long batches;
        private long lateBatches;
        private long unsent;
        private long lastSendNanos;

        Worker(int index, long quota) {
            this.index = index;
            this.quota = quota;
            int n = (config.sockets() - index + config.threads() - 1) / config.threads();
            this.mine = new int[n];
            for (int i = 0; i < n; i++) {
                mine[i] = index + i * config.threads();
            }
        }

        @Override
        public void run() {
            try (StageContext ctx = new StageContext("blast-" + index, clock)) {
                send(ctx);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            } finally {
                for (int s : mine) {
                    sender.lane(s).finish();
                }
                ended = true;
            }
        }

        private void send(StageContext ctx) {
            int batch = config.batch();
            double rate = config.ratePps() / config.threads();
            double gap = rate > 0 ? batch * 1e9 / rate : 0;
            long start = startNanos;
            long end = config.byCount() ? Long.MAX_VALUE : start + config.durationNanos();
            long done = 0;
            long octets = 0;
            for (long b = 0; !stopping && done < quota; b++) {
                long now = clock.nanoTime();
                if (rate > 0) {
                    long due = start + (long) (b * gap);
                    if (due >= end) {
                        break;
                    }
                    now = waitUntil(due, now);
                    if (stopping || now >= end) {
                        break; // a sender that fell behind does not catch up past the end: the duration bounds the run
                    }
                    long lag = now - due;
                    if (lag > maxLag) {
                        maxLag = lag;
                    }
                    if (lag > gap) {
                        lateBatches++;
                    }
                } else if (now >= end) {
                    break;
                }
                int s = mine[(int) (b % mine.length)];
                TrafficSet.Sender.Lane lane = sender.lane(s);
                BatchUdpSocket socket = sockets[s];
                int n = (int) Math.min(batch, quota - done);
                for (int i = 0; i < n; i++) {
                    PacketBuffer p = lane.next(ctx);
                    socket.fill(i, p);
                    octets += p.length();
                }
                int k = sendAll(socket, n);
                done += k;
                batches++;
                lastSendNanos = clock.nanoTime();
                sent = done;
                bytes = octets;
            }
        }

        /** @return the clock once it has reached {@code due} (or at once when stopping) */
        private long waitUntil(long due, long now) {
            while (now < due && !stopping) {
                long left = due - now;
                if (left > PARK_THRESHOLD_NANOS) {
                    LockSupport.parkNanos(left - PARK_SLACK_NANOS);
                } else {
                    Thread.onSpinWait();
                }
                now = clock.nanoTime();
            }
            return now;
        }

        /**
         * Sends messages [0, n), resuming after a partial send and retrying what the kernel refused.
         *
         * @return messages sent: n, or fewer only when a stop came while the kernel would not take them
         */
        private int sendAll(BatchUdpSocket socket, int n) {
            int from = 0;
            while (from < n) {
                try {
                    int k = socket.send(from, n - from);
                    if (k == 0) {
                        Thread.yield(); // EAGAIN or EINTR: the kernel will take more shortly
                    }
                    from += k;
                } catch (SystemCallException e) {
                    if (e.errno() == ECONNREFUSED) {
                        refused = refused + 1; // the pending port-unreachable error; this call sent nothing
                    } else if (e.errno() == ENOBUFS) {
                        Thread.yield();
                    } else {
                        throw e;
                    }
                }
                if (from < n && stopping) {
                    unsent += n - from;
                    return from;
                }
            }
            return n;
        }
    }
}
