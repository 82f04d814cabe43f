package dev.dispatchlab.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dispatchlab.packet.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every capture in test resources, and the pcapng files made from them, read as expected. */
class CaptureFilesTest {

    private static final Pattern FRAME = Pattern.compile("-frame(\\d+)-");
    private static final int ETHERNET = 1;

    private static byte[] slice(byte[] b, int from) {
        return java.util.Arrays.copyOfRange(b, from, b.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openswan-klips-captures.json", "tcpdump-captures.json"})
    void everyListedEspPacketIsItsFrameAfterTheEthernetHeader(String listing) throws IOException {
        JsonNode cases = new ObjectMapper().readTree(Captures.resource(listing).toFile());
        int checked = 0;
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            List<Captures.Frame> frames = Captures.readAll(Captures.resource(c.get("capture_file").asText().substring("captures/".length())));
            assertThat(frames).allSatisfy(f -> assertThat(f.linkType()).isEqualTo(ETHERNET));
            Matcher m = FRAME.matcher(name);
            if (c.has("wire_fragments")) {
                // datagram k travels as frames 2k-1 and 2k
                int k = Integer.parseInt(name.replaceAll(".*-datagram(\\d+)-.*", "$1"));
                JsonNode frags = c.get("wire_fragments");
                for (int i = 0; i < frags.size(); i++) {
                    Captures.Frame f = frames.get(2 * (k - 1) + i);
                    assertThat(Bytes.hex(slice(f.data(), 14))).as(name + " fragment " + i).isEqualTo(frags.get(i).asText());
                }
                checked++;
            } else if (m.find() && !name.contains("-inner-")) {
                Captures.Frame f = frames.get(Integer.parseInt(m.group(1)) - 1);
                assertThat(Bytes.hex(slice(f.data(), 14))).as(name).isEqualTo(c.get("esp_packet").asText());
                assertThat(Bytes.hex(f.data(), 14, 20)).as(name).isEqualTo(c.get("outer_ip_header").asText());
                assertThat(f.originalLength()).isEqualTo(f.data().length);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(listing.startsWith("openswan") ? 74 : 8);
    }

    @Test
    void theRfc7634CaptureReadsTheSameAsSnoopAndAsPcap() throws IOException {
        List<Captures.Frame> snoop = Captures.readAll(Captures.resource("rfc7634/rfc7634-appendixB.snoop"));
        List<Captures.Frame> pcap = Captures.readAll(Captures.resource("rfc7634/rfc7634-appendixB.pcap"));
        assertThat(snoop).hasSize(3);
        assertFramesEqual(snoop, pcap);
        assertThat(snoop.get(0).timestampNanos()).isEqualTo(1_430_171_407_000_853_000L);
        JsonNode vector = new ObjectMapper().readTree(Captures.resource("../vectors/rfc7634-chacha20-poly1305-esp.json").toFile()).get(0);
        assertThat(Bytes.hex(slice(snoop.get(1).data(), 14))).isEqualTo(vector.get("esp_packet").asText());
        try (CaptureReader r = CaptureReader.open(Captures.resource("rfc7634/rfc7634-appendixB.snoop"))) {
            assertThat(r.format()).isEqualTo(CaptureFormat.SNOOP);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"espfrags1.pcapng", "espfrags1-be.pcapng", "espfrags1-nsec.pcapng"})
    void pcapngMadeFromAPcapReadsIdentically(String variant) throws IOException {
        List<Captures.Frame> source = Captures.readAll(Captures.resource("openswan-klips/espfrags1.pcap"));
        List<Captures.Frame> ng = Captures.readAll(Captures.resource("pcapng/" + variant));
        assertThat(source).hasSize(16);
        assertFramesEqual(ng, source);
        try (CaptureReader r = CaptureReader.open(Captures.resource("pcapng/" + variant))) {
            assertThat(r.format()).isEqualTo(CaptureFormat.PCAPNG);
        }
    }

    @Test
    void powerOfTwoResolutionIsConvertedToTheNearestNanosecond() throws IOException {
        List<Captures.Frame> source = Captures.readAll(Captures.resource("openswan-klips/espfrags1.pcap"));
        List<Captures.Frame> ng = Captures.readAll(Captures.resource("pcapng/espfrags1-pow2.pcapng"));
        assertThat(ng).hasSize(source.size());
        for (int i = 0; i < ng.size(); i++) {
            assertThat(ng.get(i).data()).isEqualTo(source.get(i).data());
            // units of 2^-30 s (0.93 ns), rounded on writing and truncated on reading
            assertThat(ng.get(i).timestampNanos()).isCloseTo(source.get(i).timestampNanos(), within(1L));
        }
    }

    @Test
    void everyBlockKindInMixedPcapngIsReadOrSkipped() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(Captures.resource("pcapng/mixed.expected.json").toFile());
        List<Captures.Frame> frames = Captures.readAll(Captures.resource("pcapng/mixed.pcapng"));
        assertThat(frames).hasSize(expected.size());
        for (int i = 0; i < frames.size(); i++) {
            JsonNode e = expected.get(i);
            Captures.Frame f = frames.get(i);
            assertThat(Bytes.hex(f.data())).as("frame " + (i + 1)).isEqualTo(e.get("data").asText());
            assertThat(f.linkType()).as("frame " + (i + 1)).isEqualTo(e.get("link").asInt());
            assertThat(f.originalLength()).as("frame " + (i + 1)).isEqualTo(e.get("orig").asInt());
            long ts = e.get("ts").isNull() ? CaptureReader.NO_TIMESTAMP : e.get("ts").asLong();
            assertThat(f.timestampNanos()).as("frame " + (i + 1)).isEqualTo(ts);
        }
    }

    @Test
    void theReaderSaysWhereTheLastRecordWas() throws IOException {
        try (CaptureReader r = CaptureReader.open(Captures.resource("pcapng/mixed.pcapng"))) {
            dev.dispatchlab.packet.PacketBuffer p = dev.dispatchlab.packet.PacketBuffer.unpooled(4096, 0);
            r.read(p);
            assertThat(r.recordNumber()).isEqualTo(1);
            assertThat(r.snapLength()).isZero();
            long first = r.recordOffset();
            p.setRange(0, 0);
            r.read(p);
            assertThat(r.recordOffset()).isGreaterThan(first);
        }
        try (CaptureReader r = CaptureReader.open(Captures.resource("openswan-klips/espfrags1.pcap"))) {
            r.read(dev.dispatchlab.packet.PacketBuffer.unpooled(4096, 0));
            assertThat(r.recordOffset()).isEqualTo(24);
            assertThat(r.snapLength()).isEqualTo(1600);
            assertThat(r.format()).isEqualTo(CaptureFormat.PCAP);
        }
    }

    static void assertFramesEqual(List<Captures.Frame> actual, List<Captures.Frame> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            Captures.Frame a = actual.get(i);
            Captures.Frame e = expected.get(i);
            assertThat(a.data()).as("frame " + (i + 1) + " bytes").isEqualTo(e.data());
            assertThat(a.timestampNanos()).as("frame " + (i + 1) + " time").isEqualTo(e.timestampNanos());
            assertThat(a.originalLength()).as("frame " + (i + 1) + " original length").isEqualTo(e.originalLength());
            assertThat(a.linkType()).as("frame " + (i + 1) + " link type").isEqualTo(e.linkType());
        }
    }
}
