package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.StageContext;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * What every primitive with one thread of its own shares: the thread (from the injected factory),
 * its stage context, its doorbell and idle strategy, and the {@link Lifecycle}: start once, stop
 * (set a flag, ring), join, close (give back the stage-context slot). Subclasses write
 * {@link #loop()}, which must end after a pass that finds nothing to do once {@link #stopping()}.
 */
abstract class DedicatedThread implements Lifecycle {

    private final String name;
    private final ThreadFactory threads;
    protected final IdleStrategy idle;
    protected final StageContext stage;
    protected final Doorbell bell = new Doorbell();

    /** Written before start, so every thread that can be this one sees it (benign race for others). */
    private Thread thread;
    private volatile boolean stopping;
    private volatile boolean ended;
    private volatile Throwable failure;

    DedicatedThread(String name, ThreadFactory threads, Clock clock, IdleStrategy idle) {
        this.name = name;
        this.threads = threads;
        this.idle = idle;
        this.stage = new StageContext(name, clock);
    }

    /** The thread's body: runs until stopping and drained. */
    protected abstract void loop();

    public final String name() {
        return name;
    }

    /** @return the stage context: use only on this thread, or after join */
    public final StageContext stage() {
        return stage;
    }

    public final IdleStrategy idle() {
        return idle;
    }

    /** @return true if the calling thread is this primitive's thread */
    public final boolean inContext() {
        return Thread.currentThread() == thread;
    }

    /** @return true once the thread has ended */
    public final boolean ended() {
        return ended;
    }

    protected final boolean stopping() {
        return stopping;
    }

    protected final boolean hasStarted() {
        synchronized (this) {
            return thread != null;
        }
    }

    @Override
    public final synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " started twice");
        }
        Thread t = threads.newThread(this::body);
        t.setName(name);
        thread = t;
        t.start();
    }

    private void body() {
        try {
            loop();
        } catch (Throwable t) {
            failure = t;
        } finally {
            ended = true;
        }
    }

    @Override
    public final void stop() {
        stopping = true;
        bell.ring();
    }

    @Override
    public final boolean join(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        return t == null || t.join(timeout);
    }

    @Override
    public final synchronized List<Thread> threads() {
        return thread == null ? List.of() : List.of(thread);
    }

    @Override
    public final Throwable failure() {
        return failure;
    }

    @Override
    public final void close() {
        stop();
        boolean ended;
        try {
            ended = join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (ended) {
            stage.close(); // a thread still running keeps its slot: leaked, never shared
        }
    }
}
