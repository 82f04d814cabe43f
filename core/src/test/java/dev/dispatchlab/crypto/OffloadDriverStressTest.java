package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpscArrayQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several submitters, two engines, a small ring (so some requests are refused), continuations split
 * between the interrupt context and a dispatch thread, and sessions torn down and replaced while
 * traffic runs. Every completion is counted per request: none lost, none twice, every OK result the
 * right plaintext, and the driver's and sessions' books balance. A deadlock fails on the timeout.
 */
@Timeout(value = 40, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OffloadDriverStressTest {

    private static final int SUBMITTERS = 3;
    private static final int REQUESTS_EACH = 12;
    private static final int SUBMISSIONS_EACH = 12_000;
    private static final int SESSIONS = 4;
    private static final long SEED = 20070221L;

    /** One reusable request with its packet and the plaintext an OPEN must yield. */
    private record Job(int id, CryptoRequest request, PacketBuffer packet, byte[] plain, MpscArrayQueue<Job> home) {
    }

    @Test
    void noCompletionIsLostOrDuplicatedUnderTrafficAndSessionTeardown() throws Exception {
        SessionParams params = EspFixture.gcm128();
        CryptoDriverConfig config = CryptoDriverConfig.defaults()
                .withOffload(OffloadConfig.defaults().withEngines(2).withRings(32, 16).withRequestLatencyNanos(1_000)
                        .withCoalescing(4, 20_000).withTimeout(20_000_000, 5_000_000));
        OffloadDriver driver = new OffloadDriver(config);
        AtomicReferenceArray<CryptoSession> sessions = new AtomicReferenceArray<>(SESSIONS);
        List<CryptoSession> allSessions = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            sessions.set(i, driver.newSession(params));
            allSessions.add(sessions.get(i));
        }
        int total = SUBMITTERS * REQUESTS_EACH;
        int[] submitted = new int[total];          // each id written by its own submitter only
        AtomicIntegerArray completed = new AtomicIntegerArray(total);
        AtomicIntegerArray inFlight = new AtomicIntegerArray(total);
        AtomicLongArray byStatus = new AtomicLongArray(CryptoStatus.count());
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger wrongPlaintext = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();

        CryptoCallback done = (r, c) -> {
            Job job = (Job) r.opaque();
            if (!inFlight.compareAndSet(job.id(), 1, 0)) {
                duplicates.incrementAndGet();
            }
            completed.incrementAndGet(job.id());
            byStatus.incrementAndGet(r.status().ordinal());
            if (r.status() == CryptoStatus.OK) {
                byte[] d = job.packet().data();
                if (!Arrays.equals(d, r.payloadStart(), r.payloadStart() + r.payloadLength(), job.plain(), 0,
                        job.plain().length)) {
                    wrongPlaintext.incrementAndGet();
                }
            }
            if (r.swapped()) {
                job.packet().swapSpare(); // the ciphertext back in front, for the next round
            }
            job.home().offer(job);
        };

        try (TestSupport.ThreadTarget softint = new TestSupport.ThreadTarget("stress-softint")) {
            List<MpscArrayQueue<Job>> homes = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                MpscArrayQueue<Job> home = new MpscArrayQueue<>(REQUESTS_EACH * 2);
                homes.add(home);
                for (int k = 0; k < REQUESTS_EACH; k++) {
                    int id = s * REQUESTS_EACH + k;
                    PacketBuffer plain = EspFixture.plain(params, k % 2 == 0 ? 64 : 256, SEED + id);
                    byte[] expected = Arrays.copyOfRange(plain.data(), plain.offset() + 16, plain.end() - 16);
                    PacketBuffer sealed = EspFixture.sealed(params, k % 2 == 0 ? 64 : 256, SEED + id);
                    CryptoRequest r = new CryptoRequest().then(done, id % 2 == 0 ? CompletionTarget.INLINE : softint);
                    Job job = new Job(id, r, sealed, expected, home);
                    r.opaque(job);
                    home.offer(job);
                }
            }

            AtomicInteger finishedSubmitters = new AtomicInteger();
            AtomicInteger teardowns = new AtomicInteger();
            Thread teardown = Thread.ofPlatform().name("stress-teardown").start(() -> {
                SplittableRandom rnd = new SplittableRandom(SEED);
                while (finishedSubmitters.get() < SUBMITTERS) {
                    int i = rnd.nextInt(SESSIONS);
                    CryptoSession fresh = driver.newSession(params);
                    allSessions.add(fresh);
                    sessions.getAndSet(i, fresh).close();
                    teardowns.incrementAndGet();
                    LockSupport.parkNanos(300_000);
                }
            });

            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                int me = s;
                MpscArrayQueue<Job> home = homes.get(s);
                submitters.add(Thread.ofPlatform().name("stress-submitter-" + s).start(() -> {
                    SplittableRandom rnd = new SplittableRandom(SEED + me);
                    CryptoRequest[] batch = new CryptoRequest[4];
                    try (StageContext ctx = new StageContext("stress-submitter-" + me, Clock.SYSTEM)) {
                        int sent = 0;
                        while (sent < SUBMISSIONS_EACH) {
                            int n = 0;
                            int want = me == 0 ? 1 : 1 + rnd.nextInt(batch.length); // submitter 0 never batches
                            Job job;
                            while (n < want && sent + n < SUBMISSIONS_EACH && (job = home.poll()) != null) {
                                CryptoSession session = sessions.get(rnd.nextInt(SESSIONS));
                                EspFixture.describe(job.request(), session, CryptoOp.OPEN, job.packet());
                                submitted[job.id()]++;
                                inFlight.set(job.id(), 1);
                                batch[n++] = job.request();
                            }
                            if (n == 0) {
                                Thread.yield(); // all our requests are out: wait for completions
                                continue;
                            }
                            if (n == 1) {
                                batch[0].session().submit(batch[0], ctx);
                            } else {
                                driver.submitBatch(batch, n, ctx);
                            }
                            sent += n;
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        finishedSubmitters.incrementAndGet();
                    }
                }));
            }
            for (Thread t : submitters) {
                t.join();
            }
            teardown.join();
            TestSupport.await(() -> homes.stream().allMatch(h -> h.size() == REQUESTS_EACH));
            try (StageContext ctx = new StageContext("stress-shutdown", Clock.SYSTEM)) {
                driver.shutdown(ctx);
            }

            assertThat(failure.get()).isNull();
            assertThat(driver.deviceFailure()).isNull();
            assertThat(duplicates.get()).isZero();
            assertThat(wrongPlaintext.get()).isZero();
            long sum = 0;
            for (int id = 0; id < total; id++) {
                assertThat(completed.get(id)).as("completions of request %d", id).isEqualTo(submitted[id]);
                assertThat(inFlight.get(id)).isZero();
                sum += submitted[id];
            }
            assertThat(sum).isEqualTo((long) SUBMITTERS * SUBMISSIONS_EACH);
            long statusSum = 0;
            for (int i = 0; i < CryptoStatus.count(); i++) {
                statusSum += byStatus.get(i);
            }
            assertThat(statusSum).isEqualTo(sum);
            assertThat(byStatus.get(CryptoStatus.OK.ordinal())).isPositive();
            assertThat(byStatus.get(CryptoStatus.INTEGRITY_FAILURE.ordinal())).isZero();
            assertThat(byStatus.get(CryptoStatus.ENGINE_FAILURE.ordinal())).isZero();
            assertThat(teardowns.get()).isPositive();
            assertThat(softint.overflows()).isZero();

            CryptoStatsSnapshot st = driver.stats();
            assertThat(st.submitted()).isEqualTo(sum);
            assertThat(st.completedTotal()).isEqualTo(sum);
            assertThat(st.inFlight()).isZero();
            for (CryptoStatus s : CryptoStatus.values()) {
                if (s != CryptoStatus.PENDING) {
                    assertThat(st.completed(s)).as("driver count of %s", s).isEqualTo(byStatus.get(s.ordinal()));
                }
            }
            // a completion is signalled at most once; the last few may have been drained before their interrupt fired
            assertThat(st.event(CryptoCounter.INTERRUPTS) + st.event(CryptoCounter.COALESCED_COMPLETIONS))
                    .isPositive().isLessThanOrEqualTo(st.event(CryptoCounter.DRAINED));
            long sessionSubmitted = 0;
            long sessionCompleted = 0;
            for (CryptoSession s : allSessions) {
                CryptoStatsSnapshot ss = s.stats();
                sessionSubmitted += ss.submitted();
                sessionCompleted += ss.completedTotal();
            }
            assertThat(sessionSubmitted).isEqualTo(sum);
            assertThat(sessionCompleted).isEqualTo(sum);
            System.out.println("stress: " + teardowns.get() + " session teardowns\n" + st);
        }
    }
}
