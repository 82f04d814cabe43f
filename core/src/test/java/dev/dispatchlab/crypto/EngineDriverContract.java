package dev.dispatchlab.crypto;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static dev.dispatchlab.crypto.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The part of the contract only a driver with an engine can show: a full ring, a stalled engine
 * timing out, a session torn down under queued requests, an engine failure, shutdown, the
 * completion interrupt and its coalescing, and waiters that do not pin carriers. Requests here
 * carry {@link #LARGE} payloads, so that the auto driver sends them to its engine.
 */
abstract class EngineDriverContract extends CryptoDriverContract {

    /** @return the engine threads the driver was configured with */
    protected abstract int engines();

    protected abstract EngineFaults faults(CryptoDriver d);

    protected abstract int expireOverdue(CryptoDriver d, StageContext c);

    /** @return the engine's own figures (the auto driver's offload part) */
    protected abstract CryptoStatsSnapshot engineStats(CryptoDriver d);

    /** @return what a request gets when the submission ring is full: QUEUE_FULL, or OK where the driver falls back inline */
    protected abstract CryptoStatus whenRingFull();

    private OffloadConfig offload() {
        return config().offload().withEngines(engines());
    }

    /** A driver on a manual clock: no emulated latency, an interrupt per completion, timeout 1 ms, no watchdog thread. */
    private CryptoDriver manualDriver(ManualClock clock) {
        return make(config().withClock(clock).withOffload(offload().withRequestLatencyNanos(0).withCoalescing(1, 0)
                .withTimeout(1_000_000, 0)));
    }

    private static List<Probe> probes(int n) {
        List<Probe> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Probe());
        }
        return out;
    }

    private CryptoRequest large(CryptoSession s, Probe probe, long seed) {
        PacketBuffer p = EspFixture.sealed(s.params(), LARGE, seed);
        return EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p).then(probe, CompletionTarget.INLINE);
    }

    /** Submits one request per engine and waits until every engine holds one, stalled. */
    private List<CryptoRequest> stallEveryEngine(CryptoDriver d, CryptoSession s, List<Probe> probes, StageContext c) {
        faults(d).stall();
        List<CryptoRequest> held = new ArrayList<>();
        for (int i = 0; i < engines(); i++) {
            CryptoRequest r = large(s, probes.get(i), 1000 + i);
            held.add(r);
            s.submit(r, c);
            int want = i + 1;
            await(() -> faults(d).heldRequests() == want);
        }
        return held;
    }

    @Test
    void fullSubmissionRingRefusesAtOnce() {
        CryptoDriver d = make(config().withOffload(offload().withRings(2, 2)));
        CryptoSession s = d.newSession(EspFixture.gcm128());
        List<Probe> probes = probes(engines() + 3);
        stallEveryEngine(d, s, probes, ctx);
        int next = engines();
        for (int i = 0; i < 2; i++, next++) {
            s.submit(large(s, probes.get(next), 2000 + i), ctx); // fills the 2-entry ring
        }
        Probe refused = probes.get(next);
        s.submit(large(s, refused, 3000), ctx);
        assertThat(refused.calls.get()).as("completed before submit returned").isEqualTo(1);
        assertThat(refused.thread).isSameAs(Thread.currentThread());
        assertThat(refused.status).isEqualTo(whenRingFull());
        faults(d).resume();
        await(() -> probes.stream().allMatch(pr -> pr.calls.get() > 0));
        d.shutdown(ctx);
        assertThat(probes).allSatisfy(pr -> assertThat(pr.calls.get()).isEqualTo(1));
        assertThat(probes.subList(0, next)).allSatisfy(pr -> assertThat(pr.status).isEqualTo(CryptoStatus.OK));
        CryptoStatsSnapshot st = d.stats();
        assertThat(st.completed(CryptoStatus.QUEUE_FULL)).isEqualTo(whenRingFull() == CryptoStatus.QUEUE_FULL ? 1 : 0);
        assertThat(st.submitted()).isEqualTo(probes.size());
        assertThat(engineStats(d).queueHighWater()).isEqualTo(2);
    }

    @Test
    void stalledEngineTimesOutAndItsLateResultIsDiscarded() {
        ManualClock clock = new ManualClock();
        CryptoDriver d = manualDriver(clock);
        CryptoSession s = d.newSession(EspFixture.gcm128());
        List<Probe> probes = probes(engines() + 1);
        List<CryptoRequest> all = new ArrayList<>(stallEveryEngine(d, s, probes, ctx));
        CryptoRequest queued = large(s, probes.get(engines()), 4000);
        all.add(queued);
        s.submit(queued, ctx);
        List<byte[]> before = new ArrayList<>();
        for (CryptoRequest r : all) {
            before.add(r.packet().toArray());
        }
        assertThat(expireOverdue(d, ctx)).as("nothing is overdue yet").isZero();
        clock.advance(2_000_000);
        assertThat(expireOverdue(d, ctx)).isEqualTo(engines() + 1);
        await(() -> probes.stream().allMatch(pr -> pr.calls.get() > 0)); // delivered while the engines are stalled
        assertThat(probes).allSatisfy(pr -> assertThat(pr.status).isEqualTo(CryptoStatus.TIMEOUT));
        faults(d).resume();
        await(() -> engineStats(d).event(CryptoCounter.LATE_COMPLETIONS_DISCARDED) == engines());
        await(() -> engineStats(d).event(CryptoCounter.STALE_DESCRIPTORS) == 1);
        d.shutdown(ctx);
        assertThat(probes).allSatisfy(pr -> assertThat(pr.calls.get()).isEqualTo(1));
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).packet().toArray()).as("packet %d untouched", i).isEqualTo(before.get(i));
            assertThat(all.get(i).status().dropReason()).isEqualTo(dev.dispatchlab.metrics.DropReason.CRYPTO_TIMEOUT);
        }
        CryptoStatsSnapshot st = engineStats(d);
        assertThat(st.completed(CryptoStatus.TIMEOUT)).isEqualTo(engines() + 1);
        assertThat(st.event(CryptoCounter.WATCHDOG_EXPIRED)).isEqualTo(engines() + 1);
        assertThat(st.event(CryptoCounter.ENGINE_REQUESTS)).isZero();
    }

    @Test
    void tearingDownASessionCompletesItsQueuedRequestsAsClosed() {
        CryptoDriver d = make(config().withOffload(offload()));
        CryptoSession a = d.newSession(EspFixture.gcm128());
        CryptoSession b = d.newSession(EspFixture.gcm128());
        List<Probe> pa = probes(engines() + 2);
        stallEveryEngine(d, a, pa, ctx);
        for (int i = engines(); i < pa.size(); i++) {
            a.submit(large(a, pa.get(i), 5000 + i), ctx);
        }
        Probe pb = new Probe();
        CryptoRequest rb = large(b, pb, 6000);
        b.submit(rb, ctx);
        a.close();
        await(() -> pa.stream().allMatch(pr -> pr.calls.get() > 0)); // delivered while the engines are still stalled
        assertThat(pa).allSatisfy(pr -> assertThat(pr.status).isEqualTo(CryptoStatus.SESSION_CLOSED));
        assertThat(rb.isDone()).as("the other session's request waits for the engine").isFalse();
        faults(d).resume();
        await(() -> pb.calls.get() > 0);
        assertThat(pb.status).isEqualTo(CryptoStatus.OK);
        // each engine comes back to its held request and finds it already completed
        await(() -> engineStats(d).event(CryptoCounter.LATE_COMPLETIONS_DISCARDED) == engines());
        d.shutdown(ctx);
        assertThat(pa).allSatisfy(pr -> assertThat(pr.calls.get()).isEqualTo(1));
        assertThat(pb.calls.get()).isEqualTo(1);
        assertThat(a.stats().completed(CryptoStatus.SESSION_CLOSED)).isEqualTo(pa.size());
        assertThat(engineStats(d).event(CryptoCounter.SESSION_CANCELLED)).isEqualTo(pa.size());
    }

    @Test
    void engineFailureIsReportedAndThePacketUntouched() {
        CryptoSession s = driver.newSession(EspFixture.gcm128());
        faults(driver).failNext(1);
        PacketBuffer p = EspFixture.sealed(s.params(), LARGE, 77);
        byte[] before = p.toArray();
        CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p);
        assertThat(WaiterTarget.submitAndWait(r, ctx)).isEqualTo(CryptoStatus.ENGINE_FAILURE);
        assertThat(p.toArray()).isEqualTo(before);
        assertThat(r.status().dropReason()).isEqualTo(dev.dispatchlab.metrics.DropReason.ENGINE_FAILURE);
        assertThat(openSync(s, EspFixture.sealed(s.params(), LARGE, 78), ctx)).isEqualTo(CryptoStatus.OK);
    }

    @Test
    void shutdownFailsQueuedRequestsAndRefusesLaterOnes() {
        CryptoDriver d = make(config().withOffload(offload()));
        CryptoSession s = d.newSession(EspFixture.gcm128());
        List<Probe> probes = probes(engines() + 2);
        stallEveryEngine(d, s, probes, ctx);
        for (int i = engines(); i < probes.size(); i++) {
            s.submit(large(s, probes.get(i), 7000 + i), ctx);
        }
        d.shutdown(ctx);
        assertThat(probes).allSatisfy(pr -> {
            assertThat(pr.calls.get()).isEqualTo(1);
            assertThat(pr.status).isEqualTo(CryptoStatus.ENGINE_FAILURE);
            assertThat(pr.thread).isSameAs(Thread.currentThread());
        });
        Probe late = new Probe();
        s.submit(large(s, late, 7999), ctx);
        assertThat(late.calls.get()).isEqualTo(1);
        assertThat(late.status).isEqualTo(CryptoStatus.ENGINE_FAILURE);
    }

    @Test
    void requestSubmittedTwiceWhileInFlightIsABug() {
        CryptoDriver d = make(config().withOffload(offload()));
        CryptoSession s = d.newSession(EspFixture.gcm128());
        List<Probe> probes = probes(engines());
        List<CryptoRequest> held = stallEveryEngine(d, s, probes, ctx);
        assertThatThrownBy(() -> s.submit(held.get(0), ctx)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in flight");
        assertThatThrownBy(() -> EspFixture.describe(held.get(0), s, CryptoOp.OPEN, held.get(0).packet()))
                .isInstanceOf(IllegalStateException.class);
        faults(d).resume();
        await(() -> probes.stream().allMatch(pr -> pr.calls.get() > 0));
        d.shutdown(ctx);
        assertThat(probes).allSatisfy(pr -> assertThat(pr.calls.get()).isEqualTo(1));
    }

    /**
     * The runtime's side of the completion interrupt: a line whose raise wakes an "interrupt thread"
     * that runs the drain with a small budget, NAPI style. Coalescing makes one interrupt serve many
     * completions; the manual clock keeps the coalescing timer out of it until the test moves time.
     */
    @Test
    void connectedInterruptLineIsServedByTheRuntimesContext() throws Exception {
        ManualClock clock = new ManualClock();
        CryptoDriver d = make(config().withClock(clock).withOffload(offload().withRequestLatencyNanos(0)
                .withCoalescing(8, 1_000_000_000L)));
        AtomicInteger raises = new AtomicInteger();
        IrqThread irq = new IrqThread(d);
        d.connectInterrupt(() -> {
            raises.incrementAndGet();
            LockSupport.unpark(irq.thread);
        });
        try {
            CryptoSession s = d.newSession(EspFixture.gcm128());
            int n = 16;
            List<Probe> probes = probes(n);
            CryptoRequest[] batch = new CryptoRequest[n];
            for (int i = 0; i < n; i++) {
                batch[i] = large(s, probes.get(i), 8000 + i);
            }
            d.submitBatch(batch, n, ctx);
            await(() -> engineStats(d).event(CryptoCounter.ENGINE_REQUESTS) == n);
            clock.advance(2_000_000_000L); // whatever is left unsignalled is now overdue
            expireOverdue(d, ctx);         // the watchdog's tick notices it and has an engine fire
            await(() -> probes.stream().allMatch(pr -> pr.calls.get() > 0));
            d.shutdown(ctx);
            assertThat(probes).allSatisfy(pr -> {
                assertThat(pr.calls.get()).isEqualTo(1);
                assertThat(pr.thread).isSameAs(irq.thread);
                assertThat(pr.status).isEqualTo(CryptoStatus.OK);
            });
            CryptoStatsSnapshot st = engineStats(d);
            long interrupts = st.event(CryptoCounter.INTERRUPTS);
            assertThat(interrupts).isBetween(1L, 3L);
            assertThat(interrupts + st.event(CryptoCounter.COALESCED_COMPLETIONS)).isEqualTo(n);
            assertThat(raises.get()).isEqualTo((int) interrupts);
            assertThat(st.event(CryptoCounter.DRAINED)).isEqualTo(n);
            assertThat(st.meanCompletionBatch()).isGreaterThan(1.0);
        } finally {
            irq.close();
        }
    }

    /** A runtime interrupt thread: parks until the line is raised, then drains with a budget until done. */
    private static final class IrqThread implements AutoCloseable {
        final Thread thread;
        private volatile boolean running = true;

        IrqThread(CryptoDriver d) {
            thread = Thread.ofPlatform().daemon().name("test-crypto-irq").start(() -> {
                try (StageContext ictx = new StageContext("test-crypto-irq", Clock.SYSTEM)) {
                    while (running) {
                        LockSupport.park(this);
                        while (d.drainCompletions(ictx, 4) == 4) {
                            // budget used up: more may wait
                        }
                    }
                }
            });
        }

        @Override
        public void close() {
            running = false;
            LockSupport.unpark(thread);
            TestSupport.join(thread);
        }
    }

    /**
     * Waiters park their virtual threads, not the carriers: with far more waiters than carriers all
     * parked on a stalled engine, another virtual thread still runs.
     */
    @Test
    void virtualThreadWaitersDoNotPinCarriers() throws Exception {
        CryptoDriver d = make(config().withOffload(offload().withRings(256, 256)));
        CryptoSession s = d.newSession(EspFixture.gcm128());
        faults(d).stall();
        int waiters = 4 * Runtime.getRuntime().availableProcessors() + 8;
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        List<Thread> vts = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            int seed = 9000 + i;
            vts.add(Thread.ofVirtual().start(() -> {
                try (StageContext vctx = new StageContext("test-vwaiter", Clock.SYSTEM)) {
                    PacketBuffer p = EspFixture.sealed(s.params(), LARGE, seed);
                    CryptoRequest r = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, p);
                    if (WaiterTarget.submitAndWait(r, vctx) == CryptoStatus.OK) {
                        ok.incrementAndGet();
                    }
                } finally {
                    finished.incrementAndGet();
                }
            }));
        }
        await(() -> engineStats(d).submitted() == waiters);
        AtomicInteger ranMeanwhile = new AtomicInteger();
        Thread.ofVirtual().start(ranMeanwhile::incrementAndGet).join();
        assertThat(ranMeanwhile.get()).isEqualTo(1);
        assertThat(finished.get()).as("all still waiting on the stalled engine").isZero();
        faults(d).resume();
        for (Thread t : vts) {
            t.join();
        }
        assertThat(ok.get()).isEqualTo(waiters);
    }
}
