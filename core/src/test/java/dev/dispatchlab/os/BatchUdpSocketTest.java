package dev.dispatchlab.os;

import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchUdpSocketTest {

    private static InetSocketAddress v4Loopback() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    }

    private static byte[] payload(int n, int len) {
        byte[] b = new byte[len];
        for (int k = 0; k < len; k++) {
            b[k] = (byte) (n * 31 + k);
        }
        return b;
    }

    /** Sends {@code count} datagrams numbered from 0, lengths 1 + (n*37 % max), with one sendmmsg per batch. */
    private static void sendNumbered(BatchUdpSocket tx, int count, int max) {
        int sent = 0;
        while (sent < count) {
            int batch = Math.min(tx.sendBatch(), count - sent);
            for (int i = 0; i < batch; i++) {
                int n = sent + i;
                tx.fill(i, payload(n, 1 + (n * 37) % max), 0, 1 + (n * 37) % max);
            }
            int done = 0;
            while (done < batch) {
                done += tx.send(done, batch - done);
            }
            sent += batch;
        }
    }

    @Test
    void batchReceivesWhatABatchSentWithLengthsSourcesAndBytes() throws Exception {
        try (BatchUdpSocket rx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(16).receiveBufferBytes(1 << 20).open();
             BatchUdpSocket tx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(0).sendBatch(8).open()) {
            tx.connect(rx.localAddress());
            sendNumbered(tx, 40, 1400);
            int got = 0;
            PacketBuffer p = PacketBuffer.unpooled(2048, 128);
            while (got < 40) {
                int n = rx.receive();
                assertThat(n).isBetween(1, 16);
                for (int i = 0; i < n; i++) {
                    int want = 1 + ((got * 37) % 1400);
                    assertThat(rx.length(i)).isEqualTo(want);
                    assertThat(rx.truncated(i)).isFalse();
                    assertThat(rx.sourcePort(i)).isEqualTo(tx.localPort());
                    assertThat(rx.source(i)).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), tx.localPort()));
                    p.setRange(128, 0);
                    assertThat(rx.copyTo(i, p)).isEqualTo(want);
                    assertThat(p.offset()).isEqualTo(128);
                    assertThat(p.toArray()).isEqualTo(payload(got, want));
                    got++;
                }
            }
            assertThat(rx.receiveAvailable()).isZero();
            assertThat(rx.kernelDrops()).isZero();
        }
    }

    @Test
    void ipv6LoopbackWorksToo() throws Exception {
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        try (BatchUdpSocket rx = BatchUdpSocket.bind(any6).receiveBatch(4).open();
             BatchUdpSocket tx = BatchUdpSocket.bind(any6).receiveBatch(0).sendBatch(4).open()) {
            tx.connect(rx.localAddress());
            sendNumbered(tx, 4, 100);
            int got = 0;
            byte[] src = new byte[16];
            while (got < 4) {
                int n = rx.receive();
                for (int i = 0; i < n; i++) {
                    assertThat(rx.sourceIsIpv6(i)).isTrue();
                    assertThat(rx.copySourceAddress(i, src, 0)).isEqualTo(16);
                    assertThat(InetAddress.getByAddress(src)).isEqualTo(InetAddress.getByName("::1"));
                    byte[] b = new byte[rx.length(i)];
                    rx.copyTo(i, b, 0);
                    assertThat(b).isEqualTo(payload(got, 1 + (got * 37) % 100));
                    got++;
                }
            }
            assertThat(UdpSocketTable.read().entries()).anySatisfy(e -> {
                assertThat(e.ipv6()).isTrue();
                assertThat(e.inode()).isEqualTo(rx.inode());
                assertThat(e.localPort()).isEqualTo(rx.localPort());
            });
        }
    }

    @Test
    void aDatagramLongerThanTheMessageIsMarkedTruncated() throws Exception {
        try (BatchUdpSocket rx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(2).messageBytes(100).open();
             BatchUdpSocket tx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(0).sendBatch(1).messageBytes(1000).open()) {
            tx.connect(rx.localAddress());
            tx.fill(0, payload(1, 300), 0, 300);
            assertThat(tx.send(1)).isEqualTo(1);
            assertThat(rx.receive()).isEqualTo(1);
            assertThat(rx.truncated(0)).isTrue();
            assertThat(rx.length(0)).isEqualTo(100);
        }
    }

    @Test
    void aDatagramThatDoesNotFitThePacketBufferIsNotCopied() throws Exception {
        try (BatchUdpSocket rx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(2).open();
             BatchUdpSocket tx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(0).sendBatch(1).open()) {
            tx.connect(rx.localAddress());
            tx.fill(0, payload(1, 500), 0, 500);
            tx.send(1);
            assertThat(rx.receive()).isEqualTo(1);
            PacketBuffer small = PacketBuffer.unpooled(400, 64);
            assertThat(rx.copyTo(0, small)).isEqualTo(-1);
            assertThat(small.length()).isZero();
        }
    }

    /**
     * Loopback delivery happens inside the sender's sendmmsg, so once it returns every datagram is
     * queued or dropped: drops = sent - received, exactly, from both sources.
     */
    @Test
    void kernelDropsArriveWithTheNextDatagramAndMatchProcNetUdp() throws Exception {
        try (BatchUdpSocket rx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(64).receiveBufferBytes(4096).open();
             BatchUdpSocket tx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(0).sendBatch(50).open()) {
            tx.connect(rx.localAddress());
            sendNumbered(tx, 500, 200);
            int received = 0;
            for (int n; (n = rx.receiveAvailable()) > 0; ) {
                received += n;
            }
            assertThat(received).isBetween(1, 499);
            long dropped = 500 - received;
            assertThat(rx.procDrops()).isEqualTo(dropped);
            assertThat(UdpSocketTable.read().dropsOfPort(rx.localPort())).isEqualTo(dropped);
            // the datagrams queued before the drops carried no count; the next one does
            tx.fill(0, payload(0, 10), 0, 10);
            tx.send(1);
            assertThat(rx.receive()).isEqualTo(1);
            assertThat(rx.kernelDrops()).isEqualTo(dropped);
        }
    }

    @Test
    void effectiveBufferSizesAreWhatTheKernelGave() throws Exception {
        // one read(2): on this JDK Files.readString returned "4" for the "4194304" of this sysctl file
        byte[] text = new byte[64];
        int n;
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/sys/net/core/rmem_max")) {
            n = in.read(text);
        }
        long rmemMax = Long.parseLong(new String(text, 0, n, java.nio.charset.StandardCharsets.US_ASCII).strip());
        int ask = 256 * 1024;
        try (BatchUdpSocket s = BatchUdpSocket.bind(v4Loopback()).receiveBufferBytes(ask).sendBufferBytes(64 * 1024).open()) {
            // Linux doubles the request (room for its bookkeeping) and caps it at rmem_max first
            assertThat(s.receiveBufferBytes()).isEqualTo(2 * (int) Math.min(ask, rmemMax));
            assertThat(s.sendBufferBytes()).isPositive();
        }
    }

    @Test
    void aReceiveTimeoutMakesReceiveReturnZero() throws Exception {
        try (BatchUdpSocket rx = BatchUdpSocket.bind(v4Loopback()).receiveTimeout(Duration.ofMillis(20)).open()) {
            assertThat(rx.receive()).isZero();
            assertThat(rx.received()).isZero();
        }
    }

    @Test
    @Timeout(60)
    void shutdownInputWakesABlockedReceiver() throws Exception {
        try (BatchUdpSocket rx = BatchUdpSocket.bind(v4Loopback()).open()) {
            AtomicInteger result = new AtomicInteger(-1);
            Thread receiver = Thread.ofPlatform().start(() -> result.set(rx.receive()));
            rx.shutdownInput();
            receiver.join();
            assertThat(result.get()).isZero();
            assertThat(rx.inputShut()).isTrue();
            assertThat(rx.receive()).isZero();
        }
    }

    @Test
    @Timeout(60)
    void shuttingAClosedSocketLeavesTheSocketThatReusedItsFdAlone() throws Exception {
        BatchUdpSocket closed = BatchUdpSocket.bind(v4Loopback()).open();
        closed.close();
        try (BatchUdpSocket rx = BatchUdpSocket.bind(v4Loopback()).receiveTimeout(Duration.ofSeconds(30)).open();
             BatchUdpSocket tx = BatchUdpSocket.bind(v4Loopback()).receiveBatch(0).sendBatch(1).open()) {
            assertThat(rx.fd()).as("the kernel gives the lowest free fd").isEqualTo(closed.fd());
            closed.shutdownInput(); // a reader stopping late, after its socket was closed
            tx.connect(rx.localAddress());
            tx.fill(0, new byte[] {1, 2, 3}, 0, 3);
            // A shut socket's receive returns 0 at once when its queue is empty; this one must wait for
            // the datagram sent a moment later (sent early, it is queued and the receive takes it).
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                tx.send(1);
            });
            assertThat(rx.receive()).as("the socket that reused the fd still waits and receives").isEqualTo(1);
            assertThat(rx.length(0)).isEqualTo(3);
            sender.join();
        }
    }

    @Test
    void bindingATakenPortFailsWithErrnoUnlessBothReusePort() throws Exception {
        try (BatchUdpSocket first = BatchUdpSocket.bind(v4Loopback()).open()) {
            InetSocketAddress same = first.localAddress();
            assertThatThrownBy(() -> BatchUdpSocket.bind(same).open())
                    .isInstanceOfSatisfying(SystemCallException.class, e -> {
                        assertThat(e.errno()).isEqualTo(98);
                        assertThat(e.call()).isEqualTo("bind(" + same + ")");
                        assertThat(e.getMessage()).contains("EADDRINUSE");
                    });
        }
        try (BatchUdpSocket a = BatchUdpSocket.bind(v4Loopback()).reusePort(true).open();
             BatchUdpSocket b = BatchUdpSocket.bind(a.localAddress()).reusePort(true).open()) {
            assertThat(b.localPort()).isEqualTo(a.localPort());
        }
    }

    @Test
    void sidesThatWereNotBuiltSayHowToBuildThem() throws Exception {
        try (BatchUdpSocket s = BatchUdpSocket.bind(v4Loopback()).receiveBatch(0).sendBatch(0).open()) {
            assertThatThrownBy(s::receive).hasMessageContaining("receiveBatch(n > 0)");
            assertThatThrownBy(() -> s.send(1)).hasMessageContaining("sendBatch(n > 0)");
        }
    }

    @Test
    void readingAMessageOutsideTheLastReceiveThrows() throws Exception {
        try (BatchUdpSocket s = BatchUdpSocket.bind(v4Loopback()).open()) {
            assertThatThrownBy(() -> s.length(0)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("last receive of 0");
        }
    }
}
