package dev.dispatchlab.peers;

import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.dispatch.Lifecycle;
import dev.dispatchlab.dispatch.models.ModelEnvironment;
import dev.dispatchlab.dispatch.models.ModelRuntime;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PacketSink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The Netty peer: one native-epoll event loop per socket reads datagrams with {@code recvmmsg}
 * ({@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} and a receive buffer of a batch of them,
 * level-triggered) and
 * runs the whole receive path in the loop, as a Netty gateway decrypts in its handler:
 *
 * <pre>
 *  kernel socket ─epoll─► event loop: recvmmsg into a pooled direct buffer, one DatagramPacket per datagram
 *     channelRead:         OFFERED, copy into a packet buffer, synthetic outer header, ip, esp, decrypt, udp, socket
 *     channelReadComplete: end of pass (the user's wakeup goes out once per read)
 * </pre>
 *
 * The loop reads the run's own socket: the descriptor of the {@link SocketIngress} is registered with
 * Netty (made non-blocking), so the generator, the socket and its buffer are those the models get.
 * Every datagram of one read is stamped with the clock reading taken at the first of them, as the
 * socket source stamps a {@code recvmmsg} batch. Netty allocates a {@code DatagramPacket} and a sender
 * address per datagram; that is the peer's own cost and is left in.
 *
 * <p>Threading: all packet work on the event loop thread (a host thread from the run's factory);
 * start, stop and join from the runner's controlling thread.
 */
final class NettyPeer extends ModelRuntime {

    /** How often the event loop reads the socket's kernel drops from /proc (SO_RXQ_OVFL is not read by Netty). */
    static final int KERNEL_DROP_PERIOD_MILLIS = 100;

    private final List<Loop> loops = new ArrayList<>();

    NettyPeer(ModelEnvironment env) {
        super(env);
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("netty: the native epoll transport is not available here: "
                    + Epoll.unavailabilityCause());
        }
        for (int r = 0; r < env.sockets().size(); r++) {
            Loop l = part(new Loop("netty-loop" + r, env.sockets().get(r), env.hostThreads().apply(env.cpuOfRing(r))));
            context(l.stage);
            loops.add(l);
        }
    }

    @Override
    protected void wire() {
        PacketSink input = (ctx, p) -> path.input(ctx, p);
        for (Loop l : loops) {
            l.sink = input;
        }
    }

    @Override
    public int queued() {
        return 0; // nothing waits between stages: the loop runs a datagram to the socket before the next
    }

    @Override
    public int discardLeftovers(StageContext ctx) {
        return 0;
    }

    /** One event loop group of one thread serving one socket. */
    private static final class Loop extends ChannelInboundHandlerAdapter implements Lifecycle {

        private final String name;
        private final SocketIngress ingress;
        private final PacketPool pool;
        private final ThreadFactory threads;
        private final StageContext stage;
        private final List<Thread> started = new ArrayList<>();
        private PacketSink sink;
        private MultiThreadIoEventLoopGroup group;
        private EpollDatagramChannel channel;
        private volatile Throwable failure;
        // event loop only
        private boolean newRead = true;
        private long stamp;

        Loop(String name, SocketIngress ingress, ThreadFactory threads) {
            this.name = name;
            this.ingress = ingress;
            this.pool = ingress.pool();
            this.threads = threads;
            this.stage = new StageContext(name, dev.dispatchlab.metrics.Clock.SYSTEM);
        }

        @Override
        public synchronized void start() {
            ThreadFactory named = r -> {
                Thread t = threads.newThread(r);
                t.setName(name);
                synchronized (started) {
                    started.add(t);
                }
                return t;
            };
            group = new MultiThreadIoEventLoopGroup(1, named, EpollIoHandler.newFactory());
            NonBlocking.set(ingress.fd());
            channel = new EpollDatagramChannel(ingress.fd());
            int room = pool.bufferSize() - pool.headroom();
            int batch = Math.max(1, ingress.batch());
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, room);
            channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(room * batch));
            channel.config().setOption(ChannelOption.MAX_MESSAGES_PER_READ, batch);
            // Level-triggered: a read loop that ends at MAX_MESSAGES_PER_READ with the socket buffer
            // full was seen to stall edge-triggered (a full buffer drops new datagrams, so no new edge
            // comes); level-triggered epoll reports the socket again while anything is queued.
            channel.config().setEpollMode(EpollMode.LEVEL_TRIGGERED);
            channel.pipeline().addLast(this);
            group.register(channel).syncUninterruptibly();
            channel.eventLoop().scheduleAtFixedRate(() -> ingress.settleKernelDrops(stage),
                    KERNEL_DROP_PERIOD_MILLIS, KERNEL_DROP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            DatagramPacket d = (DatagramPacket) msg;
            try {
                if (newRead) {
                    newRead = false;
                    stamp = stage.now();
                    ingress.countReceiveCall();
                }
                stage.count(Counter.OFFERED);
                PacketBuffer p = pool.acquire();
                if (p == null) {
                    stage.counters().drop(DropReason.POOL_EXHAUSTED);
                    return;
                }
                ByteBuf b = d.content();
                int len = b.readableBytes();
                if (len > p.tailroom()) {
                    stage.drop(p, DropReason.TOO_LONG);
                    return;
                }
                int at = p.append(len);
                b.getBytes(b.readerIndex(), p.data(), at, len);
                InetSocketAddress from = d.sender();
                ingress.handOutReceived(stage, sink, p, from.getAddress().getAddress(), from.getPort(), stamp);
            } finally {
                d.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
            newRead = true;
            stage.endOfPass();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
        }

        /**
         * Takes the socket out of the loop without closing it (the run's source owns the descriptor and
         * counts what is left), then shuts the loop down.
         */
        @Override
        public synchronized void stop() {
            if (group == null) {
                return;
            }
            if (channel.isRegistered()) {
                channel.eventLoop().submit(() -> {
                    stage.endOfPass();
                    ingress.settleKernelDrops(stage);
                }).syncUninterruptibly();
                channel.deregister().syncUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }

        @Override
        public boolean join(Duration timeout) throws InterruptedException {
            MultiThreadIoEventLoopGroup g;
            synchronized (this) {
                g = group;
            }
            if (g == null) {
                return true;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!g.awaitTermination(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                return false;
            }
            // the executor reports termination before its thread has finished running off the end
            return Joins.allBy(threads(), deadline);
        }

        @Override
        public List<Thread> threads() {
            synchronized (started) {
                return List.copyOf(started);
            }
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
