package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.Transform;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound path allocates nothing per packet of its own: with the JVM's per-thread allocation
 * counter, ESP input costs no more bytes per packet than the bare crypto transform opening the same
 * packets (the baseline), which is where the JCA's own allocation lives (a MAC array per
 * {@code Mac.doFinal}, parameter specs and cipher state per init; accepted, and paid by the
 * bare-cipher baseline of the benchmarks too). Not a timing test: it counts bytes.
 */
class EspAllocationTest {

    private static final int PACKETS = 20_000;

    @Test
    void inboundPathAllocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SessionParams params = new SessionParams(EncryptionAlgorithm.NULL, null, IntegrityAlgorithm.HMAC_SHA256_128,
                new byte[32], false);
        List<byte[]> wire = new ArrayList<>();
        try (EspHarness h = new EspHarness()) {
            SecurityAssociation tx = EspHarness.sa(77, params, Mode.TRANSPORT, false, false, 1, 0);
            byte[] ip = EspHarness.ipv4(17, new byte[200], "10.0.0.1", "10.0.0.2");
            for (int i = 0; i < 3 * PACKETS; i++) {
                wire.add(h.seal(tx, ip));
            }
            tx.close();
        }
        PacketPool pool = new PacketPool("alloc", 8, 2048, 128);
        SaDatabase sas = new SaDatabase();
        sas.add(EspHarness.sa(77, params, null, false, false, 1, 0));
        long[] delivered = {0};
        EspInput input = new EspInput(sas, (c, p) -> {
            delivered[0]++;
            p.release();
        });
        try (StageContext ctx = new StageContext("alloc", new ManualClock())) {
            int next = 0;
            for (int round = 0; round < 2; round++) {
                // warm up: JIT, the buffers' crypto requests, the slot's transform
                next = run(pool, input, ctx, wire, next, PACKETS);
            }
            SecurityAssociation sa = sas.all().getFirst();
            CryptoRequest bare = new CryptoRequest();
            Transform t = sa.session().transform(ctx.slot());
            for (int round = 0; round < 2; round++) {
                baseline(pool, t, bare, wire, 0, PACKETS);
            }
            long b0 = mx.getCurrentThreadAllocatedBytes();
            baseline(pool, t, bare, wire, 0, PACKETS);
            long jcaPerPacket = (mx.getCurrentThreadAllocatedBytes() - b0) / PACKETS;

            long before = mx.getCurrentThreadAllocatedBytes();
            next = run(pool, input, ctx, wire, next, PACKETS);
            long perPacket = (mx.getCurrentThreadAllocatedBytes() - before) / PACKETS;
            assertThat(delivered[0]).isEqualTo(next);
            assertThat(perPacket - jcaPerPacket).as("bytes per inbound packet beyond the bare transform's %d",
                    jcaPerPacket).isLessThan(8);
        }
        assertThat(pool.outstanding()).isZero();
        sas.closeAll();
    }

    /** The transform alone on the same packets: what the JCA allocates. */
    private static void baseline(PacketPool pool, Transform t, CryptoRequest r, List<byte[]> wire, int from, int n) {
        int failed = 0;
        for (int i = from; i < from + n; i++) {
            byte[] w = wire.get(i);
            PacketBuffer p = pool.acquire();
            p.append(w, 0, w.length);
            int a = p.offset() + 20;
            int len = w.length - 20 - 8 - 16;
            r.describe(null, CryptoOp.OPEN, p, a, a + 8, a + 8, len, a + 8 + len, 0);
            if (t.process(r) != CryptoStatus.OK) {
                failed++;
            }
            p.release();
        }
        assertThat(failed).isZero();
    }

    private static int run(PacketPool pool, EspInput input, StageContext ctx, List<byte[]> wire, int from, int n) {
        for (int i = from; i < from + n; i++) {
            byte[] w = wire.get(i);
            PacketBuffer p = pool.acquire();
            p.append(w, 0, w.length);
            p.networkOffset(p.offset());
            p.trimHead(20);
            input.input(ctx, p);
        }
        return from + n;
    }
}
