package dev.dispatchlab.workload;

import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.esp.EspOutput;
import dev.dispatchlab.esp.Mode;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator's lane allocates nothing per packet of its own: with the JVM's per-thread allocation
 * counter, a lane making a packet costs no more bytes than a bare {@code EspOutput.encapsulate} of the
 * same packet under the same algorithms (where the JCA's own allocation per cipher init lives). Counts
 * bytes, not time.
 */
class SenderAllocationTest {

    private static final int PACKETS = 10_000;
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void aLaneCostsNoMoreBytesPerPacketThanTheBareEncapsulation() {
        Workload w = Workload.defaults().withShares(0.05, 0.05, 0.05);
        TrafficSet plan = TrafficSet.plan(w);
        try (TrafficSet.Sender sender = plan.sender(LO, LO, 1);
             StageContext ctx = new StageContext("alloc", new ManualClock())) {
            TrafficSet.Sender.Lane lane = sender.lane(0);
            long[] sink = {0};
            for (int i = 0; i < 3 * PACKETS; i++) { // warm up: JIT, each buffer's crypto request, the slot's cipher
                sink[0] += lane.next(ctx).length();
            }

            // the baseline: the same algorithms, a bare encapsulation of a packet of the same size
            SessionParams params = new SessionParams(w.suite().encryption(), new byte[20], w.suite().integrity(),
                    null, false);
            PacketPool pool = new PacketPool("bare", 4, 2048, 128);
            PacketBuffer[] out = new PacketBuffer[1];
            EspOutput esp = new EspOutput((c, p) -> out[0] = p);
            long bareBytes = Long.MAX_VALUE;
            try (SecurityAssociation sa = SecurityAssociation.builder(0x42, new CryptoSession(params, new SoftwareDriver()))
                    .source(LO).destination(LO).mode(Mode.TUNNEL).build()) {
                for (int window = -2; window < 3; window++) {
                    long before = AllocationMeter.allocatedByThisThread();
                    for (int i = 0; i < PACKETS; i++) {
                        PacketBuffer b = pool.acquire();
                        int at = b.append(28 + 64);
                        Ipv4Descriptor.write(b.data(), at, 0, 28 + 64, i, 0, 64, IpProtocol.UDP, 1, 2);
                        UdpDescriptor.write(b.data(), at + 20, 1, 2, 72, 0);
                        esp.encapsulate(ctx, b, sa);
                        sink[0] += out[0].length();
                        out[0].release();
                    }
                    if (window >= 0) {
                        bareBytes = Math.min(bareBytes, AllocationMeter.allocatedByThisThread() - before);
                    }
                }
            }
            // the lane measured after the baseline, in windows until one is within it (see AllocationMeter)
            long within = bareBytes + 1_000;
            long laneBytes = AllocationMeter.fewestBytes(() -> {
                long bytes = 0;
                for (int i = 0; i < PACKETS; i++) {
                    bytes += lane.next(ctx).length();
                }
                return bytes;
            }, within + 1, 3, Duration.ofSeconds(60));
            lane.finish();
            assertThat(sink[0]).isPositive();
            assertThat(laneBytes).as("bytes allocated by %d lane packets (bare encapsulation: %d)", PACKETS, bareBytes)
                    .isLessThanOrEqualTo(bareBytes + 1_000);
        }
    }
}
