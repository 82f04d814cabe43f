package dev.dispatchlab.os;

import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The send and receive loops allocate nothing once warm: the package's promise, measured. */
class BatchUdpSocketAllocationTest {

    private static long roundTrips(BatchUdpSocket tx, BatchUdpSocket rx, PacketBuffer p, byte[] address, int rounds) {
        long bytes = 0;
        for (int r = 0; r < rounds; r++) {
            int sent = tx.send(tx.sendBatch());
            int got = 0;
            while (got < sent) {
                int n = rx.receive();
                for (int i = 0; i < n; i++) {
                    p.setRange(64, 0);
                    bytes += rx.copyTo(i, p);
                    bytes += rx.sourcePort(i) + rx.length(i) + rx.copySourceAddress(i, address, 0);
                }
                got += n;
            }
            tx.fill(r & 7, p);
        }
        return bytes + rx.kernelDrops();
    }

    /** The measurement, in a JVM of its own (see {@link AllocationMeter#inFreshJvms}): prints the bytes. */
    public static final class Measure {
        public static void main(String[] args) throws Exception {
            InetSocketAddress lo = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            try (BatchUdpSocket rx = BatchUdpSocket.bind(lo).receiveBatch(8).receiveBufferBytes(1 << 20).open();
                 BatchUdpSocket tx = BatchUdpSocket.bind(lo).receiveBatch(0).sendBatch(8).open()) {
                tx.connect(rx.localAddress());
                for (int i = 0; i < 8; i++) {
                    tx.fill(i, new byte[100 + i], 0, 100 + i);
                }
                PacketBuffer p = PacketBuffer.unpooled(2048, 64);
                byte[] address = new byte[16];
                roundTrips(tx, rx, p, address, 20_000); // let C2 compile the loop
                // a compilation finishing late may allocate in the first windows (see AllocationMeter); an
                // allocation per batch or per datagram shows in every window
                System.out.println(AllocationMeter.fewestBytes(() -> roundTrips(tx, rx, p, address, 5_000), 5_000, 5,
                        Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void aWarmSendAndReceiveLoopAllocatesNothing() throws Exception {
        List<Long> readings = AllocationMeter.inFreshJvms(Measure.class, 5_000, 3);
        assertThat(readings.getLast()).as("bytes allocated by 5000 batches (40000 datagrams) of sendmmsg + recvmmsg + "
                + "copies, in JVMs of their own: %s", readings).isLessThan(5_000);
    }
}
