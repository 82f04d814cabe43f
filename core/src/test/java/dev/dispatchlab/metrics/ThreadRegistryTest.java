package dev.dispatchlab.metrics;

import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.CurrentThread;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThreadRegistryTest {

    private final ThreadRegistry registry = new ThreadRegistry();

    @Test
    void factoryThreadsRegisterThemselvesWithTheirTidRoleAndName() throws Exception {
        AtomicReference<Integer> tid = new AtomicReference<>();
        AtomicReference<CpuSet> affinity = new AtomicReference<>();
        CpuSet cpu = CpuSet.of(CurrentThread.affinity().first());
        Thread t = registry.threadFactory(ThreadRole.DEVICE, "engine", cpu).newThread(() -> {
            tid.set(CurrentThread.tid());
            affinity.set(CurrentThread.affinity());
        });
        assertThat(t.isVirtual()).isFalse();
        assertThat(t.isDaemon()).isTrue();
        t.start();
        t.join();
        ThreadRegistry.Registration r = registry.registration(tid.get());
        assertThat(r.thread()).isSameAs(t);
        assertThat(r.role()).isEqualTo(ThreadRole.DEVICE);
        assertThat(r.name()).isEqualTo("engine-0");
        assertThat(affinity.get()).isEqualTo(cpu);
        assertThat(registry.registrations()).containsExactly(r);
        registry.forgetExited();
        assertThat(registry.registrations()).isEmpty();
    }

    @Test
    void theCurrentThreadCanRegisterAndAVirtualThreadCannot() throws Exception {
        ThreadRegistry.Registration me = registry.registerCurrent(ThreadRole.HOST);
        assertThat(me.tid()).isEqualTo(CurrentThread.tid());
        assertThat(me.thread()).isSameAs(Thread.currentThread());
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                registry.registerCurrent(ThreadRole.HOST);
            } catch (Throwable e) {
                err.set(e);
            }
        }).join();
        assertThat(err.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("classifyCarriers");
    }

    @Test
    void registeringATidThatDoesNotExistFails() {
        assertThatThrownBy(() -> registry.register(null, Integer.MAX_VALUE, ThreadRole.HOST, "ghost"))
                .hasMessageContaining("no thread " + Integer.MAX_VALUE);
    }

    @Test
    void statParsingFindsTheLastParenthesisAndBothCpuSources() {
        String stat = "77 (a) b) (c) S 1 2 3 4 5 6 7 8 9 10 150 50 13 14 15 16 17 18 9999 20 21";
        String status = "Name:\ta) b) (c\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";
        ThreadSample s = ProcTasks.parse(77, stat, status, "123456789 5 7\n");
        assertThat(s).isEqualTo(new ThreadSample(77, 9999, "a) b) (c", 'S', 12, 3, 123456789, 5));
        ThreadSample t = ProcTasks.parse(77, stat, status, null);
        assertThat(t.cpuNanos()).isEqualTo((150 + 50) * 10_000_000L);
        assertThat(t.waitNanos()).as("no schedstat, no run-queue wait").isEqualTo(-1);
    }
}
