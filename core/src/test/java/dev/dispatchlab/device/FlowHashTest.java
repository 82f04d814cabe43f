package dev.dispatchlab.device;

import dev.dispatchlab.packet.Bytes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static dev.dispatchlab.device.Frames.ESP;
import static dev.dispatchlab.device.Frames.TCP;
import static dev.dispatchlab.device.Frames.UDP;
import static dev.dispatchlab.device.Frames.addr;
import static org.assertj.core.api.Assertions.assertThat;

class FlowHashTest {

    /** Verification values published with the RSS specification for its default key. */
    @Test
    void matchesTheRssVerificationValues() {
        byte[] tuple = new byte[12];
        Bytes.put32(tuple, 0, addr(66, 9, 149, 187));
        Bytes.put32(tuple, 4, addr(161, 142, 100, 80));
        Bytes.put16(tuple, 8, 2794);
        Bytes.put16(tuple, 10, 1766);
        assertThat(FlowHash.toeplitz(tuple, 0, 8)).isEqualTo(0x323e8fc2);
        assertThat(FlowHash.toeplitz(tuple, 0, 12)).isEqualTo(0x51ccc178);

        Bytes.put32(tuple, 0, addr(199, 92, 111, 2));
        Bytes.put32(tuple, 4, addr(65, 69, 140, 83));
        Bytes.put16(tuple, 8, 14230);
        Bytes.put16(tuple, 10, 4739);
        assertThat(FlowHash.toeplitz(tuple, 0, 8)).isEqualTo(0xd718262a);
        assertThat(FlowHash.toeplitz(tuple, 0, 12)).isEqualTo(0xc626b0ea);
    }

    @Test
    void theFrameParserHashesTheSameTupleAsTheSpecification() {
        byte[] frame = Frames.ipv4(TCP, addr(66, 9, 149, 187), addr(161, 142, 100, 80), 2794, 1766, 0, 0, false);
        assertThat(FlowHash.ofFrame(frame, 0, frame.length, FlowHash.LINKTYPE_ETHERNET)).isEqualTo(0x51ccc178);
        byte[] tagged = Frames.ipv4(TCP, addr(66, 9, 149, 187), addr(161, 142, 100, 80), 2794, 1766, 0, 0, true);
        assertThat(FlowHash.ofFrame(tagged, 0, tagged.length, FlowHash.LINKTYPE_ETHERNET)).as("VLAN tag skipped")
                .isEqualTo(0x51ccc178);
        assertThat(FlowHash.ofFrame(frame, 14, frame.length - 14, FlowHash.LINKTYPE_RAW)).isEqualTo(0x51ccc178);
    }

    @Property(tries = 200)
    void everyFragmentOfADatagramHashesOnItsAddressesAlone(@ForAll int src, @ForAll int dst,
                                                            @ForAll @IntRange(max = 65535) int sport,
                                                            @ForAll @IntRange(max = 65535) int dport,
                                                            @ForAll @IntRange(min = 1, max = 0x1FFF) int offset) {
        byte[] first = Frames.ipv4(UDP, src, dst, sport, dport, 0, 0x2000, false);        // MF, offset 0
        byte[] later = Frames.ipv4(UDP, src, dst, 0xAAAA, 0xBBBB, 0, offset, false);     // offset > 0: no ports
        byte[] addressesOnly = new byte[8];
        Bytes.put32(addressesOnly, 0, src);
        Bytes.put32(addressesOnly, 4, dst);
        int expected = FlowHash.toeplitz(addressesOnly, 0, 8);
        assertThat(FlowHash.ofFrame(first, 0, first.length, 1)).isEqualTo(expected);
        assertThat(FlowHash.ofFrame(later, 0, later.length, 1)).isEqualTo(expected);
    }

    @Test
    void espHashesOnItsSpiAndNatTOnPortsAndSpi() {
        int a = addr(10, 0, 0, 1);
        int b = addr(10, 0, 0, 2);
        byte[] esp1 = Frames.ipv4(ESP, a, b, 0, 0, 0x1001, 0, false);
        byte[] esp2 = Frames.ipv4(ESP, a, b, 0, 0, 0x1002, 0, false);
        assertThat(FlowHash.ofFrame(esp1, 0, esp1.length, 1)).isNotEqualTo(FlowHash.ofFrame(esp2, 0, esp2.length, 1));
        byte[] natt1 = Frames.ipv4(UDP, a, b, 4500, 4500, 0x1001, 0, false);
        byte[] natt2 = Frames.ipv4(UDP, a, b, 4500, 4500, 0x1002, 0, false);
        assertThat(FlowHash.ofFrame(natt1, 0, natt1.length, 1)).isNotEqualTo(FlowHash.ofFrame(natt2, 0, natt2.length, 1));
        byte[] ike = Frames.ipv4(UDP, a, b, 4500, 4500, 0, 0, false); // non-ESP marker: ports only
        byte[] tuple = new byte[12];
        Bytes.put32(tuple, 0, a);
        Bytes.put32(tuple, 4, b);
        Bytes.put16(tuple, 8, 4500);
        Bytes.put16(tuple, 10, 4500);
        assertThat(FlowHash.ofFrame(ike, 0, ike.length, 1)).isEqualTo(FlowHash.toeplitz(tuple, 0, 12));
    }

    @Test
    void ipv6FragmentsHashOnAddressesAndNonIpOnNothing() {
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        src[15] = 1;
        dst[15] = 2;
        byte[] whole = Frames.ipv6Udp(src, dst, 1000, 2000, false);
        byte[] frag = Frames.ipv6Udp(src, dst, 1000, 2000, true);
        byte[] addrs = new byte[32];
        System.arraycopy(src, 0, addrs, 0, 16);
        System.arraycopy(dst, 0, addrs, 16, 16);
        assertThat(FlowHash.ofFrame(frag, 0, frag.length, 1)).isEqualTo(FlowHash.toeplitz(addrs, 0, 32));
        assertThat(FlowHash.ofFrame(whole, 0, whole.length, 1)).isNotEqualTo(FlowHash.toeplitz(addrs, 0, 32));
        byte[] arp = new byte[60];
        Bytes.put16(arp, 12, 0x0806);
        assertThat(FlowHash.ofFrame(arp, 0, arp.length, 1)).isZero();
        assertThat(FlowHash.ofFrame(new byte[5], 0, 5, 1)).as("too short: no exception").isZero();
    }
}
