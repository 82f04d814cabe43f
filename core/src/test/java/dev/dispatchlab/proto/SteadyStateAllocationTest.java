package dev.dispatchlab.proto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.metrics.DropReason;
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
 * The packet-path standard, measured: once warm, demux, IP and UDP validation, classification and
 * reassembly (completions and drops included) allocate nothing per packet. The test reads the
 * thread's allocation counter (HotSpot's {@code com.sun.management.ThreadMXBean}), which counts
 * bytes, not time; any per-packet object would cost at least 16 bytes a packet.
 */
class SteadyStateAllocationTest {

    private static final int ROUNDS = 2_000;

    @Test
    void theReceiveLayersAllocateNothingPerPacket() {
        List<byte[]> frames = new ArrayList<>();
        for (JsonNode c : Cases.wholeFrames()) {
            frames.add(Cases.frameOf(c));
        }
        frames.add(Pcap.read("/captures/rfc7634/rfc7634-appendixB.pcap").frame(3)); // IKE with a UDP checksum
        frames.add(Pcap.read("/proto/ipv6-ethernet.pcap").frame(1)); // IPv6 UDP
        frames.add(Pcap.read("/proto/ipv6-ethernet.pcap").frame(2)); // IPv6 extension chain
        frames.add(Pcap.read("/proto/ipv6-ethernet.pcap").frame(3)); // IPv6 fragment: dropped
        frames.add(Pcap.read("/proto/ethernet-vlan.pcap").frame(2)); // two tags
        List<byte[]> fragments = new ArrayList<>();
        for (JsonNode c : Cases.fragmented()) {
            for (byte[] f : Cases.wireFragments(c)) {
                fragments.add(Packets.concat(Packets.prefix(frames.getFirst(), 14), f));
            }
        }
        fragments.add(1, fragments.getFirst()); // a duplicate of a held fragment: dropped alone

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PacketPool rx = new PacketPool("rx", 64, 2048, 128);
        PacketPool datagrams = Ipv4Reassembler.datagramPool("reassembly", 4);
        try (StageContext ctx = new StageContext("allocation", new ManualClock())) {
            Ipv4Reassembler reassembler = new Ipv4Reassembler(ReassemblyLimits.DEFAULT, datagrams);
            long packets = 0;
            long before = 0;
            for (int round = 0; round < 2 * ROUNDS; round++) {
                if (round == ROUNDS) {
                    before = threads.getCurrentThreadAllocatedBytes();
                    packets = 0;
                }
                for (byte[] f : frames) {
                    run(rx, f, reassembler, ctx);
                    packets++;
                }
                for (byte[] f : fragments) {
                    run(rx, f, reassembler, ctx);
                    packets++;
                }
                reassembler.flush(ctx);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated over %d packets", packets).isLessThan(packets);
            assertThat(rx.outstanding()).isZero();
            assertThat(datagrams.outstanding()).isZero();
            assertThat(ctx.counters().get(DropReason.FRAGMENT_DUPLICATE)).isEqualTo(2L * ROUNDS);
        }
    }

    private static void run(PacketPool rx, byte[] frame, Ipv4Reassembler reassembler, StageContext ctx) {
        PacketBuffer p = rx.acquire();
        p.append(frame, 0, frame.length);
        p.linkType(LinkType.ETHERNET.code());
        DropReason r = LinkInput.demux(p);
        if (r == null) {
            r = IpInput.validate(p);
        }
        if (r != null) {
            ctx.drop(p, r);
            return;
        }
        if (IpInput.isFragment(p)) {
            p = reassembler.offer(p, ctx);
            if (p == null) {
                return;
            }
        }
        if (p.transportProtocol() == IpProtocol.UDP) {
            r = UdpInput.validate(p);
            if (r == null) {
                r = UdpInput.classify(p).dropReason();
            }
        }
        if (r != null) {
            ctx.drop(p, r);
        } else {
            p.release();
        }
    }
}
