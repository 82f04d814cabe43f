package dev.dispatchlab.metrics;

import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.CurrentThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class ThreadSwitchesTest {

    /**
     * Extra voluntary switches the parked thread may make beyond the N sleeps forced on it: a
     * safepoint met on the way back from park, or the Parker's mutex found held by the waker
     * (possible only if the waker is preempted while holding it). 0 extra were seen in 400 runs,
     * 200 of them with two busy processes loading both CPUs.
     */
    private static final int SLACK = 20;

    private final ThreadRegistry registry = new ThreadRegistry();
    private final ThreadSwitches reader = new ThreadSwitches(registry, Clock.SYSTEM);

    /** Yields until thread {@code tid} is asleep in the kernel (state S) and {@code ready} holds. */
    private static void awaitAsleep(int tid, java.util.function.BooleanSupplier ready) {
        while (!(ready.getAsBoolean() && ThreadSwitches.sample(tid).state() == 'S')) {
            Thread.yield();
        }
    }

    /**
     * A sleeper and a waker pinned to one CPU. The waker hands over token i only after it has seen
     * the sleeper consume token i-1 and then lie asleep in the kernel, so every one of the N tokens
     * between the snapshots follows a real sleep: at least N voluntary switches.
     */
    @Test
    void aParkedThreadSwitchesVoluntarilyOncePerSleep() throws Exception {
        int n = 300;
        CpuSet oneCpu = CpuSet.of(CurrentThread.affinity().first());
        AtomicInteger token = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger sleeperTid = new AtomicInteger();
        Thread sleeper = registry.threadFactory(ThreadRole.HOST, "sleeper", oneCpu).newThread(() -> {
            sleeperTid.set(CurrentThread.tid());
            for (int i = 1; i <= n + 1; i++) {
                while (token.get() < i) {
                    LockSupport.park();
                }
                consumed.set(i);
            }
        });
        AtomicReference<SwitchSnapshot> start = new AtomicReference<>();
        AtomicReference<SwitchSnapshot> end = new AtomicReference<>();
        Thread waker = registry.threadFactory(ThreadRole.DEVICE, "waker", oneCpu).newThread(() -> {
            while (sleeperTid.get() == 0) {
                Thread.yield();
            }
            int tid = sleeperTid.get();
            for (int i = 1; i <= n + 1; i++) {
                int before = i - 1;
                awaitAsleep(tid, () -> consumed.get() == before);
                if (i == 1) {
                    start.set(reader.snapshot());
                } else if (i == n + 1) {
                    end.set(reader.snapshot());
                }
                token.set(i);
                LockSupport.unpark(sleeper);
            }
        });
        sleeper.start();
        waker.start();
        waker.join();
        sleeper.join();

        SwitchDelta d = SwitchDelta.between(start.get(), end.get());
        SwitchDelta.ThreadDelta s = d.thread(sleeperTid.get());
        assertThat(s.name()).isEqualTo("sleeper-0");
        assertThat(s.role()).isEqualTo(ThreadRole.HOST);
        assertThat(s.fate()).isEqualTo(SwitchDelta.Fate.LIVE);
        assertThat(s.voluntary()).isBetween((long) n, (long) n + SLACK);
        assertThat(d.totals(ThreadRole.HOST).voluntary()).isGreaterThanOrEqualTo(s.voluntary());
        assertThat(d.threads(ThreadRole.DEVICE)).extracting(SwitchDelta.ThreadDelta::name).contains("waker-0");
    }

    @Test
    void aSpinningThreadsCpuTimeGrowsWhileAParkedThreadsDoesNot() throws Exception {
        long spinNanos = 50_000_000L;
        AtomicInteger spinnerTid = new AtomicInteger();
        AtomicInteger parkedTid = new AtomicInteger();
        AtomicInteger phase = new AtomicInteger(); // 0 waiting, 1 spin, 2 spun
        AtomicInteger stop = new AtomicInteger();
        ThreadFactory host = registry.threadFactory(ThreadRole.HOST, "cpu");
        Thread spinner = host.newThread(() -> {
            spinnerTid.set(CurrentThread.tid());
            while (phase.get() == 0) {
                LockSupport.park();
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long from = mx.getCurrentThreadCpuTime();
            long x = 0;
            while (mx.getCurrentThreadCpuTime() - from < spinNanos) {
                x += x * 31 + 7;
            }
            phase.set(x == 42 ? 3 : 2);
            while (stop.get() == 0) {
                LockSupport.park();
            }
        });
        Thread parked = host.newThread(() -> {
            parkedTid.set(CurrentThread.tid());
            while (stop.get() == 0) {
                LockSupport.park();
            }
        });
        spinner.start();
        parked.start();
        while (spinnerTid.get() == 0 || parkedTid.get() == 0) {
            Thread.yield();
        }
        awaitAsleep(spinnerTid.get(), () -> true);
        awaitAsleep(parkedTid.get(), () -> true);
        SwitchSnapshot a = reader.snapshot();
        phase.set(1);
        LockSupport.unpark(spinner);
        awaitAsleep(spinnerTid.get(), () -> phase.get() >= 2);
        SwitchSnapshot b = reader.snapshot();
        stop.set(1);
        LockSupport.unpark(spinner);
        LockSupport.unpark(parked);
        spinner.join();
        parked.join();

        SwitchDelta d = SwitchDelta.between(a, b);
        assertThat(d.thread(spinnerTid.get()).cpuNanos()).isGreaterThanOrEqualTo(spinNanos);
        assertThat(d.thread(parkedTid.get()).cpuNanos()).isZero();
        assertThat(d.thread(parkedTid.get()).switches()).isZero();
        assertThat(d.totals(ThreadRole.HOST).cpuNanos()).isGreaterThanOrEqualTo(spinNanos);
        assertThat(d.cpuClock()).isEqualTo(ThreadSwitches.cpuClock());
    }

    @Test
    void aRegisteredThreadThatEndsKeepsItsFinalCountsAndAnUnregisteredOneIsReportedLost() throws Exception {
        AtomicInteger go = new AtomicInteger();
        AtomicInteger deviceTid = new AtomicInteger();
        AtomicInteger plainTid = new AtomicInteger();
        Thread device = registry.threadFactory(ThreadRole.DEVICE, "wire").newThread(() -> {
            deviceTid.set(CurrentThread.tid());
            while (go.get() == 0) {
                LockSupport.park();
            }
            for (int i = 0; i < 5; i++) {
                LockSupport.parkNanos(1_000_000); // nobody unparks: each is a sleep, so a voluntary switch
            }
        });
        Thread plain = Thread.ofPlatform().unstarted(() -> {
            plainTid.set(CurrentThread.tid());
            while (go.get() == 0) {
                LockSupport.park();
            }
        });
        device.start();
        plain.start();
        while (deviceTid.get() == 0 || plainTid.get() == 0) {
            Thread.yield();
        }
        SwitchSnapshot a = reader.snapshot();
        go.set(1);
        LockSupport.unpark(device);
        LockSupport.unpark(plain);
        device.join();
        plain.join();
        Thread later = registry.threadFactory(ThreadRole.HOST, "late").newThread(() -> LockSupport.parkNanos(1));
        later.start();
        later.join();
        SwitchDelta d = SwitchDelta.between(a, reader.snapshot());

        SwitchDelta.ThreadDelta wire = d.thread(deviceTid.get());
        assertThat(wire.fate()).isEqualTo(SwitchDelta.Fate.EXITED);
        assertThat(wire.voluntary()).isGreaterThanOrEqualTo(5);
        assertThat(d.totals(ThreadRole.DEVICE).voluntary()).isGreaterThanOrEqualTo(5);
        assertThat(d.lost()).extracting(SwitchDelta.ThreadDelta::tid).contains(plainTid.get());
        assertThat(d.totals(ThreadRole.OTHER).lostThreads()).isPositive();
        assertThat(d.threads(ThreadRole.HOST)).anySatisfy(t -> {
            assertThat(t.name()).isEqualTo("late-0");
            assertThat(t.fate()).isEqualTo(SwitchDelta.Fate.STARTED);
        });
        // a thread that ended before the interval does not appear again
        SwitchDelta next = SwitchDelta.between(reader.snapshot(), reader.snapshot());
        assertThat(next.thread(deviceTid.get())).isNull();
    }

    @Test
    void virtualThreadCarriersAreHostThreadsOnceClassified() throws Exception {
        Thread.ofVirtual().start(() -> LockSupport.parkNanos(1)).join();
        assertThat(reader.snapshot().rows()).filteredOn(r -> r.sample().comm().startsWith("ForkJoinPool-"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.role()).isEqualTo(ThreadRole.OTHER));
        registry.classifyCarriers();
        assertThat(reader.snapshot().rows()).filteredOn(r -> r.sample().comm().startsWith("ForkJoinPool-"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.role()).isEqualTo(ThreadRole.HOST));
    }
}
