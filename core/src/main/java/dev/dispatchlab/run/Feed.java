package dev.dispatchlab.run;

import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PayloadCheck;

import java.util.List;
import java.util.Map;

/**
 * Where a run's packets come from: the synthetic wire into the NIC's rings ({@link WireFeed}), or a
 * traffic generator sending ESP-in-UDP to real sockets ({@link SocketFeed}). The runner treats both
 * the same: the receiver's SAs and payload check come from the feed, the model serves its rings or
 * sockets, and at the end the feed accounts for whatever it still holds.
 *
 * <p>Threading: every method from the runner's controlling thread.
 */
interface Feed extends AutoCloseable {

    /** @return the receiver's SA database (fresh anti-replay windows) */
    SaDatabase sas();

    /** @return how the user checks payloads */
    PayloadCheck check();

    /** @return the NIC, or null for sockets */
    Nic nic();

    /** @return the sockets, or empty for the NIC */
    List<SocketIngress> sockets();

    /** Starts generating traffic. */
    void start();

    /** Stops generating and waits for the generator's threads. */
    void stopGenerating() throws InterruptedException;

    /** @return true when everything generated has reached the model (nothing waits in the kernel) */
    boolean arrived();

    /** @return contexts of the feed's own that count (the wire's device context), read for the accounting */
    List<StageContext> contexts();

    /** After the model stopped: drops (with {@code SHUTDOWN}) or settles whatever the feed still holds. */
    void discard(StageContext ctx);

    /** @return the generator's own report (rate achieved, lag) */
    Map<String, Object> report();

    /** @return the bad packets sent on purpose, by drop reason label */
    Map<String, Long> sentBad();

    /** @return notes for the run (generator fell behind, windows re-armed) */
    List<String> notes(boolean saturating);

    /** @return the generator's threads (to check none is left running) */
    List<Thread> threads();

    /** @return the generator's failure, or null */
    Throwable failure();

    @Override
    void close();
}
