package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoCallback;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.crypto.Transform;
import dev.dispatchlab.esp.EspInput;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.workload.CipherSuite;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

/**
 * Where ESP inbound's time goes beyond the bare cipher: the same packets (one {@link EspRing}) opened
 * through each layer of the path in turn, so that each difference is one layer's cost.
 *
 * <pre>
 *   index      the ring index alone (subtracted from bare)
 *   bare       BareEspCipher.open: the JCA calls alone
 *   transform  + the session's Transform.process (region checks, AAD and nonce copies, status, swap)
 *   driver     + CryptoSession.submit on the software driver with a no-op INLINE continuation
 *              (ledger row, latency sampling, request phase, session counter, target call)
 *   esp        + EspInput.input (SA lookup, replay check and update, padding, inner header, SA counters)
 *   restore    the index and buffer restore the three layered variants do besides their work
 * </pre>
 * {@code transform} and {@code driver} restore the swapped arrays as {@code esp} does, so
 * {@code transform - restore} is the transform's cost. Timing as in {@link EspInboundBench}
 * (SampleTime medians of batches of {@value EspInboundBench#BATCH}). Run with:
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar EspInboundLayersBench -f 1 -rf json -rff layers.json
 *   java -cp bench/target/benchmarks.jar dev.dispatchlab.bench.JmhTables layers.json
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1, batchSize = EspInboundBench.BATCH)
@Measurement(iterations = 5, time = 1, batchSize = EspInboundBench.BATCH)
@OperationsPerInvocation(EspInboundBench.BATCH)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
@State(Scope.Thread)
public class EspInboundLayersBench {

    private static final int RING = EspInboundBench.RING;
    private static final CryptoCallback NOTHING = (r, c) -> { };

    @Param({"AES128_GCM", "AES128_CBC_SHA256"})
    public CipherSuite suite;

    @Param({"64", "1400"})
    public int payload;

    private EspRing ring;
    private BareEspCipher bare;
    private StageContext ctx;
    private CryptoSession session;
    private Transform transform;
    private final CryptoRequest request = new CryptoRequest().then(NOTHING, CompletionTarget.INLINE);
    private EspInput espInput;
    private final EspInboundBench.DecapsulatedSink sink = new EspInboundBench.DecapsulatedSink();

    @Setup(Level.Trial)
    public void setup() throws GeneralSecurityException {
        ring = EspRing.build(suite, payload, RING, 2007);
        bare = BareEspCipher.of(ring.params);
        ctx = new StageContext("layers-bench", Clock.SYSTEM);
        session = ring.inbound.session();
        transform = session.transform(ctx.slot());
        espInput = new EspInput(ring.sas, sink);
        for (int i = 0; i < RING; i++) {
            if (transform() != CryptoStatus.OK || driver() != CryptoStatus.OK) {
                throw new IllegalStateException("self-check: frame " + i + " did not open");
            }
        }
        for (int i = 0; i < RING; i++) {
            ring.restoreEsp(i); // bare reads data() and writes spare(): put every ciphertext back in data()
        }
        ring.rearm();
        ring.rewind(); // the first measured call takes frame 0, so the window is armed for it
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (ctx.counters().totalDrops() != 0) {
            throw new IllegalStateException("the benchmark dropped packets: " + ctx.counters().totalDrops());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.close();
        ring.sas.closeAll();
    }

    private CryptoRequest describe(PacketBuffer p) {
        return request.describe(session, CryptoOp.OPEN, p, ring.espAt, ring.espAt + 8, ring.payloadAt,
                ring.payloadLength, ring.icvAt, 0);
    }

    @Benchmark
    public int index() {
        return ring.nextIndex();
    }

    @Benchmark
    public int bare() throws GeneralSecurityException {
        int i = ring.nextIndex();
        PacketBuffer p = ring.frame(i);
        return bare.open(p.data(), ring.espAt, ring.payloadAt, ring.payloadLength, p.spare());
    }

    @Benchmark
    public CryptoStatus transform() {
        int i = ring.nextArmed();
        ring.restoreEsp(i);
        return transform.process(describe(ring.frame(i)));
    }

    @Benchmark
    public CryptoStatus driver() {
        int i = ring.nextArmed();
        ring.restoreEsp(i);
        session.submit(describe(ring.frame(i)), ctx);
        return request.status();
    }

    @Benchmark
    public long esp() {
        int i = ring.nextArmed();
        ring.restoreEsp(i);
        espInput.input(ctx, ring.frame(i), CompletionTarget.INLINE);
        return sink.packets;
    }

    @Benchmark
    public int restore() {
        int i = ring.nextArmed();
        ring.restoreEsp(i);
        return ring.frame(i).offset();
    }
}
