import java.util.concurrent.atomic.AtomicLong;

/**
 * How far apart are this machine's two CPUs, and does it change? Two threads, pinned to CPU 0 and
 * CPU 1, hand one cache line back and forth (each waits, spinning, for the other's write), and the
 * program prints the round trip every SAMPLE_MS milliseconds for SECONDS seconds. On a virtual
 * machine the two vCPUs may sit on one physical core, two cores of one cache complex, or two
 * complexes, and the hypervisor may move them: the round trip then jumps between levels. The runtime
 * pays that distance on every frame the wire writes on the device CPU and a host thread reads.
 * Run as root or with taskset allowed: {@code java scripts/experiments/Bounce.java SECONDS SAMPLE_MS},
 * e.g. {@code 30 500}.
 */
public class Bounce {
    static final AtomicLong line = new AtomicLong();
    static volatile boolean stop;

    public static void main(String[] a) throws Exception {
        int seconds = Integer.parseInt(a[0]);
        int sampleMs = Integer.parseInt(a[1]);
        Thread far = new Thread(() -> {
            long v = 1;
            while (!stop) {
                while (line.get() != v && !stop) {
                    Thread.onSpinWait();
                }
                v += 2;
                line.set(v - 1);
            }
        }, "bounce-far");
        far.setDaemon(true);
        Thread.currentThread().setName("bounce-near");
        ProcThreads.pin("bounce-near", 1);
        far.start();
        Thread.sleep(20);
        ProcThreads.pin("bounce-far", 0);
        Thread.sleep(20);
        long v = 0; // the near side writes odd values, the far side answers with the next even one
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            long n = 0;
            long stopAt = t0 + sampleMs * 1_000_000L;
            while (System.nanoTime() < stopAt) {
                for (int i = 0; i < 1000; i++) {
                    line.set(v + 1);
                    while (line.get() != v + 2) {
                        Thread.onSpinWait();
                    }
                    v += 2;
                }
                n += 1000;
            }
            System.out.printf("%6.1f s  round trip %6.1f ns%n", (t0 - (end - seconds * 1_000_000_000L)) / 1e9,
                    (System.nanoTime() - t0) / (double) n);
        }
        stop = true;
    }
}
