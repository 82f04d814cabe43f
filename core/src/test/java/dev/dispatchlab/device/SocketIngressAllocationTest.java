package dev.dispatchlab.device;

import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.os.BatchUdpSocket;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PacketSink;
import dev.dispatchlab.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The socket source's receive loop allocates nothing once warm. An allocation test, so it runs in
 * a JVM of its own (see the surefire executions in core/pom.xml), and its measurement in fresh JVMs
 * (see {@link AllocationMeter#inFreshJvms}).
 */
class SocketIngressAllocationTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    /** The measurement, in a JVM of its own: prints the fewest bytes of a window. */
    public static final class Measure {
        public static void main(String[] args) throws Exception {
            StageContext ctx = new StageContext("rx", new ManualClock(1_000));
            PacketPool pool = new PacketPool("rx", 64, 2048, 128);
            SocketIngress in = SocketIngress.open(SocketConfig.defaults().withLocal(new InetSocketAddress(LO, 0))
                    .withBatch(8), pool).get(0);
            try (in; BatchUdpSocket tx = BatchUdpSocket.bind(new InetSocketAddress(LO, 0)).receiveBatch(0).sendBatch(8)
                    .messageBytes(4096).open(); ctx) {
                tx.connect(in.localAddress());
                for (int i = 0; i < 8; i++) {
                    byte[] b = new byte[100];
                    Bytes.put32(b, 0, 0x0100_0000);
                    Bytes.put32(b, 4, i + 1);
                    tx.fill(i, b, 0, b.length);
                }
                long[] sink = new long[1];
                PacketSink release = (c, p) -> {
                    sink[0] += p.length();
                    p.release();
                };
                rounds(ctx, in, tx, release, 20_000); // let C2 compile the loop
                // a compilation finishing late may allocate in the first windows (see AllocationMeter); an
                // allocation per batch or per datagram (at least 16 bytes: 80 KB or 640 KB here) shows in every window
                System.out.println(AllocationMeter.fewestBytes(() -> {
                    long was = sink[0];
                    rounds(ctx, in, tx, release, 5_000);
                    return sink[0] - was;
                }, 5_000, 5, Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void aWarmReceiveLoopAllocatesNothing() throws Exception {
        List<Long> readings = AllocationMeter.inFreshJvms(Measure.class, 5_000, 3);
        assertThat(readings.getLast()).as("bytes allocated by 5000 batches (40000 datagrams) received, headers "
                + "written, released, in JVMs of their own: %s", readings).isLessThan(5_000);
    }

    private static void rounds(StageContext ctx, SocketIngress in, BatchUdpSocket tx, PacketSink sink, int n) {
        for (int r = 0; r < n; r++) {
            int sent = tx.send(8);
            int got = 0;
            while (got < sent) {
                got += in.receive(ctx, sink, 8, true);
            }
        }
    }
}
