package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.dispatch.Lifecycle;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PacketSink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The receiving thread of a socket source: for a user-space datapath the "interrupt" is the
 * operating system waking the thread blocked in {@code recvmmsg} because the socket has data. The
 * thread is a host thread (the kernel wakes it on the host's CPU) and hands every datagram to the
 * model's sink: for push the ipintrq, for ithread and puller the whole path, for kcont the CPU's
 * continuation queue, for vthread the virtual workers' inbox. Busy polling ({@code wait} false)
 * never sleeps: it calls the non-blocking receive in a loop.
 *
 * <p>Kernel-side masking and NAPI happen below the socket, in the kernel; so with a socket source
 * the interrupt-thread and puller designs differ only in what runs after the receive.
 *
 * <p>Threading: one thread; {@link #stop()} from the controlling thread shuts the socket's input,
 * which wakes a blocked receive; the thread then drains what was queued and ends.
 */
final class SocketReader implements Lifecycle {

    private final String name;
    private final SocketIngress ingress;
    private final PacketSink sink;
    private final int budget;
    private final boolean wait;
    private final ThreadFactory threads;
    private final StageContext stage;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private Thread thread;

    SocketReader(String name, SocketIngress ingress, PacketSink sink, int budget, boolean wait, ThreadFactory threads,
                 Clock clock) {
        this.name = name;
        this.ingress = ingress;
        this.sink = sink;
        this.budget = budget;
        this.wait = wait;
        this.threads = threads;
        this.stage = new StageContext(name, clock);
    }

    StageContext stage() {
        return stage;
    }

    @Override
    public synchronized void start() {
        Thread t = threads.newThread(this::loop);
        t.setName(name);
        thread = t;
        t.start();
    }

    private void loop() {
        try {
            while (!stopping) {
                int n = ingress.receive(stage, sink, budget, wait);
                stage.endOfPass();
                if (n == 0) {
                    stage.count(Counter.EMPTY_POLL);
                    if (!wait) {
                        Thread.onSpinWait();
                    }
                }
            }
            int n;
            while ((n = ingress.receive(stage, sink, budget, false)) > 0) {
                stage.endOfPass();
            }
            stage.endOfPass();
        } catch (Throwable t) {
            failure = t;
        }
    }

    @Override
    public void stop() {
        stopping = true;
        ingress.shutdown();
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        Thread t = thread;
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
