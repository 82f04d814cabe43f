package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-ring NIC fed by hand from the test thread (standing for the device thread), and a poll
 * function that takes packets off the ring, counts and releases them.
 */
final class TestDevice implements AutoCloseable {

    final PacketPool pool;
    final Nic nic;
    final RxRing ring;
    final StageContext device;
    final AtomicLong consumed = new AtomicLong();
    private long now;

    TestDevice(int ringCapacity, Coalescing coalescing, Clock clock) {
        pool = new PacketPool("test", 4 * ringCapacity, 256, 64);
        nic = new Nic("nic0", 1, ringCapacity, coalescing);
        ring = nic.ring(0);
        device = new StageContext("device", clock);
    }

    /** Places {@code n} packets as one burst and services the NIC; returns how many were placed. */
    int burst(int n) {
        int placed = 0;
        now++;
        for (int i = 0; i < n; i++) {
            PacketBuffer p = pool.acquire();
            p.append(new byte[]{1, 2, 3, 4}, 0, 4);
            p.arrivalNanos(now);
            if (nic.receive(p, device)) {
                placed++;
            }
        }
        nic.service(now);
        return placed;
    }

    /** A poll function for a puller or interrupt handler: takes up to budget packets and releases them. */
    int poll(StageContext ctx, int budget) {
        int n = 0;
        PacketBuffer p;
        while (n < budget && (p = ring.poll()) != null) {
            p.release();
            n++;
        }
        consumed.addAndGet(n);
        return n;
    }

    @Override
    public void close() {
        device.close();
    }
}
