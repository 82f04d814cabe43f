package dev.dispatchlab.blast;

import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.device.SocketReceiveBaseline;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The bare receive loop, batched and one datagram a call, takes what blast sends and closes its accounting. */
class SocketReceiveBaselineTest {

    @ParameterizedTest
    @ValueSource(ints = {64, 1})
    void takesEveryDatagramAndAccountsForIt(int batch) throws Exception {
        SocketConfig c = SocketConfig.defaults().withLocal(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withSockets(2).withBatch(batch).withReceiveBuffer(SocketConfig.DEFAULT_RECEIVE_BUFFER, true);
        PacketPool pool = new PacketPool("baseline", 512, 2048, PacketPool.DEFAULT_HEADROOM);
        Workload w = Workload.defaults();
        try (SocketReceiveBaseline base = SocketReceiveBaseline.open(c, pool, Clock.SYSTEM);
             Blaster blaster = new Blaster(new BlastConfig(base.sockets().get(0).localAddress(), w, 0, 0, 2000, 64, 4, 1),
                     Clock.SYSTEM)) {
            assertThat(base.sockets()).hasSize(2);
            base.start(Thread.ofPlatform().name("baseline-", 0).factory());
            blaster.start(Thread.ofPlatform().name("blast-", 0).factory());
            assertThat(blaster.join(Duration.ofSeconds(60))).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (base.delivered() + base.kernelDrops() < 2000 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Accounting a = base.stop();
            assertThat(a.balanced()).as("%s", a).isTrue();
            assertThat(a.offered()).isEqualTo(2000);
            assertThat(a.delivered() + a.dropped()).isEqualTo(2000);
            assertThat(base.calls()).isPositive();
            if (batch == 1) {
                assertThat(base.calls()).as("one datagram a call").isEqualTo(a.delivered());
            }
        }
    }
}
