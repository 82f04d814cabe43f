package dev.dispatchlab.bench;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoCallback;
import dev.dispatchlab.crypto.CryptoDriverConfig;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.crypto.Transform;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What the software driver costs per request over calling the JCA cipher directly: one inbound
 * AES-128-GCM ESP packet opened (verified and decrypted out of place) per operation.
 *
 * <pre>
 *   jcaDirect           nonce + AAD + GCMParameterSpec + init + updateAAD + doFinal: the bare cipher work
 *   transformDirect     the session's Transform.process (region checks, the same JCA calls, status)
 *   softwareDriver      session.submit with an INLINE continuation: the framework around the transform,
 *                       with the default latency sampling (one request in 16 timed per context)
 *   softwareDriverTimedEach  every request timed: two clock reads and a histogram record more
 *   softwareDriverUntimed    latency recording off
 * </pre>
 * Overhead = softwareDriver - jcaDirect; the framework alone = softwareDriver - transformDirect.
 * Every variant swaps the packet's arrays back after an out-of-place open so the next one sees
 * ciphertext (jcaDirect writes the spare array and needs no swap). Run with {@code -prof gc} to see that the
 * driver adds no allocation to the JCA's own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
@State(Scope.Thread)
public class SoftwareDriverBench {

    private static final CryptoCallback NOTHING = (r, c) -> { };

    @Param({"64"})
    public int payload;

    private StageContext ctx;
    private PacketBuffer packet;
    private CryptoSession timedSession;
    private CryptoSession timedEachSession;
    private CryptoSession untimedSession;
    private CryptoRequest request;
    private Transform transform;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] salt = new byte[4];
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[8];

    @Setup
    public void setup() throws Exception {
        SessionParams p = BenchPackets.gcm128();
        packet = BenchPackets.sealed(p, payload, 1);
        ctx = new StageContext("bench", Clock.SYSTEM);
        timedSession = new SoftwareDriver(CryptoDriverConfig.defaults()).newSession(p);
        timedEachSession = new SoftwareDriver(CryptoDriverConfig.defaults().withInlineLatencySampling(1)).newSession(p);
        untimedSession = new SoftwareDriver(CryptoDriverConfig.defaults().withRecordLatency(false)).newSession(p);
        request = new CryptoRequest().then(NOTHING, CompletionTarget.INLINE);
        transform = Transform.create(p);
        byte[] km = p.encryptionKey();
        System.arraycopy(km, 16, salt, 0, 4);
        key = new SecretKeySpec(Arrays.copyOf(km, 16), "AES");
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
    }

    @TearDown
    public void tearDown() {
        System.out.println();
        System.out.println(timedSession.driver().stats());
        System.out.println(timedEachSession.driver().stats());
        ctx.close();
    }

    @Benchmark
    public int jcaDirect() throws Exception {
        byte[] d = packet.data();
        int a = packet.offset();
        int pay = a + 8 + BenchPackets.IV;
        System.arraycopy(salt, 0, nonce, 0, 4);
        System.arraycopy(d, a + 8, nonce, 4, 8);
        System.arraycopy(d, a, aad, 0, 8);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad, 0, 8);
        return cipher.doFinal(d, pay, payload + BenchPackets.ICV, packet.spare(), pay);
    }

    @Benchmark
    public Object transformDirect() {
        BenchPackets.describe(request, timedSession, CryptoOp.OPEN, packet);
        Object s = transform.process(request);
        packet.swapSpare();
        return s;
    }

    @Benchmark
    public Object softwareDriver() {
        return openOn(timedSession);
    }

    @Benchmark
    public Object softwareDriverTimedEach() {
        return openOn(timedEachSession);
    }

    @Benchmark
    public Object softwareDriverUntimed() {
        return openOn(untimedSession);
    }

    /** One OPEN submitted on {@code session} with the INLINE continuation, the packet's arrays swapped back. */
    private Object openOn(CryptoSession session) {
        BenchPackets.describe(request, session, CryptoOp.OPEN, packet);
        session.submit(request, ctx);
        packet.swapSpare();
        return request.status();
    }
}
