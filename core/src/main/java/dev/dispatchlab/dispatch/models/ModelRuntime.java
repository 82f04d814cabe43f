package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.dispatch.InterruptThread;
import dev.dispatchlab.dispatch.Lifecycle;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.CompletionRouting;
import dev.dispatchlab.stack.ReceivePath;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a dispatch model: the contexts and threads it built, connected to a NIC, a crypto
 * driver and a receive path. Built in two steps because the path and the model refer to each
 * other: {@link #routing()} is given to the path's constructor, then {@link #connect} gives the
 * path to the model, which connects the NIC rings' and the crypto driver's interrupt lines.
 *
 * <p>Lifecycle, driven by the runner from one controlling thread: {@link #start()}; traffic;
 * {@link #stop()} once the sources have stopped and the path is drained; {@link #join}; then
 * {@link #discardLeftovers} counts whatever a queue still holds as {@code SHUTDOWN} drops; then
 * {@link #close()} gives back the stage-context slots once the counters have been read.
 *
 * <p>Subclasses register every part (threads, softint sets, virtual workers) with {@link #part}
 * and every stage context that counts with {@link #context}, so that lifecycle, failures and
 * counters are handled here once.
 */
public abstract class ModelRuntime {

    protected final ModelEnvironment env;
    protected ReceivePath path;
    private final List<Lifecycle> parts = new ArrayList<>();
    private final List<Lifecycle> sources = new ArrayList<>();
    private final List<StageContext> contexts = new ArrayList<>();
    /** Completion targets by the slot of the context that submits (see {@link #routing()}). */
    private final CompletionTarget[] targetBySlot = new CompletionTarget[StageContext.MAX_SLOTS];
    private CompletionTarget defaultTarget = CompletionTarget.INLINE;

    protected ModelRuntime(ModelEnvironment env) {
        this.env = env;
    }

    /** Registers a part whose threads start, stop and join with the model. */
    protected final <T extends Lifecycle> T part(T p) {
        parts.add(p);
        return p;
    }

    /**
     * Registers a stage context whose counters belong to this model. Its wakeups of the user batch
     * until the end of each pass ({@link StageContext#batchWakeups}): every handler the model writes
     * ends with {@link StageContext#endOfPass()}, and execution contexts get {@link #flushEveryFewPasses}.
     */
    protected final StageContext context(StageContext c) {
        contexts.add(c);
        c.batchWakeups(true);
        return c;
    }

    /**
     * Passes an execution context may run back to back before its deferred wakeups go out: the
     * restarts Linux's {@code __do_softirq} allows before it returns ({@code MAX_SOFTIRQ_RESTART}).
     */
    static final int PASSES_PER_FLUSH = 10;

    /**
     * Makes {@code k} perform its deferred wakeups every {@value #PASSES_PER_FLUSH} passes, besides
     * whenever it is about to sleep (see {@link dev.dispatchlab.dispatch.ExecutionContext}). A
     * softint's socket wakeup takes effect when the soft interrupt returns, and under load it returns
     * only after several passes: flushing after every pass woke the user every few packets at
     * saturation, each wakeup preempting the context. Before start.
     */
    protected static void flushEveryFewPasses(dev.dispatchlab.dispatch.ExecutionContext k) {
        k.flushEveryPasses(PASSES_PER_FLUSH);
    }

    /** Routes crypto continuations of requests submitted from {@code submitter} to {@code target}. */
    protected final void route(StageContext submitter, CompletionTarget target) {
        targetBySlot[submitter.slot()] = target;
    }

    /** Routes continuations of submitters without a route of their own to {@code target}. */
    protected final void routeByDefault(CompletionTarget target) {
        defaultTarget = target;
    }

    /** @return where crypto continuations run, per submitting context; given to the path's constructor */
    public final CompletionRouting routing() {
        return ctx -> {
            CompletionTarget t = targetBySlot[ctx.slot()];
            return t != null ? t : defaultTarget;
        };
    }

    /** Gives the model its path and connects the device's and the driver's interrupt lines. Before start. */
    public final void connect(ReceivePath path) {
        this.path = path;
        wire();
    }

    /** Connects interrupt lines and handlers; {@link #path} is set. */
    protected abstract void wire();

    public void start() {
        for (Lifecycle p : parts) {
            p.start();
        }
    }

    /**
     * Stops only the threads that take packets from a socket source (they drain what the sockets
     * hold, then end), so the caller can let the rest of the path finish before {@link #stop()}.
     *
     * @return true if they ended within {@code timeout}
     */
    public boolean stopSources(Duration timeout) throws InterruptedException {
        for (Lifecycle s : sources) {
            s.stop();
        }
        boolean all = true;
        for (Lifecycle s : sources) {
            all &= s.join(timeout);
        }
        return all;
    }

    /** Asks every part to finish: queued work is drained by the parts' threads, then they end. */
    public void stop() {
        for (Lifecycle p : parts) {
            p.stop();
        }
    }

    /** @return true if every thread ended within {@code timeout} */
    public boolean join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (Lifecycle p : parts) {
            long left = Math.max(1, deadline - System.nanoTime());
            all &= p.join(Duration.ofNanos(left));
        }
        return all;
    }

    /** @return the first failure of any part's thread, or null */
    public Throwable failure() {
        for (Lifecycle p : parts) {
            Throwable t = p.failure();
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** @return every thread the model started (to check none is left running) */
    public List<Thread> threads() {
        List<Thread> out = new ArrayList<>();
        for (Lifecycle p : parts) {
            out.addAll(p.threads());
        }
        return out;
    }

    /** @return the stage contexts whose counters belong to this model */
    public List<StageContext> contexts() {
        return List.copyOf(contexts);
    }

    /**
     * After {@link #join} and the last use of the contexts: closes every part and then every registered
     * context, giving their stage-context slots back (the counters stay readable). Without it a process
     * that runs models one after another (validate, sweep) runs out of the {@value StageContext#MAX_SLOTS}
     * slots: vthread alone holds 256. A context whose thread still runs keeps its slot (leaked, never
     * shared), as each part's own close does.
     */
    public void close() {
        for (Lifecycle p : parts) {
            p.close();
        }
        for (Thread t : threads()) {
            if (t.isAlive()) {
                return;
            }
        }
        for (StageContext c : contexts) {
            c.close();
        }
    }

    /** @return packets or requests still held in the model's own queues (in flight) */
    public abstract int queued();

    /**
     * After {@link #join}: drops whatever the model's queues still hold with {@code SHUTDOWN},
     * counted in {@code ctx}. Requests left in completion queues have their packets dropped too.
     *
     * @return items discarded
     */
    public abstract int discardLeftovers(StageContext ctx);

    /** Polls up to {@code budget} packets off {@code ring} and runs {@link ReceivePath#input} on each. */
    protected final int pollRing(RxRing ring, StageContext ctx, int budget) {
        int n = 0;
        while (n < budget) {
            PacketBuffer p = ring.poll();
            if (p == null) {
                break;
            }
            path.input(ctx, p);
            n++;
        }
        return n;
    }

    /**
     * For a socket source: a receiving thread per socket that hands each datagram to the sink made
     * by {@code sinkOfRing}. Registers the threads and their contexts. {@code wait} false makes them
     * spin (busy polling).
     */
    protected final void readSockets(java.util.function.IntFunction<dev.dispatchlab.stack.PacketSink> sinkOfRing,
                                     String prefix, boolean wait) {
        for (int r = 0; r < env.sockets().size(); r++) {
            SocketReader reader = part(new SocketReader(prefix + r, env.sockets().get(r), sinkOfRing.apply(r),
                    env.budget(), wait, env.hostThreads().apply(env.cpuOfRing(r)), env.clock()));
            sources.add(reader);
            context(reader.stage());
        }
    }

    /**
     * The crypto card's completion interrupt as an interrupt thread (push, ithread, and puller on a
     * socket source): drains completions and runs or queues their continuations, then performs the
     * pass's deferred wakeups. Connects the driver's line to it and registers it.
     */
    protected final void cryptoInterruptThread() {
        InterruptThread t = part(new InterruptThread("crypto-ithread",
                (ctx, budget) -> {
                    int n = env.driver().drainCompletions(ctx, budget);
                    ctx.endOfPass();
                    return n;
                }, env.budget(), null, env.hostThreads().apply(0), env.clock(), env.idle()));
        env.driver().connectInterrupt(t.line());
        context(t.stage());
    }

    /** Drops a leftover crypto request's packet (the request completed, but its continuation never ran). */
    protected static void dropRequest(dev.dispatchlab.crypto.CryptoRequest r, StageContext ctx) {
        PacketBuffer p = r.packet();
        if (p != null && p.inUse()) {
            ctx.drop(p, DropReason.SHUTDOWN);
        }
    }
}
