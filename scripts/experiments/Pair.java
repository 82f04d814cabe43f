import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How often does Linux switch between a producer that never runs out of work (a NIC thread at the
 * maximum rate) and the consumer it wakes (softnet), both on CPU 1? The second experiment beside
 * Pull.java for the simulator's scheduler.
 *
 * <pre>
 *   producer: PRODUCE ns of work per item; a full queue (CAP items) drops it; else enqueues it and
 *             unparks the consumer if it parked
 *   consumer: CONSUME ns of work per item; parks when the queue is empty
 * </pre>
 * Prints, per item consumed over three seconds after a second's warm-up, each thread's voluntary and
 * involuntary switches from /proc, and the drops per item. Run as root or with taskset allowed:
 * {@code java scripts/experiments/Pair.java PRODUCE CONSUME CAP}, e.g. {@code 70 160 4096}.
 */
public class Pair {
    static volatile boolean stop;
    static void spin(long ns) { long e = System.nanoTime() + ns; while (System.nanoTime() < e) { } }
    static final AtomicLong enq = new AtomicLong(), deq = new AtomicLong(), drops = new AtomicLong();
    static final AtomicInteger consState = new AtomicInteger();
    static Thread prod, cons;
    static long pCost, cCost; static int cap;
    static void producer() {
        while (!stop) {
            spin(pCost);
            if (enq.get() - deq.get() >= cap) { drops.incrementAndGet(); continue; }
            enq.incrementAndGet();
            if (consState.get() == 1 && consState.compareAndSet(1, 0)) LockSupport.unpark(cons);
        }
    }
    static void consumer() {
        while (!stop) {
            if (deq.get() < enq.get()) { spin(cCost); deq.incrementAndGet(); continue; }
            consState.set(1);
            if (deq.get() < enq.get()) { consState.set(0); continue; }
            while (consState.get() == 1 && !stop) LockSupport.park();
        }
    }
    public static void main(String[] a) throws Exception {
        pCost = Long.parseLong(a[0]); cCost = Long.parseLong(a[1]); cap = Integer.parseInt(a[2]);
        prod = new Thread(Pair::producer, "producer"); cons = new Thread(Pair::consumer, "consumer");
        prod.setDaemon(true); cons.setDaemon(true);
        cons.start(); Thread.sleep(50); ProcThreads.pin("consumer", 1);
        prod.start(); Thread.sleep(1); ProcThreads.pin("producer", 1);
        Thread.sleep(1000);
        long[] pb = ProcThreads.switches("producer"), cb = ProcThreads.switches("consumer"); long d0 = deq.get();
        Thread.sleep(3000);
        long n = deq.get() - d0;
        long[] p = ProcThreads.switches("producer"), c = ProcThreads.switches("consumer");
        System.out.printf("items %d: producer vol %.4f inv %.4f | consumer vol %.4f inv %.4f | drops/item %.2f%n", n, (p[0]-pb[0])/(double)n, (p[1]-pb[1])/(double)n, (c[0]-cb[0])/(double)n, (c[1]-cb[1])/(double)n, drops.get() / (double) deq.get());
        stop = true;
    }
}
