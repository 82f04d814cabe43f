package dev.dispatchlab.workload;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PayloadCheck;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plan: the set's payloads and indices without pre-built frames, and the sender's datagrams. */
class TrafficSetPlanTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void aPlanHasTheIndicesOfTheSetButNoFrames() {
        TrafficSet plan = TrafficSet.plan(Workload.defaults());
        assertThat(plan.prebuilt()).isFalse();
        assertThat(plan.templateCount()).isEqualTo(2 * 4 * plan.perSpi());
        assertThatThrownBy(plan::allTemplates).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TrafficSet.build");
    }

    @Test
    void theCheckReadsTheIndexFromThePayloadWhenTheSourceHasNoTag() {
        TrafficSet plan = TrafficSet.plan(Workload.defaults().withSizes(SizeMix.parse("64,512")));
        PayloadCheck check = plan.payloadCheck();
        int index = 2 * plan.perSpi() + 1; // SA 1, phase 0, j = 1: the 512-byte size
        PacketBuffer p = PacketBuffer.unpooled(2048, 0);
        p.append(512);
        byte[] d = p.data();
        for (int i = 0; i < 512; i++) {
            d[i] = (byte) (i * 7 + 512);
        }
        Bytes.put64(d, 0, index);
        assertThat(check.matches(p)).as("untagged, index from the payload").isTrue();
        p.tag = index;
        assertThat(check.matches(p)).as("tagged").isTrue();
        p.tag = -1;
        d[300] ^= 1;
        assertThat(check.matches(p)).as("a flipped byte").isFalse();
        d[300] ^= 1;
        Bytes.put64(d, 0, index + 1); // an index whose size is 64
        assertThat(check.matches(p)).as("the wrong size for its index").isFalse();
    }

    @Test
    void aLaneMakesEspDatagramsWithGrowingSequenceNumbersAndTheBadTrafficItCounts() {
        Workload w = Workload.defaults().withShares(0.1, 0.1, 0.1).withSeed(3);
        TrafficSet plan = TrafficSet.plan(w);
        try (TrafficSet.Sender sender = plan.sender(LO, LO, 2);
             StageContext ctx = new StageContext("test", Clock.SYSTEM)) {
            TrafficSet.Sender.Lane lane = sender.lane(1);
            assertThat(lane.sas()).containsExactly(1, 3);
            Set<Long> seen = new HashSet<>();
            long[] lastSeq = new long[1 << 8];
            int made = 2000;
            for (int n = 0; n < made; n++) {
                PacketBuffer p = lane.next(ctx);
                byte[] d = p.data();
                int spi = Bytes.i32(d, p.offset());
                long seq = Bytes.i32(d, p.offset() + 4) & 0xFFFF_FFFFL;
                long key = (long) spi << 32 | seq;
                if (spi == 0x7EAD_BEEF || p.length() == 8) {
                    continue; // malformed
                }
                assertThat(spi & 0xFFFF_FF00).isEqualTo(0x0100_0000);
                assertThat((spi & 0xFF_FFFF) >>> 1).as("SA of lane 1").isIn(1, 3);
                if (!seen.add(key)) {
                    continue; // a repeat of the last valid one
                }
                assertThat(seq).as("sequence numbers grow on SPI %x", spi).isGreaterThan(lastSeq[spi & 0xFF]);
                lastSeq[spi & 0xFF] = seq;
            }
            long sum = lane.validMade() + lane.repeatsMade() + lane.badIcvMade() + lane.malformedMade();
            assertThat(sum).isEqualTo(made);
            assertThat(lane.repeatsMade()).isPositive();
            assertThat(lane.badIcvMade()).isPositive();
            assertThat(lane.malformedMade()).isPositive();
            assertThat(sender.validSent(1) + sender.validSent(3)).isEqualTo(lane.validMade());
            lane.finish();
            assertThat(lane.buffersOutstanding()).isZero();
        }
    }
}
