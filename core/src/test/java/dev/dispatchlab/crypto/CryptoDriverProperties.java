package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Any batch of requests (any algorithm, any payload length, tampered or not, on an open or a closed
 * session) submitted to any driver completes each request exactly once, with the status and the
 * bytes the software driver gives for the same input. jqwik prints the seed of a failing case.
 */
class CryptoDriverProperties {

    private static final List<SessionParams> PARAMS = EspFixture.allParams(17);

    /** One request: which algorithm, how long, whether a bit is flipped (and where), whether its session is closed. */
    record Op(int params, int length, int flipAt, boolean closed) {
    }

    @Provide
    Arbitrary<Op> ops() {
        return Combinators.combine(Arbitraries.integers().between(0, PARAMS.size() - 1),
                        Arbitraries.integers().between(0, 1500),
                        Arbitraries.integers().between(-8, 2000), // negative: no tampering
                        Arbitraries.integers().between(0, 9).map(x -> x == 0)) // one in ten on a closed session
                .as(Op::new);
    }

    @Property(tries = 40)
    void anyBatchCompletesEachRequestOnceWithTheSoftwareResult(@ForAll CryptoDrivers kind,
                                                               @ForAll @Size(min = 1, max = 24) List<@From("ops") Op> ops) {
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> check(kind, ops));
    }

    private static void check(CryptoDrivers kind, List<Op> ops) {
        CryptoDriverConfig config = CryptoDriverConfig.defaults()
                .withOffload(OffloadConfig.defaults().withEngines(2).withRings(64, 64).withTimeout(0, 0)
                        .withRequestLatencyNanos(0))
                .withAuto(new AutoConfig(512, 48));
        SoftwareDriver sw = new SoftwareDriver();
        CryptoDriver dut = kind.create(config);
        try (StageContext ctx = new StageContext("property", Clock.SYSTEM)) {
            Map<Integer, CryptoSession> refSessions = new HashMap<>();
            Map<Integer, CryptoSession> open = new HashMap<>();
            Map<Integer, CryptoSession> closed = new HashMap<>();
            int n = ops.size();
            CryptoRequest[] batch = new CryptoRequest[n];
            CryptoRequest[] expected = new CryptoRequest[n];
            List<CryptoDriverContract.Probe> probes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Op op = ops.get(i);
                SessionParams p = PARAMS.get(op.params());
                PacketBuffer pkt = EspFixture.sealed(p, op.length(), 31L * i + op.length());
                if (op.flipAt() >= 0) {
                    int at = pkt.offset() + op.flipAt() % pkt.length();
                    pkt.data()[at] ^= (byte) (1 << (op.flipAt() & 7));
                }
                CryptoSession ref = refSessions.computeIfAbsent(op.params(), k -> sw.newSession(p));
                CryptoSession s = (op.closed() ? closed : open).computeIfAbsent(op.params(), k -> dut.newSession(p));
                if (op.closed()) {
                    s.close();
                }
                CryptoRequest want = EspFixture.describe(new CryptoRequest(), ref, CryptoOp.OPEN, EspFixture.copy(pkt));
                if (op.closed()) {
                    want.status(CryptoStatus.SESSION_CLOSED);
                } else {
                    WaiterTarget.submitAndWait(want, ctx);
                }
                expected[i] = want;
                CryptoDriverContract.Probe probe = new CryptoDriverContract.Probe();
                probes.add(probe);
                batch[i] = EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, pkt).then(probe, CompletionTarget.INLINE);
            }
            dut.submitBatch(batch, n, ctx);
            TestSupport.await(() -> probes.stream().allMatch(pr -> pr.calls.get() > 0));
            dut.shutdown(ctx);
            for (int i = 0; i < n; i++) {
                assertThat(probes.get(i).calls.get()).as("continuations of request %d", i).isEqualTo(1);
                assertThat(batch[i].status()).as("request %d %s", i, ops.get(i)).isEqualTo(expected[i].status());
                if (expected[i].status() == CryptoStatus.OK) {
                    assertThat(EspFixture.payload(batch[i])).as("plaintext %d", i).isEqualTo(EspFixture.payload(expected[i]));
                }
            }
            CryptoStatsSnapshot st = dut.stats();
            assertThat(st.submitted()).isEqualTo(n);
            assertThat(st.completedTotal()).isEqualTo(n);
        } finally {
            dut.close();
        }
    }
}
