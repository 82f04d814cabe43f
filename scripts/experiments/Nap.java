import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Does the thread a puller wakes preempt it, when the puller would otherwise find its ring empty and
 * sleep? A puller near saturation in miniature, for the simulator's scheduler, beside Pair.java.
 *
 * <pre>
 *   device (CPU 0): every PERIOD ns marks work pending and unparks the puller if it parked
 *   puller (CPU 1): when work is pending: WORK ns (a pass), unparks the user if it parked (the end of
 *                   the pass), CHECK ns (re-enabling the interrupt), then parks unless work is pending
 *   user   (CPU 1): RUN ns each time it is unparked, then parks
 * </pre>
 * Prints, per run of the user over three seconds after a second's warm-up, the puller's voluntary
 * switches (it slept) and involuntary ones (the user's wakeup preempted it) from /proc. Run as root
 * or with taskset allowed: {@code java scripts/experiments/Nap.java PERIOD WORK CHECK RUN [NICE]}, e.g.
 * {@code 20000 9000 500 5000}. With NICE, a thread spinning at that nice value shares the puller's CPU,
 * so that the CPU never idles between rounds.
 */
public class Nap {
    static volatile boolean stop;
    static final AtomicInteger pullerParked = new AtomicInteger();
    static final AtomicInteger userParked = new AtomicInteger();
    static final AtomicLong pending = new AtomicLong();
    static final AtomicLong pullerRuns = new AtomicLong();
    static final AtomicLong userRuns = new AtomicLong();
    static Thread puller;
    static Thread user;

    static void spin(long ns) {
        long e = System.nanoTime() + ns;
        while (System.nanoTime() < e) {
            Thread.onSpinWait();
        }
    }

    public static void main(String[] a) throws Exception {
        long period = Long.parseLong(a[0]);
        long work = Long.parseLong(a[1]);
        long check = Long.parseLong(a[2]);
        long run = Long.parseLong(a[3]);
        puller = new Thread(() -> {
            while (!stop) {
                pullerParked.set(1);
                if (pending.get() == 0) {
                    while (pullerParked.get() == 1 && !stop) {
                        LockSupport.park();
                    }
                }
                pullerParked.set(0);
                pending.set(0);
                pullerRuns.incrementAndGet();
                spin(work);
                if (userParked.get() == 1 && userParked.compareAndSet(1, 0)) {
                    LockSupport.unpark(user);
                }
                spin(check);
            }
        }, "nap-puller");
        user = new Thread(() -> {
            while (!stop) {
                userParked.set(1);
                while (userParked.get() == 1 && !stop) {
                    LockSupport.park();
                }
                userRuns.incrementAndGet();
                spin(run);
            }
        }, "nap-user");
        Thread device = new Thread(() -> {
            long next = System.nanoTime();
            while (!stop) {
                next += period;
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                pending.set(1);
                if (pullerParked.get() == 1 && pullerParked.compareAndSet(1, 0)) {
                    LockSupport.unpark(puller);
                }
            }
        }, "nap-device");
        Thread background = new Thread(() -> {
            while (!stop) {
                Thread.onSpinWait();
            }
        }, "nap-background");
        boolean withBackground = a.length > 4;
        for (Thread t : withBackground ? new Thread[] {puller, user, device, background}
                : new Thread[] {puller, user, device}) {
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(50);
        ProcThreads.pin("nap-puller", 1);
        ProcThreads.pin("nap-user", 1);
        ProcThreads.pin("nap-device", 0);
        if (withBackground) {
            ProcThreads.pin("nap-background", 1);
            ProcThreads.renice("nap-background", Integer.parseInt(a[4]));
        }
        Thread.sleep(1000);
        long[] p0 = ProcThreads.switches("nap-puller");
        long u0 = userRuns.get();
        long r0 = pullerRuns.get();
        Thread.sleep(3000);
        long[] p1 = ProcThreads.switches("nap-puller");
        long runs = userRuns.get() - u0;
        System.out.printf("puller passes %d, user runs %d: per user run the puller slept %.3f and was preempted %.3f times%n",
                pullerRuns.get() - r0, runs, (p1[0] - p0[0]) / (double) runs, (p1[1] - p0[1]) / (double) runs);
        stop = true;
    }
}
