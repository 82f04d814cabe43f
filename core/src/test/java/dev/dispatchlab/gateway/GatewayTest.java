package dev.dispatchlab.gateway;

import dev.dispatchlab.blast.BlastConfig;
import dev.dispatchlab.blast.Blaster;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.dispatch.models.DispatchModels;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.stack.PayloadCheck;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.Workload;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway end to end on loopback, under several models: the generator sends ESP-in-UDP, the
 * gateway decrypts and forwards each inner payload to a local UDP socket, which receives every
 * payload exactly once with the right contents; the gateway's accounting closes.
 */
class GatewayTest {

    private static final int PACKETS = 3000;

    @ParameterizedTest
    @EnumSource(value = DispatchModels.class, names = {"PULLER", "PUSH", "KCONT", "VTHREAD"})
    @Timeout(90)
    void forwardsEveryPayloadExactlyOnce(DispatchModels model) throws Exception {
        Workload w = Workload.defaults().withSizes(SizeMix.parse("64,512,1400")).withSeed(5).withNatt(true);
        try (DatagramChannel sink = DatagramChannel.open()) {
            sink.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            sink.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            sink.configureBlocking(false);
            InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
            // 5,000 packets/s: the gateway runs first in a fresh JVM, its card's engine still interpreted; at
            // 20,000 a CI run here found the card's 1,024 descriptors full once (one crypto queue full drop)
            try (Blaster blaster = new Blaster(new BlastConfig(listen, w, 5_000, 0, PACKETS, 32, 1, 1), Clock.SYSTEM)) {
                PortMap map = PortMap.parse(List.of(w.port() + "=127.0.0.1:" + ((InetSocketAddress) sink.getLocalAddress()).getPort()));
                Gateway.Settings s = new Gateway.Settings(listen, blaster.saConfigs(1024), map, null, model, null,
                        IdleStrategies.PARK, 1, 64, 4096, 8 << 20);
                Set<Long> seen = new HashSet<>();
                long received = 0;
                PayloadCheck check = blaster.trafficSet().payloadCheck();
                Accounting acc;
                int open = StageContext.openCount();
                try (Gateway gw = new Gateway(s)) {
                    gw.start();
                    blaster.start(r -> Thread.ofPlatform().daemon().unstarted(r));
                    assertThat(blaster.join(Duration.ofSeconds(60))).as("generator finished").isTrue();
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    ByteBuffer buf = ByteBuffer.allocate(10_000);
                    while (System.nanoTime() < deadline && gw.totals().get(dev.dispatchlab.metrics.Counter.OFFERED)
                            < blaster.sent()) {
                        received += drain(sink, buf, check, seen);
                        Thread.sleep(5);
                    }
                    acc = gw.stop();
                    assertThat(gw.failure()).isNull();
                }
                assertThat(StageContext.openCount()).as("stage contexts open after the gateway closed").isEqualTo(open);
                Thread.sleep(50);
                received += drain(sink, buf(), check, seen);
                assertThat(acc.balanced()).as("accounting %s", acc).isTrue();
                assertThat(acc.offered()).isEqualTo(PACKETS);
                assertThat(acc.dropped()).as("drops %s", acc.drops()).isZero();
                assertThat(received).as("payloads received").isEqualTo(acc.delivered()).isEqualTo(PACKETS);
                assertThat(seen).as("distinct payloads").hasSize(PACKETS);
            }
        }
    }

    private static ByteBuffer buf() {
        return ByteBuffer.allocate(10_000);
    }

    /** Receives what is queued; checks every payload and notes its template index. */
    private static long drain(DatagramChannel ch, ByteBuffer buf, PayloadCheck check, Set<Long> seen) throws Exception {
        long n = 0;
        while (true) {
            buf.clear();
            if (ch.receive(buf) == null) {
                return n;
            }
            buf.flip();
            PacketBuffer p = PacketBuffer.unpooled(buf.remaining() + 256, 128);
            p.append(buf.array(), 0, buf.remaining());
            assertThat(check.matches(p)).as("payload %s", Bytes.hex(p.toArray())).isTrue();
            long index = buf.remaining() >= 8 ? buf.getLong(0) : -1;
            assertThat(seen.add(index)).as("payload %d arrived twice", index).isTrue();
            n++;
        }
    }

    private static int freePort() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
