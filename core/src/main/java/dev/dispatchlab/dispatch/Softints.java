package dev.dispatchlab.dispatch;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.StageContext;
import org.jctools.queues.MpscArrayQueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntFunction;

/**
 * The soft-interrupt machinery of a set of CPUs (NetBSD softint(9)): one thread per level per CPU,
 * created when the first softint of that level is established on that CPU, each an
 * {@link ExecutionContext} whose first source runs that CPU's pending softints of the level.
 *
 * <pre>
 *   establish(NET, cpu 0, "ipintr", handler)   establish(NET, cpu 1, ...)   establish(BIO, 0, ...)
 *            │                                          │                            │
 *   softnet/0: [pending queue] → handlers      softnet/1: ...                softbio/0: ...
 * </pre>
 *
 * <p>Per-CPU operation: a softint is bound to one CPU and always runs on that CPU's thread of its
 * level (the runtime's thread factory for the CPU pins the thread), so its data stays in that CPU's
 * cache. A handoff to another CPU is an explicit schedule of a softint established there.
 *
 * <p>Calling context: {@link #establish} and {@link #queue} before {@link #start}, from the
 * controlling thread; the level threads' contexts ({@link #context}) may be given more sources
 * (continuations) before start.
 *
 * <p>Costs: see {@link Softint}. Each level thread is a full thread: a softint run costs a context
 * switch when its thread slept (the "generic implementation" of kern_softint.c; the JVM has no
 * fast softints that borrow the interrupted thread's stack).
 */
public final class Softints implements Lifecycle {

    /** Most softints established on one level of one CPU (kern_softint.c sizes its table likewise). */
    public static final int MAX_PER_LEVEL = 256;

    private final int cpus;
    private final IntFunction<ThreadFactory> threadsForCpu;
    private final Clock clock;
    private final IdleStrategy idle;
    private final LevelThread[][] table;
    private final List<LevelThread> created = new ArrayList<>();
    private boolean started;

    /**
     * @param cpus          number of CPUs (softint tables)
     * @param threadsForCpu the thread factory of each CPU (the runtime's pins to that CPU)
     * @param clock         clock of the level threads' stage contexts
     * @param idle          how level threads wait
     */
    public Softints(int cpus, IntFunction<ThreadFactory> threadsForCpu, Clock clock, IdleStrategy idle) {
        if (cpus < 1) {
            throw new IllegalArgumentException("at least one cpu: cpus=" + cpus);
        }
        this.cpus = cpus;
        this.threadsForCpu = threadsForCpu;
        this.clock = clock;
        this.idle = idle;
        this.table = new LevelThread[SoftintLevel.values().length][cpus];
    }

    /** One factory for every CPU (tests, or a runtime that does not pin). */
    public Softints(int cpus, ThreadFactory threads, Clock clock, IdleStrategy idle) {
        this(cpus, (IntFunction<ThreadFactory>) cpu -> threads, clock, idle);
    }

    /**
     * Establishes a softint (NetBSD {@code softint_establish}). Before {@link #start}.
     *
     * @param budget the budget passed to each run of the handler
     */
    public synchronized Softint establish(SoftintLevel level, int cpu, String name, Work handler, int budget) {
        if (started) {
            throw new IllegalStateException("softint " + name + ": establish before start");
        }
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1: budget=" + budget);
        }
        LevelThread lt = levelThread(level, cpu);
        if (lt.established == MAX_PER_LEVEL) {
            throw new IllegalStateException("more than " + MAX_PER_LEVEL + " softints on " + level.threadName(cpu));
        }
        lt.established++;
        return new Softint(name, level, cpu, handler, budget, lt);
    }

    /**
     * Establishes a packet-queue softint (NetBSD pktqueue(9)): an MPSC queue of items drained by a
     * softint at {@code level} on {@code cpu}. Before {@link #start}.
     *
     * @param capacity most items queued at once
     * @param budget   most items handled per softint run
     */
    public <T> SoftintQueue<T> queue(SoftintLevel level, int cpu, String name, int capacity, int budget,
                                     ItemHandler<T> handler) {
        return new SoftintQueue<>(this, level, cpu, name, capacity, budget, handler);
    }

    /** @return the execution context of {@code level} on {@code cpu}, created (not started) if needed */
    public synchronized ExecutionContext context(SoftintLevel level, int cpu) {
        return levelThread(level, cpu).context;
    }

    private LevelThread levelThread(SoftintLevel level, int cpu) {
        if (cpu < 0 || cpu >= cpus) {
            throw new IllegalArgumentException("no such cpu: cpu=" + cpu + ", cpus=" + cpus);
        }
        LevelThread lt = table[level.ordinal()][cpu];
        if (lt == null) {
            if (started) {
                throw new IllegalStateException(level.threadName(cpu) + " does not exist and softints have started");
            }
            lt = new LevelThread(new ExecutionContext(level.threadName(cpu), threadsForCpu.apply(cpu), clock, idle));
            table[level.ordinal()][cpu] = lt;
            created.add(lt);
        }
        return lt;
    }

    public int cpus() {
        return cpus;
    }

    public IdleStrategy idle() {
        return idle;
    }

    /** @return the level threads' contexts created so far (for counters and reports) */
    public synchronized List<ExecutionContext> contexts() {
        List<ExecutionContext> out = new ArrayList<>(created.size());
        for (LevelThread lt : created) {
            out.add(lt.context);
        }
        return out;
    }

    @Override
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("softints started twice");
        }
        started = true;
        for (LevelThread lt : created) {
            lt.context.start();
        }
    }

    @Override
    public synchronized void stop() {
        for (LevelThread lt : created) {
            lt.context.stop();
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        for (ExecutionContext c : contexts()) {
            if (!c.join(timeout)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Thread> threads() {
        List<Thread> out = new ArrayList<>();
        for (ExecutionContext c : contexts()) {
            out.addAll(c.threads());
        }
        return out;
    }

    @Override
    public Throwable failure() {
        for (ExecutionContext c : contexts()) {
            if (c.failure() != null) {
                return c.failure();
            }
        }
        return null;
    }

    @Override
    public void close() {
        for (ExecutionContext c : contexts()) {
            c.close();
        }
    }

    /** The thread of one level on one CPU, and its queue of pending softints. */
    static final class LevelThread {
        private final ExecutionContext context;
        /** Each softint is in here at most once (its pending flag guards the offer), so it never fills. */
        private final MpscArrayQueue<Softint> pending = new MpscArrayQueue<>(MAX_PER_LEVEL);
        private int established;

        LevelThread(ExecutionContext context) {
            this.context = context;
            context.add(this::runPending, MAX_PER_LEVEL);
        }

        ExecutionContext context() {
            return context;
        }

        void enqueue(Softint s) {
            if (!pending.offer(s)) {
                throw new IllegalStateException("softint queue of " + context.name() + " overflowed: " + s);
            }
        }

        /** Runs the softints pending now, each once; a softint re-queued meanwhile runs in the next pass. */
        private int runPending(StageContext ctx, int budgetUnused) {
            int n = established;
            int ran = 0;
            Softint s;
            while (ran < n && (s = pending.poll()) != null) {
                s.run(ctx);
                ran++;
            }
            return ran;
        }
    }
}
