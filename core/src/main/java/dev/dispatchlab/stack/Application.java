package dev.dispatchlab.stack;

import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.LatencyRecorder;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

/**
 * The user thread: an application that reads its socket with a blocking receive, as a real one
 * does, checks each payload, records the packet's latency from device arrival, counts it delivered
 * and frees it. It is a host thread in every model: its wakeups and switches are part of what a
 * dispatch design costs.
 *
 * <p>Threading: {@link #run()} on one thread, the owner of {@code ctx}; {@link UserSocket#close()}
 * from any thread ends it once the socket is drained.
 */
public final class Application implements Runnable {

    private final UserSocket socket;
    private final StageContext ctx;
    private final IdleStrategy idle;
    private final LatencyRecorder latency;
    private final PayloadCheck check;

    public Application(UserSocket socket, StageContext ctx, IdleStrategy idle, LatencyRecorder latency,
                       PayloadCheck check) {
        this.socket = socket;
        this.ctx = ctx;
        this.idle = idle;
        this.latency = latency;
        this.check = check;
    }

    @Override
    public void run() {
        PacketBuffer p;
        while ((p = socket.receive(ctx, idle)) != null) {
            consume(p);
        }
    }

    /** Checks, records and frees one received packet. Owner thread only. */
    public void consume(PacketBuffer p) {
        latency.recordSince(p.arrivalNanos());
        if (!check.matches(p)) {
            ctx.count(Counter.CONTENT_MISMATCH);
        }
        ctx.count(Counter.DELIVERED);
        ctx.count(Counter.DELIVERED_BYTES, p.length());
        p.release();
    }

    public StageContext context() {
        return ctx;
    }

    public LatencyRecorder latency() {
        return latency;
    }
}
