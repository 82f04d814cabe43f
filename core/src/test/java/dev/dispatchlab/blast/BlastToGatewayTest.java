package dev.dispatchlab.blast;

import dev.dispatchlab.cli.Main;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaConfigReader;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator against a receiver in the same test run, as two processes would use them: blast
 * writes the SA file and sends ESP-in-UDP to a socket; the receiver reads the SA file and runs the
 * socket source into the receive path. Every payload arrives exactly once with the right contents,
 * every bad datagram is dropped for the reason it was sent with, and the accounting closes.
 */
class BlastToGatewayTest {

    /** Packets of the run; the gateway's forced 8 MiB socket buffer holds them all even if it stalls. */
    private static final int PACKETS = 3000;

    @Test
    void everyPayloadArrivesExactlyOnceFromTheCommandThroughItsSaFile(@TempDir Path dir) throws Exception {
        Workload w = Workload.defaults().withSizes(SizeMix.parse("64,512,1400")).withSeed(11);
        TrafficSet plan = TrafficSet.plan(w);
        Path sa = dir.resolve("blast.esp_sa");
        try (SocketGateway gw = new SocketGateway(1, plan.templateCount())) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            String to = "127.0.0.1:" + gw.address().getPort();
            int[] status = {-1};
            Thread blast = Thread.ofPlatform().name("blast-command").start(() -> status[0] = cl.execute("blast",
                    "--to", to, "--packets", "" + PACKETS, "--rate", "30000", "--size", "64,512,1400", "--seed", "11",
                    "--write-sa", sa.toString(), "--quiet"));
            // the second "process" starts once the SA file is there (written whole before the first datagram)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(sa) && blast.isAlive()) {
                assertThat(System.nanoTime()).as("the SA file appeared").isLessThan(deadline);
                Thread.sleep(2);
            }
            List<SaConfig> configs = SaConfigReader.read(sa);
            assertThat(configs).hasSize(2 * w.sas());
            gw.start(configs, w.port(), plan.payloadCheck());
            assertThat(blast.join(Duration.ofSeconds(60))).isTrue();
            assertThat(status[0]).as("exit status; stderr: %s", err).isZero();
            assertThat(out.toString()).contains("blast: sent 3,000 datagrams").contains("3,000 valid");
            gw.awaitOffered(PACKETS);
            Accounting a = gw.stop();

            assertThat(a.balanced()).as("%s", a).isTrue();
            assertThat(a.offered()).isEqualTo(PACKETS);
            assertThat(a.drops()).as("nothing dropped").isEmpty();
            assertThat(a.delivered()).isEqualTo(PACKETS);
            assertThat(gw.userCounters().get(Counter.CONTENT_MISMATCH)).isZero();
            // exactly once: per SA, the payloads of its first k valid packets, each once
            long total = 0;
            for (int s = 0; s < w.sas(); s++) {
                int k = 0;
                while (gw.deliveries(2 * s * plan.perSpi() + k) == 1) {
                    k++;
                }
                total += k;
            }
            assertThat(total).as("contiguous, single deliveries from the start of each SA").isEqualTo(PACKETS);
            for (int i = 0; i < plan.templateCount(); i++) {
                assertThat(gw.deliveries(i)).as("deliveries of index %d", i).isLessThanOrEqualTo(1);
            }
            assertThat(gw.pool.outstanding()).as("no leaked buffer").isZero();
        }
    }

    @Test
    void overIpv6TheSameHolds() throws Exception {
        Workload w = Workload.defaults().withSeed(6);
        try (SocketGateway gw = new SocketGateway(1, TrafficSet.plan(w).templateCount(), InetAddress.ofLiteral("::1"));
             Blaster blaster = new Blaster(new BlastConfig(gw.address(), w, 0, 0, 500, 64, 2, 1), Clock.SYSTEM)) {
            assertThat(blaster.sourceAddress()).isEqualTo(InetAddress.ofLiteral("::1"));
            gw.start(blaster.saConfigs(1024), w.port(), blaster.trafficSet().payloadCheck());
            blaster.start(Thread.ofPlatform().name("blast-", 0).factory());
            assertThat(blaster.join(Duration.ofSeconds(60))).isTrue();
            gw.awaitOffered(500);
            Accounting a = gw.stop();
            assertThat(a.balanced()).as("%s", a).isTrue();
            assertThat(a.delivered()).isEqualTo(500);
            assertThat(gw.userCounters().get(Counter.CONTENT_MISMATCH)).isZero();
            TrafficSet.Sender sender = blaster.sender();
            for (int s = 0; s < w.sas(); s++) {
                for (long k = 0; k < sender.validSent(s); k++) {
                    assertThat(gw.deliveries(sender.indexOf(s, k))).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void badTrafficIsDroppedForTheReasonItWasSentWithAndTheRestArrivesOnce() throws Exception {
        Workload w = Workload.defaults().withFlows(32, 8).withShares(0.03, 0.03, 0.03).withSeed(4);
        try (SocketGateway gw = new SocketGateway(2, TrafficSet.plan(w).templateCount());
             Blaster blaster = new Blaster(new BlastConfig(gw.address(), w, 50_000, 0, 4000, 32, 8, 2), Clock.SYSTEM)) {
            gw.start(blaster.saConfigs(1024), w.port(), blaster.trafficSet().payloadCheck());
            blaster.start(Thread.ofPlatform().name("blast-", 0).factory());
            assertThat(blaster.join(Duration.ofSeconds(60))).isTrue();
            assertThat(blaster.failure()).isNull();
            BlastReport r = blaster.report();
            assertThat(r.sent()).isEqualTo(4000);
            assertThat(r.refused()).isZero();
            gw.awaitOffered(r.sent());
            Accounting a = gw.stop();

            assertThat(a.balanced()).as("%s", a).isTrue();
            assertThat(a.offered()).isEqualTo(r.sent());
            Map<DropReason, Long> expected = r.expected();
            assertThat(expected).containsKeys(DropReason.REPLAY, DropReason.INTEGRITY, DropReason.NO_SA,
                    DropReason.ESP_TRUNCATED);
            assertThat(a.drops()).as("each bad datagram dropped for its reason; nothing else").isEqualTo(expected);
            assertThat(a.delivered()).isEqualTo(r.valid());
            assertThat(gw.userCounters().get(Counter.CONTENT_MISMATCH)).isZero();
            TrafficSet.Sender sender = blaster.sender();
            long sent = 0;
            for (int s = 0; s < w.sas(); s++) {
                for (long k = 0; k < sender.validSent(s); k++) {
                    assertThat(gw.deliveries(sender.indexOf(s, k))).as("SA %d packet %d", s, k).isEqualTo(1);
                    sent++;
                }
            }
            assertThat(sent).isEqualTo(r.valid());
            assertThat(gw.pool.outstanding()).isZero();
            for (int i = 0; i < sender.lanes(); i++) {
                assertThat(sender.lane(i).buffersOutstanding()).isZero();
            }
        }
    }
}
