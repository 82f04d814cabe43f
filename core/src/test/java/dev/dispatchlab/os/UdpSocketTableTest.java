package dev.dispatchlab.os;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UdpSocketTableTest {

    private static final String UDP = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            \s
              128: 0100007F:1194 00000000:0000 07 00000000:00000A00 00:00000000 00000000     0        0 40961 2 0000000000000000 17        \s
              200: 00000000:0044 00000000:0000 07 00000010:00000000 00:00000000 00000000     0        0 17066 2 0000000000000000 0
            """;

    private static final String UDP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
               10: 00000000000000000000000001000000:1194 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 55555 2 0000000000000000 5
            """;

    @Test
    void parsesPortQueuesInodeAndDrops() {
        List<UdpSocketTable.Entry> v4 = UdpSocketTable.parse(UDP, false, "udp");
        assertThat(v4).containsExactly(
                new UdpSocketTable.Entry(false, 4500, 40961, 0, 0xA00, 17),
                new UdpSocketTable.Entry(false, 68, 17066, 0x10, 0, 0));
        List<UdpSocketTable.Entry> v6 = UdpSocketTable.parse(UDP6, true, "udp6");
        assertThat(v6).containsExactly(new UdpSocketTable.Entry(true, 4500, 55555, 0, 0, 5));
    }

    @Test
    void aLineThatIsNotATableLineSaysWhereItIs() {
        assertThatThrownBy(() -> UdpSocketTable.parse("header\n  1: garbage\n", false, "/proc/net/udp"))
                .hasMessageContaining("/proc/net/udp line 2");
    }
}
