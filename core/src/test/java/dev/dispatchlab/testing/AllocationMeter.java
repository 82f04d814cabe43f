package dev.dispatchlab.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Measures what a warm loop allocates on the calling thread, for the allocation tests.
 *
 * <p>Why windows until one is clean: until C2 has compiled a loop, the interpreter and C1 code run
 * it without escape analysis and allocate what C2 would scalar-replace (the FFM call sites' segments,
 * boxed counters). On an idle machine a fixed warm-up is enough; on a loaded one the compiler threads
 * wait for a CPU and the first windows may all run C1 code. So the meter repeats the measured window
 * until one allocates less than the limit, or until its patience runs out. A real allocation per
 * packet or per batch in compiled code shows in every window, however long the meter waits, so the
 * test still fails on it; the meter only stops a slow compiler from failing it.
 *
 * <p>Threading: the caller's thread runs every window and is the thread whose bytes are counted.
 */
public final class AllocationMeter {

    private AllocationMeter() {
    }

    /** @return bytes allocated so far by the calling thread */
    public static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    /**
     * Runs {@code window} at least {@code minWindows} times, and then again until one window allocated
     * fewer than {@code below} bytes or {@code patience} has passed.
     *
     * @param window runs the measured loop once; returns how much work it did (bytes or packets), which
     *               must be positive: a window that did nothing measures nothing
     * @return the fewest bytes any window allocated (the meter's own reading cost subtracted)
     */
    public static long fewestBytes(LongSupplier window, long below, int minWindows, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        long fewest = Long.MAX_VALUE;
        for (int n = 0; n < minWindows || (fewest >= below && System.nanoTime() < deadline); n++) {
            long overhead = -allocatedByThisThread() + allocatedByThisThread();
            long before = allocatedByThisThread();
            long work = window.getAsLong();
            fewest = Math.min(fewest, allocatedByThisThread() - before - overhead);
            if (work <= 0) {
                throw new AssertionError("the measured window did no work (" + work + ")");
            }
        }
        return Math.max(0, fewest);
    }

    /**
     * Runs {@code main} (a class whose {@code main} measures a warm loop and prints the bytes it
     * allocated as its last line) in fresh JVMs, one after another, until one reads fewer than
     * {@code below} bytes or {@code jvms} have run.
     *
     * <p>The JVMs get this JVM's {@code -XX:} flags (surefire's, which are the launcher's JIT flags):
     * without {@code -XX:Tier3DelayOn=100000}, C1 compiled some FFM call sites with a partial profile
     * while C2's queue was long, and C2 then kept the JDK's 40-byte slice of the errno capture segment
     * per system call in 8 of 17 JVMs here (see {@code BatchUdpSocket}).
     *
     * <p>Why more than one JVM: which callees C2 inlines into a loop still depends on the order in
     * which its compilations finish, and one JVM, however long it waits, keeps the code it compiled.
     * As JMH runs forks, the test runs up to {@code jvms} and every reading is in its message. An
     * allocation in the loop's code itself shows in every JVM and still fails it.
     *
     * @return the readings, in the order the JVMs ran
     */
    public static List<Long> inFreshJvms(Class<?> main, long below, int jvms) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Long> readings = new ArrayList<>();
        for (int n = 0; n < jvms; n++) {
            List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("-XX:")) {
                    cmd.add(a);
                }
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError(main.getName() + " failed in a JVM of its own:\n" + out);
            }
            String[] lines = out.strip().split("\n");
            long bytes = Long.parseLong(lines[lines.length - 1].strip());
            readings.add(bytes);
            if (bytes < below) {
                break;
            }
        }
        return readings;
    }
}
