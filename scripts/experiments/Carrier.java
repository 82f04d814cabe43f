import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How long does the virtual threads' carrier look for work before it sleeps? One carrier
 * (jdk.virtualThreadScheduler.parallelism=1) on CPU 1 runs one virtual thread that does WORK ns each
 * time it is unparked and parks again; a device thread on CPU 0 sees it park, waits DELAY ns and
 * unparks it. Prints, per run of the virtual thread over three seconds after a second's warm-up, the
 * carrier's voluntary switches (it slept) and involuntary ones from /proc: about 1 while DELAY is
 * longer than the pool's look for work before it parks (ForkJoinPool.deactivate's spin), about 0
 * once shorter. Run as root or with taskset allowed:
 * {@code java scripts/experiments/Carrier.java DELAY WORK}, e.g. {@code 6000 1000}.
 */
public class Carrier {
    static volatile boolean stop;
    static final AtomicInteger parked = new AtomicInteger();
    static final AtomicLong runs = new AtomicLong();
    static Thread vt;

    static void spin(long ns) {
        long e = System.nanoTime() + ns;
        while (System.nanoTime() < e) {
            Thread.onSpinWait();
        }
    }

    public static void main(String[] a) throws Exception {
        System.setProperty("jdk.virtualThreadScheduler.parallelism", "1");
        System.setProperty("jdk.virtualThreadScheduler.maxPoolSize", "1");
        long delay = Long.parseLong(a[0]);
        long work = Long.parseLong(a[1]);
        vt = Thread.ofVirtual().unstarted(() -> {
            while (!stop) {
                parked.set(1);
                while (parked.get() == 1 && !stop) {
                    LockSupport.park();
                }
                runs.incrementAndGet();
                spin(work);
            }
        });
        vt.start();
        Thread device = new Thread(() -> {
            while (!stop) {
                while (parked.get() != 1 && !stop) {
                    Thread.onSpinWait();
                }
                long due = System.nanoTime() + delay;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                if (parked.compareAndSet(1, 0)) {
                    LockSupport.unpark(vt);
                }
            }
        }, "carrier-device");
        device.setDaemon(true);
        device.start();
        Thread.sleep(50);
        ProcThreads.pin("ForkJoinPool-1-", 1);
        ProcThreads.pin("carrier-device", 0);
        Thread.sleep(1000);
        long[] c0 = ProcThreads.switches("ForkJoinPool-1-");
        long r0 = runs.get();
        Thread.sleep(3000);
        long[] c1 = ProcThreads.switches("ForkJoinPool-1-");
        long n = runs.get() - r0;
        System.out.printf("delay %d ns, work %d ns: %d runs; per run the carrier slept %.3f and was preempted %.3f times%n",
                delay, work, n, (c1[0] - c0[0]) / (double) n, (c1[1] - c0[1]) / (double) n);
        stop = true;
        System.exit(0);
    }
}
