package dev.dispatchlab.capture;

import dev.dispatchlab.proto.LinkType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The proto package's link-type samples (resources/proto/README.md) carry the link type the path decodes. */
class LinkTypeCapturesTest {

    @ParameterizedTest
    @CsvSource({
            "ethernet-vlan.pcap, ETHERNET, 3", "ipv6-ethernet.pcap, ETHERNET, 3", "linux-sll.pcap, LINUX_SLL, 3",
            "linux-sll2.pcap, LINUX_SLL2, 2", "null.pcap, NULL, 5", "loop.pcap, LOOP, 2", "raw.pcap, RAW, 2",
            "ipv4.pcap, IPV4, 1", "ipv6.pcap, IPV6, 2"})
    void everyRecordCarriesTheFilesLinkType(String file, LinkType type, int frames) throws IOException, URISyntaxException {
        Path path = Path.of(LinkTypeCapturesTest.class.getResource("/proto/" + file).toURI());
        List<Captures.Frame> read = Captures.readAll(path);
        assertThat(read).hasSize(frames).allSatisfy(f -> assertThat(LinkType.of(f.linkType())).isEqualTo(type));
    }
}
