package dev.dispatchlab.dispatch;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompletionTargetsTest {

    private final ManualClock clock = new ManualClock();
    private final StageContext completer = new StageContext("crypto-intr", clock);

    @AfterEach
    void close() {
        completer.close();
    }

    /** Records where its continuation ran. */
    private static final class Probe {
        final AtomicReference<String> thread = new AtomicReference<>();
        final AtomicReference<StageContext> ctx = new AtomicReference<>();
        final AtomicReference<CryptoStatus> status = new AtomicReference<>();
        final CountDownLatch ran = new CountDownLatch(1);

        CryptoRequest request(CompletionTarget target) {
            CryptoRequest r = new CryptoRequest();
            r.then((req, c) -> {
                thread.set(Thread.currentThread().getName());
                ctx.set(c);
                status.set(req.status());
                ran.countDown();
            }, target);
            r.status(CryptoStatus.OK);
            return r;
        }
    }

    @Test
    void theSoftintTargetRunsTheContinuationOnTheSoftnetThread() throws Exception {
        try (Softints softints = new Softints(2, Lifecycle.plainThreads(), clock, IdleStrategies.PARK)) {
            CompletionTarget target = CompletionTargets.softint(softints, SoftintLevel.NET, 1, 64, 16);
            softints.start();
            Probe probe = new Probe();
            CryptoRequest r = probe.request(target);
            r.target().complete(r, completer);
            Await.latch(probe.ran, "the continuation");

            assertThat(probe.thread.get()).isEqualTo("softnet/1");
            assertThat(probe.ctx.get()).isSameAs(softints.context(SoftintLevel.NET, 1).stage());
            assertThat(target.name()).isEqualTo("softnet/1");
            assertThat(completer.counters().get(Counter.HANDOFF)).isEqualTo(1);
            assertThat(completer.counters().get(Counter.SOFTINT_SCHEDULED)).isEqualTo(1);
        }
    }

    @Test
    void theContinuationTargetIsDeferredFromAnotherThreadAndImmediateOnItsOwn() throws Exception {
        ExecutionContext cpu0 = new ExecutionContext("kcont/0", Lifecycle.plainThreads(), clock, IdleStrategies.PARK);
        CompletionTarget target = CompletionTargets.continuation(cpu0, 64, 16);
        Probe inline = new Probe();
        CryptoRequest sameCpu = inline.request(target);
        AtomicReference<String> order = new AtomicReference<>("");
        // a source on the context completes a request itself, as the software driver does in its submitter
        Continuation<CryptoRequest> submitOnCpu0 = new Continuation<>("submit", cpu0, (r, ctx) -> {
            r.target().complete(r, ctx);
            order.set(inline.ran.getCount() == 0 ? "continuation ran inside complete()" : "deferred");
        }, 4, 4);
        cpu0.start();
        try (cpu0) {
            Probe deferred = new Probe();
            CryptoRequest fromElsewhere = deferred.request(target);
            fromElsewhere.target().complete(fromElsewhere, completer);
            Await.latch(deferred.ran, "the deferred continuation");
            assertThat(deferred.thread.get()).isEqualTo("kcont/0");
            assertThat(completer.counters().get(Counter.CONTINUATION_DEFERRED)).isEqualTo(1);

            submitOnCpu0.schedule(sameCpu, completer);
            Await.latch(inline.ran, "the immediate continuation");
            Await.until(() -> !order.get().isEmpty(), "the submitting source to return");
            assertThat(order.get()).isEqualTo("continuation ran inside complete()");
            cpu0.stop();
            assertThat(cpu0.join(Duration.ofSeconds(10))).isTrue();
            assertThat(cpu0.stage().counters().get(Counter.CONTINUATION_IMMEDIATE)).isEqualTo(1);
        }
    }

    @Test
    void theWorkQueueTargetRunsTheContinuationOnTheWorker() throws Exception {
        try (WorkQueue<CryptoRequest> wq = new WorkQueue<>("cryptowq", 2, Lifecycle.plainThreads(), clock,
                IdleStrategies.PARK, 64, 16, CompletionTargets.RUN_CONTINUATION_WORKER)) {
            CompletionTarget target = CompletionTargets.workQueue(wq, 1);
            wq.start();
            Probe probe = new Probe();
            CryptoRequest r = probe.request(target);
            r.target().complete(r, completer);
            Await.latch(probe.ran, "the continuation");
            assertThat(probe.thread.get()).isEqualTo("cryptowq/1");
            assertThat(probe.ctx.get()).isSameAs(wq.context(1).stage());
        }
        try (WorkQueue<CryptoRequest> other = new WorkQueue<>("other", 1, Lifecycle.plainThreads(), clock,
                IdleStrategies.PARK, 4, 4, (r, ctx) -> { })) {
            assertThatThrownBy(() -> CompletionTargets.workQueue(other, 0)).hasMessageContaining("RUN_CONTINUATION_WORKER");
        }
    }

    @Test
    void aCompletionThatCannotBeQueuedFailsAndRunsInTheCompleter() {
        ExecutionContext cpu0 = new ExecutionContext("kcont/0", Lifecycle.plainThreads(), clock, IdleStrategies.PARK);
        try (cpu0) {
            CompletionTarget target = CompletionTargets.continuation(cpu0, 2, 16); // never started: nothing drains
            CryptoRequest a = new Probe().request(target);
            a.target().complete(a, completer);
            CryptoRequest b = new Probe().request(target);
            b.target().complete(b, completer);
            Probe refused = new Probe();
            CryptoRequest c = refused.request(target);
            c.target().complete(c, completer);

            assertThat(refused.ran.getCount()).as("ran at once, in the completer").isZero();
            assertThat(refused.ctx.get()).isSameAs(completer);
            assertThat(refused.status.get()).isEqualTo(CryptoStatus.QUEUE_FULL);
            assertThat(completer.counters().get(Counter.QUEUE_FULL)).isEqualTo(1);
        }
    }
}
