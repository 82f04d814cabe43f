package dev.dispatchlab.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.dispatchlab.crypto.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every crypto driver keeps (see {@link CryptoDriver}), run against each driver by a
 * small subclass: results equal the software driver's for every algorithm, continuations run exactly
 * once and in the context asked for, failures come back with the right status, batches and stats.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class CryptoDriverContract {

    /** A payload the auto driver keeps inline. */
    static final int SMALL = 64;
    /** A payload the auto driver sends to the engine. */
    static final int LARGE = 1024;

    protected final TestSupport.RecordingThreads threads = new TestSupport.RecordingThreads();
    protected final List<CryptoDriver> extraDrivers = new ArrayList<>();
    protected CryptoDriver driver;
    protected StageContext ctx;

    /** Builds the driver under test. */
    protected abstract CryptoDriver create(CryptoDriverConfig config);

    /** @return true if an INLINE continuation of a request with this payload runs in the submitter */
    protected abstract boolean inlineRunsInSubmitter(int payloadLength);

    /** The configuration every test starts from: no timeouts, small rings, a short emulated latency. */
    protected CryptoDriverConfig config() {
        return CryptoDriverConfig.defaults().withThreadFactory(threads).withInlineLatencySampling(1)
                .withOffload(OffloadConfig.defaults().withRings(64, 64).withTimeout(0, 0).withRequestLatencyNanos(2_000))
                .withAuto(new AutoConfig(512, 48));
    }

    /** A second driver for a test that needs other settings; shut down after the test. */
    protected CryptoDriver make(CryptoDriverConfig config) {
        CryptoDriver d = create(config);
        extraDrivers.add(d);
        return d;
    }

    @BeforeEach
    void openDriver() {
        driver = create(config());
        ctx = new StageContext("test-submitter", Clock.SYSTEM);
    }

    @AfterEach
    void shutDriver() {
        for (CryptoDriver d : extraDrivers) {
            d.shutdown(ctx);
        }
        driver.shutdown(ctx);
        ctx.close();
    }

    /** Records how often and where a continuation ran. */
    static final class Probe implements CryptoCallback {
        final AtomicInteger calls = new AtomicInteger();
        volatile Thread thread;
        volatile CryptoStatus status;

        @Override
        public void cryptoDone(CryptoRequest r, StageContext c) {
            thread = Thread.currentThread();
            status = r.status();
            calls.incrementAndGet();
        }
    }

    static CryptoStatus openSync(CryptoSession s, PacketBuffer p, StageContext ctx) {
        CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p);
        return WaiterTarget.submitAndWait(r, ctx);
    }

    // ---- results ------------------------------------------------------------------------------------

    @Test
    void opensAndSealsEveryAlgorithmLikeTheSoftwareDriver() {
        SoftwareDriver sw = new SoftwareDriver();
        long seed = 11;
        for (SessionParams p : EspFixture.allParams(3)) {
            CryptoSession ref = sw.newSession(p);
            CryptoSession dut = driver.newSession(p);
            for (int len : new int[] {16, SMALL, LARGE, 1400}) {
                seed++;
                PacketBuffer sealed = EspFixture.sealed(p, len, seed);
                PacketBuffer a = EspFixture.copy(sealed);
                PacketBuffer b = EspFixture.copy(sealed);
                CryptoRequest ra = EspFixture.describe(new CryptoRequest(), ref, CryptoOp.OPEN, a);
                CryptoRequest rb = EspFixture.describe(new CryptoRequest(), dut, CryptoOp.OPEN, b);
                assertThat(WaiterTarget.submitAndWait(ra, ctx)).as("software open %s len %d", p, len).isEqualTo(CryptoStatus.OK);
                assertThat(WaiterTarget.submitAndWait(rb, ctx)).as("%s open %s len %d", driver.name(), p, len)
                        .isEqualTo(CryptoStatus.OK);
                assertThat(rb.swapped()).isEqualTo(ra.swapped());
                assertThat(EspFixture.payload(rb)).as("plaintext of %s len %d", p, len).isEqualTo(EspFixture.payload(ra));

                // another seed: the JCA refuses to encrypt under the key and nonce it last decrypted with
                PacketBuffer pa = EspFixture.plain(p, len, seed + 10_000);
                PacketBuffer pb = EspFixture.plain(p, len, seed + 10_000);
                CryptoRequest sa = EspFixture.describe(new CryptoRequest(), ref, CryptoOp.SEAL, pa);
                CryptoRequest sb = EspFixture.describe(new CryptoRequest(), dut, CryptoOp.SEAL, pb);
                assertThat(WaiterTarget.submitAndWait(sa, ctx)).as("software seal %s len %d", p, len).isEqualTo(CryptoStatus.OK);
                assertThat(WaiterTarget.submitAndWait(sb, ctx)).as("%s seal %s len %d", driver.name(), p, len)
                        .isEqualTo(CryptoStatus.OK);
                assertThat(pb.toArray()).as("sealed bytes of %s len %d", p, len).isEqualTo(pa.toArray());
            }
        }
    }

    // ---- where and how often the continuation runs --------------------------------------------------

    @Test
    void inlineContinuationRunsOnceInTheCompletingContext() {
        CryptoSession s = driver.newSession(EspFixture.gcm128());
        List<Probe> probes = new ArrayList<>();
        for (int len : new int[] {SMALL, LARGE}) {
            Probe probe = new Probe();
            probes.add(probe);
            PacketBuffer p = EspFixture.sealed(s.params(), len, len);
            CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p).then(probe, CompletionTarget.INLINE);
            s.submit(r, ctx);
            await(() -> probe.calls.get() > 0);
            assertThat(r.isDone()).isTrue();
            assertThat(probe.status).isEqualTo(CryptoStatus.OK);
            if (inlineRunsInSubmitter(len)) {
                assertThat(probe.thread).as("len %d", len).isSameAs(Thread.currentThread());
            } else {
                assertThat(probe.thread).as("len %d", len).isNotSameAs(Thread.currentThread());
                assertThat(threads.madeIt(probe.thread)).as("ran in a device thread of the driver: %s", probe.thread)
                        .isTrue();
            }
        }
        driver.shutdown(ctx); // nothing can be delivered after this: the counts are final
        assertThat(probes).allSatisfy(pr -> assertThat(pr.calls.get()).isEqualTo(1));
    }

    @Test
    void dispatchTargetRunsTheContinuationInItsOwnContext() throws Exception {
        CryptoSession s = driver.newSession(EspFixture.gcm128());
        try (TestSupport.ThreadTarget target = new TestSupport.ThreadTarget("test-softint")) {
            int n = 12;
            CryptoRequest[] batch = new CryptoRequest[n];
            Probe[] probes = new Probe[n];
            for (int i = 0; i < n; i++) {
                probes[i] = new Probe();
                PacketBuffer p = EspFixture.sealed(s.params(), i % 2 == 0 ? SMALL : LARGE, 100 + i);
                batch[i] = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p).then(probes[i], target);
            }
            driver.submitBatch(batch, n, ctx);
            await(() -> {
                for (Probe pr : probes) {
                    if (pr.calls.get() == 0) {
                        return false;
                    }
                }
                return true;
            });
            driver.shutdown(ctx);
            for (Probe pr : probes) {
                assertThat(pr.calls.get()).isEqualTo(1);
                assertThat(pr.thread).isSameAs(target.thread);
                assertThat(pr.status).isEqualTo(CryptoStatus.OK);
            }
            assertThat(target.overflows()).isZero();
            assertThat(target.schedules.get()).isBetween(1, n);
        }
    }

    @Test
    void waiterTargetResumesTheWaitingVirtualThread() throws Exception {
        CryptoSession s = driver.newSession(EspFixture.gcm128());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Thread> self = new AtomicReference<>();
        List<Probe> probes = new ArrayList<>();
        Thread vt = Thread.ofVirtual().name("test-waiter").start(() -> {
            self.set(Thread.currentThread());
            try (StageContext vctx = new StageContext("test-waiter", Clock.SYSTEM)) {
                for (int len : new int[] {SMALL, LARGE, SMALL, LARGE}) {
                    Probe probe = new Probe();
                    probes.add(probe);
                    PacketBuffer p = EspFixture.sealed(s.params(), len, 7 + len);
                    CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p).then(probe, null);
                    CryptoStatus st = WaiterTarget.submitAndWait(r, vctx);
                    if (st != CryptoStatus.OK || probe.calls.get() != 1 || probe.thread != Thread.currentThread()) {
                        throw new AssertionError("len " + len + ": status " + st + ", calls " + probe.calls.get()
                                + ", ran in " + probe.thread);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        vt.join();
        assertThat(failure.get()).isNull();
        assertThat(self.get().isVirtual()).isTrue();
        assertThat(probes).hasSize(4).allSatisfy(pr -> {
            assertThat(pr.thread).isSameAs(self.get());
            assertThat(pr.calls.get()).isEqualTo(1);
        });
    }

    // ---- statuses --------------------------------------------------------------------------------------

    @Test
    void flippedIcvBitIsAnIntegrityFailureAndReleasesNoPlaintext() {
        for (SessionParams p : EspFixture.allParams(5)) {
            if (!p.encryption().isAead() && p.integrity() == IntegrityAlgorithm.NONE) {
                continue; // nothing to check
            }
            CryptoSession s = driver.newSession(p);
            for (int len : new int[] {SMALL, LARGE}) {
                PacketBuffer pkt = EspFixture.sealed(p, len, 31 + len);
                pkt.data()[pkt.end() - 1] ^= 0x01;
                byte[] before = pkt.toArray();
                CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, pkt);
                assertThat(WaiterTarget.submitAndWait(r, ctx)).as("%s len %d", p, len)
                        .isEqualTo(CryptoStatus.INTEGRITY_FAILURE);
                assertThat(r.swapped()).isFalse();
                assertThat(pkt.toArray()).isEqualTo(before);
                assertThat(r.status().dropReason()).isEqualTo(dev.dispatchlab.metrics.DropReason.INTEGRITY);
            }
        }
    }

    @Test
    void requestOnAClosedSessionCompletesSessionClosed() {
        CryptoSession s = driver.newSession(EspFixture.gcm128());
        s.close();
        for (int len : new int[] {SMALL, LARGE}) {
            Probe probe = new Probe();
            PacketBuffer p = EspFixture.sealed(s.params(), len, 3);
            byte[] before = p.toArray();
            CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p).then(probe, CompletionTarget.INLINE);
            s.submit(r, ctx);
            await(() -> probe.calls.get() > 0);
            assertThat(probe.status).isEqualTo(CryptoStatus.SESSION_CLOSED);
            assertThat(p.toArray()).isEqualTo(before);
        }
        assertThat(s.stats().completed(CryptoStatus.SESSION_CLOSED)).isEqualTo(2);
    }

    @Test
    void requestIsReusableFromItsContinuationAndMustHaveOne() {
        CryptoSession s = driver.newSession(EspFixture.gcm128());
        PacketBuffer p = EspFixture.sealed(s.params(), SMALL, 9);
        Probe probe = new Probe();
        CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p);
        // the waiter target's callback resubmits: a request is reusable from its continuation on
        r.then((q, c) -> {
            probe.cryptoDone(q, c);
            if (probe.calls.get() == 1) {
                q.packet().swapSpare();
                EspFixture.describe(q, s, CryptoOp.OPEN, q.packet());
                s.submit(q, c);
            }
        }, CompletionTarget.INLINE);
        s.submit(r, ctx);
        await(() -> probe.calls.get() == 2);
        assertThat(probe.status).isEqualTo(CryptoStatus.OK);
        CryptoRequest never = new CryptoRequest();
        EspFixture.describe(never, s, CryptoOp.OPEN, p);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.submit(never, ctx))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no continuation");
    }

    // ---- batches and counts ----------------------------------------------------------------------------

    @Test
    void batchOfManySessionsRingsOneDoorbellAndCompletesEachOnce() {
        CryptoSession s1 = driver.newSession(EspFixture.gcm128());
        CryptoSession s2 = driver.newSession(EspFixture.allParams(9).get(2));
        int n = 16;
        CryptoRequest[] batch = new CryptoRequest[n];
        Probe[] probes = new Probe[n];
        for (int i = 0; i < n; i++) {
            CryptoSession s = i % 2 == 0 ? s1 : s2;
            probes[i] = new Probe();
            PacketBuffer p = EspFixture.sealed(s.params(), i < n / 2 ? SMALL : LARGE, 50 + i);
            batch[i] = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p).then(probes[i], CompletionTarget.INLINE);
        }
        driver.submitBatch(batch, n, ctx);
        await(() -> {
            for (Probe pr : probes) {
                if (pr.calls.get() == 0) {
                    return false;
                }
            }
            return true;
        });
        driver.shutdown(ctx);
        for (Probe pr : probes) {
            assertThat(pr.calls.get()).isEqualTo(1);
            assertThat(pr.status).isEqualTo(CryptoStatus.OK);
        }
        CryptoStatsSnapshot st = driver.stats();
        assertThat(st.submitted()).isEqualTo(n);
        assertThat(st.completed(CryptoStatus.OK)).isEqualTo(n);
        assertThat(st.inFlight()).isZero();
        assertThat(st.meanSubmitBatch()).isEqualTo((double) n);
        assertThat(s1.stats().completed(CryptoStatus.OK) + s2.stats().completed(CryptoStatus.OK)).isEqualTo(n);
    }

    @Test
    void statsSnapshotPrintsAndSerialisesToJson() throws Exception {
        CryptoSession s = driver.newSession(EspFixture.gcm128());
        for (int len : new int[] {SMALL, LARGE, LARGE}) {
            assertThat(openSync(s, EspFixture.sealed(s.params(), len, len + 1), ctx)).isEqualTo(CryptoStatus.OK);
        }
        CryptoStatsSnapshot st = driver.stats();
        assertThat(st.toString()).contains("crypto " + driver.name(), "submitted 3", "ok 3");
        long timed = st.latency() != null ? st.latency().count()
                : st.parts().stream().mapToLong(pt -> pt.latency().count()).sum();
        assertThat(timed).as("every request timed at sampling 1").isEqualTo(3);
        JsonNode json = new ObjectMapper().readTree(st.toJson());
        assertThat(json.get("owner").asText()).isEqualTo(driver.name());
        assertThat(json.get("submitted").asLong()).isEqualTo(3);
        assertThat(json.get("completed").get("ok").asLong()).isEqualTo(3);
        JsonNode session = new ObjectMapper().readTree(s.stats().toJson());
        assertThat(session.get("submitted").asLong()).isEqualTo(3);
        assertThat(session.get("completed").get("ok").asLong()).isEqualTo(3);
    }
}
