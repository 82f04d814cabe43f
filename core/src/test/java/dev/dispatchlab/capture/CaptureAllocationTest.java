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
            long overhead = -allocatedByThisThread() + allocatedByThisThread(); // the reading itself, once warm
            long before = allocatedByThisThread();
            long sink = readSome(a, p, 20_000) + readSome(b, p, 15_000);
            long allocated = allocatedByThisThread() - before - overhead;
            assertThat(sink).isNotZero();
            assertThat(allocated).as("bytes allocated reading 35000 records").isZero();
        }
    }
}
