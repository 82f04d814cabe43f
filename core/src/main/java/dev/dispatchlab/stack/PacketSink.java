package dev.dispatchlab.stack;

import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

/**
 * The next thing a packet goes to: a stage, a queue to another context, a socket, a capture file.
 * Taking a packet takes ownership of it: the sink hands it on, keeps it, or drops it with a reason.
 */
@FunctionalInterface
public interface PacketSink {

    void accept(StageContext ctx, PacketBuffer p);

    /** Counts the packet under {@code counter} semantics of IKE: passed up, then released (no IKE daemon here). */
    PacketSink IKE_COUNTED = (ctx, p) -> {
        ctx.count(dev.dispatchlab.metrics.Counter.IKE_PASSED);
        p.release();
    };
}
