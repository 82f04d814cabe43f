package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.StageContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The virtual-thread carrier: a fixed set of virtual workers, each a virtual thread with its own
 * {@link StageContext}, running the same {@link Body} written in blocking style. Waiting (for a
 * ring's interrupt, a crypto completion, an item from a {@link VirtualInbox}) parks the virtual
 * thread and frees its carrier, so the code reads like the interrupt-thread design while the
 * operating system sees only the carriers: the "threads' programming model at continuations' cost"
 * the {@code vthread} model measures.
 *
 * <pre>
 *   virtual workers:  vt/0   vt/1   ...   vt/n-1        each: Body.run(self), parks in self.await*
 *                       \      |            /
 *   carriers (OS):     ForkJoinPool carrier threads      (jdk.virtualThreadScheduler.parallelism)
 * </pre>
 *
 * <p>What the body may do: block on anything that parks (j.u.c locks, {@link VirtualWorker} waits,
 * blocking I/O); avoid {@code synchronized} around long waits (on Java 25 a monitor no longer pins
 * the carrier, but j.u.c locks are what this package uses); must return once
 * {@link VirtualWorker#running()} is false and its queued work is done.
 *
 * <p>Measuring: the carriers, not the virtual threads, are the host's OS threads. They are created
 * by the JDK's scheduler, not by the injected factory, so the runtime registers them from inside a
 * worker (a {@code gettid} on a virtual thread returns its current carrier's id).
 *
 * <p>Threading: {@link #start}, {@link #stop}, {@link #join} from a controlling thread.
 */
public final class VirtualWorkers implements Lifecycle {

    /** The blocking-style code every worker runs. */
    @FunctionalInterface
    public interface Body {
        void run(VirtualWorker self) throws Exception;
    }

    private final String name;
    private final ThreadFactory threads;
    private final IdleStrategy idle;
    private final Body body;
    private final VirtualWorker[] workers;
    private final List<Thread> started = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Throwable failure;

    /**
     * @param name    workers are named {@code name/i}
     * @param count   number of virtual workers
     * @param threads a virtual-thread factory (a platform factory works too, and then measures threads)
     * @param idle    how workers wait: {@link IdleStrategies#PARK} unless measuring spinning on purpose
     */
    public VirtualWorkers(String name, int count, ThreadFactory threads, Clock clock, IdleStrategy idle, Body body) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one worker: count=" + count);
        }
        this.name = name;
        this.threads = threads;
        this.idle = idle;
        this.body = body;
        this.workers = new VirtualWorker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new VirtualWorker(this, i, new StageContext(name + "/" + i, clock));
        }
    }

    public VirtualWorker worker(int i) {
        return workers[i];
    }

    public int count() {
        return workers.length;
    }

    public String name() {
        return name;
    }

    IdleStrategy idle() {
        return idle;
    }

    boolean stopping() {
        return stopping;
    }

    /** @return the workers' stage contexts (counters; read exactly after join) */
    public List<StageContext> stages() {
        List<StageContext> out = new ArrayList<>(workers.length);
        for (VirtualWorker w : workers) {
            out.add(w.stage());
        }
        return out;
    }

    @Override
    public synchronized void start() {
        if (!started.isEmpty()) {
            throw new IllegalStateException("virtual workers " + name + " started twice");
        }
        for (VirtualWorker w : workers) {
            Thread t = threads.newThread(() -> runWorker(w));
            t.setName(w.stage().name());
            started.add(t);
        }
        for (Thread t : started) {
            t.start();
        }
    }

    private void runWorker(VirtualWorker w) {
        try {
            body.run(w);
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }
    }

    @Override
    public void stop() {
        stopping = true;
        for (VirtualWorker w : workers) {
            w.wake();
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        for (Thread t : threads()) {
            if (!t.join(timeout)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized List<Thread> threads() {
        return List.copyOf(started);
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        stop();
        boolean ended;
        try {
            ended = join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (ended) {
            for (VirtualWorker w : workers) {
                w.stage().close(); // a worker still running keeps its slot: leaked, never shared
            }
        }
    }

    @Override
    public String toString() {
        return "VirtualWorkers{" + name + ", count=" + workers.length + ", idle=" + idle.label() + '}';
    }
}
