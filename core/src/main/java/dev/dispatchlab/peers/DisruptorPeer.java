package dev.dispatchlab.peers;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.dispatch.Lifecycle;
import dev.dispatchlab.dispatch.models.ModelEnvironment;
import dev.dispatchlab.dispatch.models.ModelRuntime;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PacketSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The staged peer: receive, decrypt and deliver as three threads around one LMAX Disruptor ring.
 *
 * <pre>
 *  kernel socket ─recvmmsg─► rx thread ── next(n) / publish(lo, hi) ──► ring of Slot{packet, done}
 *                                                                           │
 *                decrypt handler: ip_input, esp_input, cipher (software) ◄──┤  stores the finished
 *                                                                           │  request in the slot
 *                deliver handler (gated on decrypt): esp completion, inner ip, udp, socket ─► user
 * </pre>
 *
 * The decrypt stage's crypto requests complete in place (the software driver), and the
 * {@link CompletionTarget} of the decrypt context parks the finished request in the slot being
 * handled instead of running its continuation; the deliver handler, which sees the slot only after
 * the decrypt handler has passed it, runs the continuation: window update, padding, inner ip_input,
 * udp_input and the user socket. The rx thread publishes a whole {@code recvmmsg} worth of datagrams at
 * once, and blocks in {@code next(n)} when the ring is full, so overload ends in the kernel socket
 * (counted kernel drops), as it does for the models. The handlers wait with the Disruptor strategy
 * that matches the run's idle strategy (park: blocking; spin: busy spin; yield: yielding;
 * spin-then-park: phased back-off to blocking).
 *
 * <p>Threading: the rx thread owns its context; each handler thread owns its own; a slot's fields are
 * handed from stage to stage by the ring's sequence barriers. Start, stop, join from the runner's thread.
 */
final class DisruptorPeer extends ModelRuntime {

    /** One ring entry: the packet on its way in, then the finished crypto request on its way out. */
    static final class Slot {
        PacketBuffer packet;
        CryptoRequest done;
    }

    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    private final StageContext decrypt;
    private final StageContext deliver;
    private final List<Receiver> receivers = new ArrayList<>();
    private final List<Thread> stageThreads = new ArrayList<>();
    private volatile Throwable failure;
    /** The slot the decrypt handler is on; decrypt thread only. */
    private Slot current;

    DisruptorPeer(ModelEnvironment env) {
        super(env);
        int size = Integer.highestOneBit(Math.max(64, env.queueCapacity() - 1)) << 1;
        String[] names = {"disruptor-decrypt", "disruptor-deliver"};
        // the Disruptor starts its handlers' threads in the order they were added: decrypt, deliver;
        // with several host CPUs the stages go to different CPUs, as a staged design intends
        ThreadFactory named = r -> {
            synchronized (stageThreads) {
                int i = stageThreads.size();
                Thread t = env.hostThreads().apply(i % env.hostCpus()).newThread(r);
                t.setName(names[Math.min(i, names.length - 1)]);
                stageThreads.add(t);
                return t;
            }
        };
        ProducerType producers = env.sockets().size() > 1 ? ProducerType.MULTI : ProducerType.SINGLE;
        this.disruptor = new Disruptor<>(Slot::new, size, named, producers, waitStrategy(env.idle()));
        this.decrypt = context(new StageContext("disruptor-decrypt", env.clock()));
        this.deliver = context(new StageContext("disruptor-deliver", env.clock()));
        EventHandler<Slot> decryptStage = (slot, seq, endOfBatch) -> {
            PacketBuffer p = slot.packet;
            slot.packet = null;
            if (p != null) {
                current = slot;
                path.input(decrypt, p);
                current = null;
            }
            if (endOfBatch) {
                decrypt.endOfPass();
            }
        };
        EventHandler<Slot> deliverStage = (slot, seq, endOfBatch) -> {
            CryptoRequest r = slot.done;
            if (r != null) {
                slot.done = null;
                r.callback().cryptoDone(r, deliver);
            }
            if (endOfBatch) {
                deliver.endOfPass();
            }
        };
        disruptor.handleEventsWith(decryptStage).then(deliverStage);
        disruptor.setDefaultExceptionHandler(new ExceptionHandler<>() {
            @Override
            public void handleEventException(Throwable ex, long sequence, Slot event) {
                record(ex);
            }

            @Override
            public void handleOnStartException(Throwable ex) {
                record(ex);
            }

            @Override
            public void handleOnShutdownException(Throwable ex) {
                record(ex);
            }
        });
        this.ring = disruptor.getRingBuffer();
        route(decrypt, new CompletionTarget() {
            @Override
            public void complete(CryptoRequest request, StageContext completer) {
                Slot s = current;
                if (s == null) {
                    request.callback().cryptoDone(request, completer); // not from the decrypt handler: run it here
                } else {
                    s.done = request;
                }
            }

            @Override
            public String name() {
                return "disruptor-deliver";
            }
        });
        part(new Stages());
        for (int r = 0; r < env.sockets().size(); r++) {
            Receiver rx = part(new Receiver("disruptor-rx" + r, env.sockets().get(r), env.budget(),
                    env.hostThreads().apply(env.cpuOfRing(r))));
            context(rx.stage);
            receivers.add(rx);
        }
    }

    private void record(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    static WaitStrategy waitStrategy(IdleStrategy idle) {
        if (idle == IdleStrategies.SPIN) {
            return new BusySpinWaitStrategy();
        }
        if (idle == IdleStrategies.YIELD) {
            return new YieldingWaitStrategy();
        }
        if (idle == IdleStrategies.PARK) {
            return new BlockingWaitStrategy();
        }
        return PhasedBackoffWaitStrategy.withLock(1, 1000, TimeUnit.MICROSECONDS);
    }

    @Override
    protected void wire() {
        // the ring's handlers call path directly; nothing to connect
    }

    @Override
    public int queued() {
        return (int) (ring.getBufferSize() - ring.remainingCapacity());
    }

    @Override
    public int discardLeftovers(StageContext ctx) {
        int n = 0;
        for (int i = 0; i < ring.getBufferSize(); i++) {
            Slot s = ring.get(i);
            if (s.packet != null) {
                ctx.drop(s.packet, DropReason.SHUTDOWN);
                s.packet = null;
                n++;
            }
            if (s.done != null) {
                dropRequest(s.done, ctx);
                s.done = null;
                n++;
            }
        }
        for (Receiver r : receivers) {
            n += r.discard(ctx);
        }
        return n;
    }

    /** The two handler threads: started first, stopped last (after every receiver), draining the ring. */
    private final class Stages implements Lifecycle {
        private volatile boolean halted;

        @Override
        public void start() {
            disruptor.start();
        }

        @Override
        public void stop() {
            // receivers stop in their own stop(); the ring drains in join()
        }

        @Override
        public boolean join(Duration timeout) throws InterruptedException {
            for (Receiver r : receivers) {
                r.join(timeout);
            }
            if (!halted) {
                halted = true;
                try {
                    disruptor.shutdown(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
                } catch (com.lmax.disruptor.TimeoutException e) {
                    disruptor.halt();
                }
            }
            return Joins.allBy(threads(), System.nanoTime() + timeout.toNanos());
        }

        @Override
        public List<Thread> threads() {
            synchronized (stageThreads) {
                return List.copyOf(stageThreads);
            }
        }

        @Override
        public Throwable failure() {
            return failure;
        }

        @Override
        public void close() {
            disruptor.halt();
        }
    }

    /** The receive stage: one thread per socket, publishing each recvmmsg batch to the ring at once. */
    private final class Receiver implements Lifecycle {
        private final String name;
        private final SocketIngress ingress;
        private final int budget;
        private final ThreadFactory threads;
        private final StageContext stage;
        private final PacketBuffer[] batch;
        private final PacketSink collect;
        private int collected;
        private volatile boolean stopping;
        private volatile Throwable failure;
        private Thread thread;

        Receiver(String name, SocketIngress ingress, int budget, ThreadFactory threads) {
            this.name = name;
            this.ingress = ingress;
            this.budget = Math.min(budget, ring.getBufferSize());
            this.threads = threads;
            this.stage = new StageContext(name, env.clock());
            this.batch = new PacketBuffer[this.budget];
            this.collect = (ctx, p) -> batch[collected++] = p;
        }

        @Override
        public synchronized void start() {
            thread = threads.newThread(this::loop);
            thread.setName(name);
            thread.start();
        }

        private void loop() {
            try {
                while (!stopping) {
                    int n = ingress.receive(stage, collect, budget, true);
                    publish();
                    if (n == 0) {
                        stage.count(Counter.EMPTY_POLL);
                    }
                }
                while (ingress.receive(stage, collect, budget, false) > 0) {
                    publish();
                }
                publish();
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Publishes what the last receive collected as one claimed range of the ring. */
        private void publish() {
            int n = collected;
            if (n == 0) {
                return;
            }
            long hi = ring.next(n);
            long lo = hi - n + 1;
            for (int i = 0; i < n; i++) {
                ring.get(lo + i).packet = batch[i];
                batch[i] = null;
            }
            collected = 0;
            ring.publish(lo, hi);
        }

        int discard(StageContext ctx) {
            int n = collected;
            for (int i = 0; i < collected; i++) {
                ctx.drop(batch[i], DropReason.SHUTDOWN);
                batch[i] = null;
            }
            collected = 0;
            return n;
        }

        @Override
        public void stop() {
            stopping = true;
            ingress.shutdown();
        }

        @Override
        public boolean join(Duration timeout) throws InterruptedException {
            Thread t;
            synchronized (this) {
                t = thread;
            }
            if (t == null) {
                return true;
            }
            t.join(Math.max(1, timeout.toMillis()));
            return !t.isAlive();
        }

        @Override
        public synchronized List<Thread> threads() {
            return thread == null ? List.of() : List.of(thread);
        }

        @Override
        public Throwable failure() {
            return failure;
        }

        @Override
        public void close() {
            stop();
        }
    }
}
