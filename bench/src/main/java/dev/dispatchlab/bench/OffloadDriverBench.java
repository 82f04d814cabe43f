package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoCallback;
import dev.dispatchlab.crypto.CryptoCounter;
import dev.dispatchlab.crypto.CryptoDriverConfig;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.CryptoStatsSnapshot;
import dev.dispatchlab.crypto.OffloadConfig;
import dev.dispatchlab.crypto.OffloadDriver;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.concurrent.TimeUnit;

/**
 * Offload-driver throughput and batching against queue depth: one submitter keeps up to
 * {@code depth} AES-128-GCM opens in flight on the emulated card (one engine, 5 us PCI round trip,
 * an interrupt per 8 completions or 10 us, the handler run in the engine thread, INLINE
 * continuations that hand the request back to the submitter).
 *
 * <pre>
 *   bench thread --submit / submitBatch--&gt; [ submission ring ] --&gt; engine --&gt; [ completion ring ]
 *        ^                                                                    | interrupt (coalesced)
 *        +---------------- free queue (MPSC) &lt;-- INLINE continuation &lt;-- drain (engine thread)
 * </pre>
 *
 * {@code single} submits one request per call as soon as one is free; {@code batched} takes every free
 * request and submits them with one doorbell. The score is requests per second (the {@code requests}
 * aux counter); after the run the fork prints, over the measurement iterations only, the mean
 * completion batch (completions per drain), interrupts and engine wakeups per request, and the
 * submit batch. Two host threads busy on a 2-CPU machine: the figures measure handoff costs, not a card.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class OffloadDriverBench {

    @Param({"1", "4", "16", "64"})
    public int depth;

    @Param({"64"})
    public int payload;

    /** The engine's idle spins before it parks (OffloadConfig.engineIdleSpins); try -p idleSpins=0,64,2048. */
    @Param({"64"})
    public int idleSpins;

    private OffloadDriver driver;
    private CryptoSession session;
    private MpscArrayQueue<CryptoRequest> free;
    private CryptoRequest[] batch;
    private StageContext ctx;
    private CryptoStatsSnapshot before;
    private final long[] measured = new long[7];

    /** Requests per second, counted as they are submitted. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Requests {
        public long requests;

        @Setup(Level.Iteration)
        public void reset() {
            requests = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        SessionParams p = BenchPackets.gcm128();
        driver = new OffloadDriver(CryptoDriverConfig.defaults().withOffload(
                OffloadConfig.defaults().withRings(256, 256).withTimeout(0, 0).withEngineIdleSpins(idleSpins)));
        session = driver.newSession(p);
        free = new MpscArrayQueue<>(Math.max(2, depth * 2));
        batch = new CryptoRequest[depth];
        CryptoCallback back = (r, c) -> {
            if (r.swapped()) {
                r.packet().swapSpare(); // ciphertext back in front for the next round
            }
            free.offer(r);
        };
        for (int i = 0; i < depth; i++) {
            PacketBuffer pkt = BenchPackets.sealed(p, payload, i + 1);
            CryptoRequest r = BenchPackets.describe(new CryptoRequest(), session, CryptoOp.OPEN, pkt)
                    .then(back, CompletionTarget.INLINE);
            free.offer(r);
        }
        ctx = new StageContext("bench-submitter", Clock.SYSTEM);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        before = driver.stats();
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams it) {
        if (it.getType() != IterationType.MEASUREMENT) {
            return;
        }
        CryptoStatsSnapshot after = driver.stats();
        measured[0] += after.submitted() - before.submitted();
        measured[1] += after.event(CryptoCounter.DRAINED) - before.event(CryptoCounter.DRAINED);
        measured[2] += after.event(CryptoCounter.DRAIN_RUNS) - before.event(CryptoCounter.DRAIN_RUNS);
        measured[3] += after.event(CryptoCounter.INTERRUPTS) - before.event(CryptoCounter.INTERRUPTS);
        measured[4] += after.event(CryptoCounter.ENGINE_WAKEUPS) - before.event(CryptoCounter.ENGINE_WAKEUPS);
        measured[5] += after.event(CryptoCounter.SUBMIT_CALLS) - before.event(CryptoCounter.SUBMIT_CALLS);
        measured[6] = Math.max(measured[6], after.queueHighWater());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // wait for the requests still out, so that shutdown fails none of them
        while (free.size() < depth) {
            Thread.onSpinWait();
        }
        driver.shutdown(ctx);
        ctx.close();
        double n = Math.max(1, measured[0]);
        System.out.printf("%noffload depth=%d payload=%d idleSpins=%d: completion batch %.2f, interrupts/request %.3f,"
                        + " engine wakeups/request %.3f, submit batch %.2f, queue high water %d, requests %d%n",
                depth, payload, idleSpins, measured[2] == 0 ? 0 : (double) measured[1] / measured[2], measured[3] / n,
                measured[4] / n, measured[5] == 0 ? 0 : measured[0] / (double) measured[5], measured[6], measured[0]);
        System.out.println(driver.stats());
    }

    private CryptoRequest takeFree() {
        CryptoRequest r;
        while ((r = free.poll()) == null) {
            Thread.onSpinWait(); // the window is full: wait for a completion
        }
        return r;
    }

    @Benchmark
    public void single(Requests counter) {
        CryptoRequest r = takeFree();
        BenchPackets.describe(r, session, CryptoOp.OPEN, r.packet());
        session.submit(r, ctx);
        counter.requests++;
    }

    @Benchmark
    public void batched(Requests counter) {
        int n = 0;
        batch[n++] = takeFree();
        CryptoRequest r;
        while (n < depth && (r = free.poll()) != null) {
            batch[n++] = r;
        }
        for (int i = 0; i < n; i++) {
            BenchPackets.describe(batch[i], session, CryptoOp.OPEN, batch[i].packet());
        }
        driver.submitBatch(batch, n, ctx);
        counter.requests += n;
    }
}
