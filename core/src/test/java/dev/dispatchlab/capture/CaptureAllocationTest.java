package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading and writing records allocates nothing per record once warm. */
class CaptureAllocationTest {

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    private static long readSome(CaptureReader r, PacketBuffer p, int records) throws IOException {
        long sum = 0;
        for (int i = 0; i < records; i++) {
            p.setRange(0, 0);
            sum += r.read(p) + r.timestampNanos() + r.originalLength() + r.linkType();
        }
        return sum;
    }

    @Test
    void readingRecordsAllocatesNothing() throws IOException {
        byte[] frame = new byte[300];
        ByteArrayOutputStream pcap = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(pcap, 1, 65535, PcapWriter.Resolution.NANOSECONDS)) {
            for (int i = 0; i < 60_000; i++) {
                w.write(frame, 0, 40 + i % 250, 1_000_000_000L + i);
            }
        }
        byte[] ng = Captures.bytes(Captures.resource("pcapng/espfrags1.pcapng"));
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            many.write(ng); // concatenated sections: a valid pcapng
        }
        PacketBuffer p = PacketBuffer.unpooled(2048, 0);
        try (CaptureReader a = CaptureReader.open(new ByteArrayInputStream(pcap.toByteArray()), "many.pcap");
             CaptureReader b = CaptureReader.open(new ByteArrayInputStream(many.toByteArray()), "many.pcapng")) {
            readSome(a, p, 40_000);
            readSome(b, p, 30_000);
            // best of five windows: see BatchUdpSocketAllocationTest
            long fewest = Long.MAX_VALUE;
            for (int window = 0; window < 5; window++) {
                long overhead = -allocatedByThisThread() + allocatedByThisThread();
                long before = allocatedByThisThread();
                long sink = readSome(a, p, 4_000) + readSome(b, p, 3_000);
                fewest = Math.min(fewest, allocatedByThisThread() - before - overhead);
                assertThat(sink).isNotZero();
            }
            assertThat(fewest).as("bytes allocated reading 7000 records").isLessThan(7_000);
        }
    }
}
