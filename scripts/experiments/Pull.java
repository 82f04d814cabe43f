import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Does Linux preempt a puller with the user it wakes? The experiment behind the simulator's rule for
 * a thread woken from a delayed sleep ({@code SimCpu}, {@code FairShareTest}).
 *
 * <pre>
 *   driver (CPU 0): an item every GAP ns; unparks the puller if it parked
 *   puller (CPU 1): per item COST ns of work; a pass ends after BUDGET items or an empty ring, with a
 *                   wakeup of the user if it parked; an empty ring then parks the puller
 *   user   (CPU 1): per item read USER ns of work; parks when it has read everything
 * </pre>
 * Prints, per item over three seconds after a second's warm-up, the puller's voluntary switches
 * (it slept) and involuntary ones (it was preempted) and the user's, from /proc. Run as root or with
 * taskset allowed; Java 25 runs the file directly:
 * {@code java scripts/experiments/Pull.java GAP COST USER BUDGET}, e.g. {@code 2000 700 120 64}.
 */
public class Pull {
    static volatile boolean stop;
    static void spin(long ns) { long e = System.nanoTime() + ns; while (System.nanoTime() < e) { } }
    static final AtomicLong produced = new AtomicLong(), delivered = new AtomicLong();
    static volatile long consumedByUser;
    static final AtomicInteger pullerState = new AtomicInteger(); // 0 running, 1 parked
    static final AtomicInteger userState = new AtomicInteger();
    static Thread puller, user;
    static long pullCost, userCost; static int budget;

    static void pullerLoop() {
        long consumed = 0;
        boolean wakePending = false;
        while (!stop) {
            int n = 0;
            while (n < budget && consumed < produced.get()) {
                spin(pullCost); consumed++; n++;
                delivered.incrementAndGet(); wakePending = true;
            }
            // end of pass: deferred wakeup of the user
            if (wakePending) { wakePending = false; if (userState.get() == 1 && userState.compareAndSet(1, 0)) LockSupport.unpark(user); }
            if (n < budget) { // ring empty: sleep until the device signals
                pullerState.set(1);
                if (consumed < produced.get()) { pullerState.set(0); continue; }
                while (pullerState.get() == 1 && !stop) LockSupport.park();
            }
        }
    }
    static void userLoop() {
        long read = 0;
        while (!stop) {
            if (read < delivered.get()) { spin(userCost); read++; continue; }
            userState.set(1);
            if (read < delivered.get()) { userState.set(0); continue; }
            while (userState.get() == 1 && !stop) LockSupport.park();
        }
    }
    public static void main(String[] a) throws Exception {
        long gap = Long.parseLong(a[0]); pullCost = Long.parseLong(a[1]); userCost = Long.parseLong(a[2]); budget = Integer.parseInt(a[3]);
        puller = new Thread(Pull::pullerLoop, "puller"); user = new Thread(Pull::userLoop, "user");
        puller.setDaemon(true); user.setDaemon(true); puller.start(); user.start();
        Thread.sleep(100); ProcThreads.pin("puller", 1); ProcThreads.pin("user", 1);
        Thread.currentThread().setName("driver"); ProcThreads.pin("driver", 0); Thread.sleep(100);
        long end = System.nanoTime() + 4_000_000_000L, t0 = System.nanoTime(), next = t0;
        long[] pb = null, ub = null; long d0 = 0; boolean started = false;
        while (System.nanoTime() < end) {
            if (!started && System.nanoTime() - t0 > 1_000_000_000L) { pb = ProcThreads.switches("puller"); ub = ProcThreads.switches("user"); d0 = delivered.get(); started = true; }
            produced.incrementAndGet();
            if (pullerState.get() == 1 && pullerState.compareAndSet(1, 0)) LockSupport.unpark(puller);
            next += gap; while (System.nanoTime() < next) { }
        }
        long n = delivered.get() - d0;
        long[] p = ProcThreads.switches("puller"), u = ProcThreads.switches("user");
        System.out.printf("items %d: puller vol %.3f inv %.3f | user vol %.3f inv %.3f%n", n, (p[0]-pb[0])/(double)n, (p[1]-pb[1])/(double)n, (u[0]-ub[0])/(double)n, (u[1]-ub[1])/(double)n);
        stop = true;
    }
}
