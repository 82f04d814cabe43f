package dev.dispatchlab.os;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurrentThreadTest {

    /** Runs {@code body} on a fresh platform thread named {@code name} and returns what it returned. */
    private static <T> T onNewThread(String name, java.util.concurrent.Callable<T> body) throws Exception {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name(name).start(() -> {
            try {
                out.set(body.call());
            } catch (Throwable e) {
                err.set(e);
            }
        });
        t.join();
        if (err.get() instanceof Exception e) {
            throw e;
        }
        if (err.get() != null) {
            throw new AssertionError(err.get());
        }
        return out.get();
    }

    @Test
    void tidNamesTheCallingThreadsTaskDirectory() throws Exception {
        String comm = onNewThread("tid-probe-thread-long-name", () ->
                Files.readString(Path.of("/proc/self/task/" + CurrentThread.tid() + "/comm")).strip());
        // HotSpot gives the kernel thread the Java name, cut to 15 characters
        assertThat(comm).isEqualTo("tid-probe-threa");
    }

    @Test
    void tidsOfTwoThreadsDiffer() throws Exception {
        int a = onNewThread("a", CurrentThread::tid);
        int b = CurrentThread.tid();
        assertThat(a).isNotEqualTo(b).isPositive();
        assertThat(b).isPositive();
    }

    @Test
    void pinningIsSeenByTheKernelAndByGetAffinity() throws Exception {
        int last = Cpus.online() - 1;
        String[] seen = onNewThread("pin-probe", () -> {
            CurrentThread.pin(CpuSet.of(last));
            String status = Files.readString(Path.of("/proc/self/task/" + CurrentThread.tid() + "/status"));
            String allowed = status.lines().filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                    .substring("Cpus_allowed_list:".length()).strip();
            return new String[] {CurrentThread.affinity().toString(), allowed};
        });
        assertThat(seen[0]).isEqualTo(Integer.toString(last));
        assertThat(seen[1]).isEqualTo(Integer.toString(last));
    }

    @Test
    void affinityOfAnUnpinnedThreadIsWithinTheOnlineCpus() {
        CpuSet mine = CurrentThread.affinity();
        assertThat(mine.size()).isBetween(1, Cpus.online());
        assertThat(Cpus.configured()).isGreaterThanOrEqualTo(Cpus.online());
    }

    @Test
    void pinningToACpuThatDoesNotExistFailsWithTheCallAndErrno() throws Exception {
        Throwable t = onNewThread("bad-pin", () -> {
            try {
                CurrentThread.pin(CpuSet.of(CpuSet.MAX_CPUS - 1));
                return null;
            } catch (SystemCallException e) {
                return e;
            }
        });
        assertThat(t).isInstanceOf(SystemCallException.class);
        SystemCallException e = (SystemCallException) t;
        assertThat(e.errno()).isEqualTo(22);
        assertThat(e.call()).startsWith("sched_setaffinity");
        assertThat(e.getMessage()).contains("sched_setaffinity", "cpus=1023", "errno 22 EINVAL", "Invalid argument");
    }

    @Test
    void emptyCpuSetIsRefusedBeforeTheCall() {
        assertThatThrownBy(() -> CurrentThread.pin(CpuSet.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }
}
