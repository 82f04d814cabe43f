package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.esp.EspInput;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.UdpInput;
import dev.dispatchlab.stack.CompletionRouting;
import dev.dispatchlab.stack.PacketSink;
import dev.dispatchlab.stack.PathOptions;
import dev.dispatchlab.stack.ReceivePath;
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
 * What ESP inbound costs per packet over the bare JCA cipher on the same bytes (issue 2), for the
 * four suites and four inner payload sizes, and what the whole receive path costs from an Ethernet
 * frame. With the gc profiler it also compares bytes allocated per packet:
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar EspInboundBench -f 1 -prof gc -rf json -rff esp-inbound.json
 *   java -cp bench/target/benchmarks.jar dev.dispatchlab.bench.JmhTables esp-inbound.json [more runs ...]
 * </pre>
 *
 * <h2>The variants, all on one ring of {@value #RING} frames (see {@link EspRing})</h2>
 * <pre>
 *   index    the ring index alone: the harness cost of bare (and the clock read, see below)
 *   bare     BareEspCipher.open: the JCA calls a minimal ESP decryption needs, out of place
 *   restore  what esp and stack do around the path: ring index, window re-arm once per pass
 *            (amortised over the ring), the spare array swapped back, offsets and depth
 *   esp      restore + EspInput.input(ctx, p, INLINE) on a buffer whose offset is at the SPI, software
 *            driver: SA lookup, replay check, request, transform (ICV, decrypt), replay update,
 *            padding check, inner header, down to a counting sink (the decapsulated inner packet)
 *   stack    restore + ReceivePath.input from the Ethernet frame: link demux, outer IPv4, ESP (as
 *            above), inner IPv4, then a sink that runs udp_input's checks (checksum skipped, the
 *            path's default for ESP-authenticated datagrams) and counts
 * </pre>
 * ESP's cost is {@code esp - restore} and the cipher's {@code bare - index}; the targets
 * compare the two: at most 15 % more at 1400 bytes and at most 100 ns more at 64 bytes. The packets
 * are fresh for the replay window on every invocation: frames carry sequence numbers 1..{@value #RING}
 * and the window (the default, 1024 packets) is re-armed whenever the ring wraps, so every packet
 * runs the full window check and update. The software driver runs with its defaults (one request
 * in 16 timed for its latency histogram).
 *
 * <h2>Why SampleTime</h2>
 * The machine is shared: wall-clock averages also count the time the benchmark thread waited for a
 * CPU or was slowed by a neighbour, and moved by 2x from one minute to the next. The median of
 * timed samples does not, as long as fewer than half of them are disturbed. A sample is a batch of
 * {@value #BATCH} packets, which divides the clock's 10 ns granularity and its ~25 ns read by
 * {@value #BATCH}; what is left of the read is in {@code index} and {@code restore}, and subtracted.
 *
 * <h2>Why several runs</h2>
 * Within a fork the iterations agree to a few nanoseconds, but two forks of the same benchmark can
 * differ by 100-200 ns at 1400 bytes, bare cipher and ESP alike: each fork's JIT compiles the JCA's
 * GCM path its own way. One fork is one draw, so the tables in {@code bench/README.md} give the
 * median over several one-fork runs ({@link JmhTables} takes them all).
 *
 * <p>Every iteration ends with a check that no packet was dropped and every one was delivered; a
 * fork that fails it has measured something else and stops with an exception.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1, batchSize = EspInboundBench.BATCH)
@Measurement(iterations = 5, time = 1, batchSize = EspInboundBench.BATCH)
@OperationsPerInvocation(EspInboundBench.BATCH)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
@State(Scope.Thread)
public class EspInboundBench {

    /** Frames in the ring: distinct sequence numbers per pass; a power of two. */
    static final int RING = 64;
    /** Packets per timed sample. */
    static final int BATCH = 4;

    @Param({"AES128_GCM", "AES256_GCM", "CHACHA20_POLY1305", "AES128_CBC_SHA256"})
    public CipherSuite suite;

    /** Inner UDP payload bytes. */
    @Param({"64", "512", "1400", "8192"})
    public int payload;

    private EspRing ring;
    private BareEspCipher bare;
    private StageContext ctx;
    private EspInput espInput;
    private ReceivePath path;
    private final DecapsulatedSink decapsulated = new DecapsulatedSink();
    private final UdpCountingSink udp = new UdpCountingSink();

    /** Counts the plain inner packets ESP input hands up; the benchmark keeps owning the buffer. */
    static final class DecapsulatedSink implements EspInput.Sink {
        long packets;
        long bytes;

        @Override
        public void decapsulated(StageContext ctx, PacketBuffer p) {
            packets++;
            bytes += p.length();
        }
    }

    /** The end of the stack variant: udp_input's checks (checksum skipped, as the path's default), then counted. */
    static final class UdpCountingSink implements PacketSink {
        long packets;
        long bytes;

        @Override
        public void accept(StageContext ctx, PacketBuffer p) {
            DropReason r = UdpInput.validate(p, false);
            if (r != null) {
                ctx.drop(p, r);
                return;
            }
            packets++;
            bytes += p.end() - UdpInput.payloadOffset(p);
        }
    }

    @Setup(Level.Trial)
    public void setup() throws GeneralSecurityException {
        ring = EspRing.build(suite, payload, RING, 2007);
        bare = BareEspCipher.of(ring.params);
        ctx = new StageContext("esp-bench", Clock.SYSTEM);
        espInput = new EspInput(ring.sas, decapsulated);
        path = new ReceivePath(ring.sas, udp, PacketSink.IKE_COUNTED, PathOptions.DEFAULT, CompletionRouting.INLINE);
        selfCheck();
    }

    /** One pass of every variant over the whole ring, checked, before anything is measured. */
    private void selfCheck() throws GeneralSecurityException {
        int plain = ring.payloadLength;
        for (int i = 0; i < RING; i++) {
            PacketBuffer p = ring.frame(i);
            int n = bare.open(p.data(), ring.espAt, ring.payloadAt, ring.payloadLength, p.spare());
            if (n != plain) {
                throw new IllegalStateException("bare cipher failed on frame " + i + ": " + n + " != " + plain);
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            ring.rearm();
            for (int i = 0; i < RING; i++) {
                ring.restoreEsp(i);
                espInput.input(ctx, ring.frame(i), CompletionTarget.INLINE);
            }
            ring.rearm();
            for (int i = 0; i < RING; i++) {
                ring.restoreFrame(i);
                path.input(ctx, ring.frame(i));
            }
        }
        for (int i = 0; i < RING; i++) {
            ring.restoreFrame(i); // bare reads data() and writes spare(): put every ciphertext back in data()
        }
        ring.rearm();
        ring.rewind(); // the first measured call takes frame 0, so the window is armed for it
        if (decapsulated.packets != 2 * RING || udp.packets != 2 * RING
                || udp.bytes != 2L * RING * payload) {
            throw new IllegalStateException("self-check: esp delivered " + decapsulated.packets + ", stack delivered "
                    + udp.packets + " (" + udp.bytes + " bytes), expected " + 2 * RING + " each");
        }
        checkNothingDropped();
    }

    @TearDown(Level.Iteration)
    public void checkNothingDropped() {
        long drops = ctx.counters().totalDrops();
        long decrypted = ctx.counters().get(Counter.ESP_DECRYPTED);
        if (drops != 0 || decrypted != decapsulated.packets + udp.packets) {
            StringBuilder why = new StringBuilder();
            for (DropReason r : DropReason.values()) {
                if (ctx.counters().get(r) != 0) {
                    why.append(' ').append(r).append('=').append(ctx.counters().get(r));
                }
            }
            throw new IllegalStateException("the benchmark dropped packets:" + why + "; decrypted=" + decrypted
                    + ", delivered=" + (decapsulated.packets + udp.packets));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.close();
        ring.sas.closeAll();
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
    public long esp() {
        int i = ring.nextArmed();
        ring.restoreEsp(i);
        espInput.input(ctx, ring.frame(i), CompletionTarget.INLINE);
        return decapsulated.packets;
    }

    @Benchmark
    public int restore() {
        int i = ring.nextArmed();
        ring.restoreEsp(i);
        return ring.frame(i).offset();
    }

    @Benchmark
    public long stack() {
        int i = ring.nextArmed();
        ring.restoreFrame(i);
        path.input(ctx, ring.frame(i));
        return udp.packets;
    }
}
