package dev.dispatchlab.stack;

import dev.dispatchlab.packet.PacketBuffer;

/**
 * How the user checks that what arrived is what the source sent: given a delivered packet cut to
 * its UDP payload (and carrying the source's {@link PacketBuffer#tag}), says whether the bytes are
 * right. The synthetic workload knows every payload it built; a capture or socket source may not
 * ({@link #NONE}).
 */
@FunctionalInterface
public interface PayloadCheck {

    boolean matches(PacketBuffer payload);

    /** Accepts everything: for sources whose payloads are not known in advance. */
    PayloadCheck NONE = p -> true;
}
