package dev.dispatchlab.esp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of {@code captures/*-captures.json}: real ESP packets made by other IPsec stacks,
 * decrypted with the SAs of the {@code .esp_sa} file beside their capture (read by
 * {@link SaConfigReader}), and compared with the recorded plaintext, padding and next header.
 * Nested ESP is also run end to end, and the IP-fragmented packets are reassembled from their wire
 * fragments and compared with the case's packet.
 */
class EspCaptureTest {

    static final List<String> FILES = List.of("captures/openswan-klips-captures.json", "captures/tcpdump-captures.json");

    static Stream<Arguments> captureCases() {
        return FILES.stream().flatMap(f -> Vectors.cases(f).stream())
                .map(c -> Arguments.of(Vectors.text(c, "name"), c));
    }

    @Test
    void everyCaptureFileIsRead() throws IOException {
        try (Stream<Path> files = Files.list(Vectors.resource("captures"))) {
            assertThat(files.filter(f -> f.toString().endsWith("-captures.json"))
                    .map(f -> "captures/" + f.getFileName()).toList())
                    .containsExactlyInAnyOrderElementsOf(FILES);
        }
        assertThat(captureCases().count()).isEqualTo(82 + 8);
    }

    /** @return the SAs of the capture's esp_sa file, installed in {@code h}'s database */
    private static void install(EspHarness h, JsonNode c) throws SaConfigException {
        String pcap = Vectors.text(c, "capture_file");
        Path sa = Vectors.resource(pcap.replace(".pcap", ".esp_sa"));
        for (SaConfig cfg : SaConfigReader.read(sa)) {
            h.sas.add(cfg.open(EspHarness.DRIVER));
        }
    }

    /** @return the packet as ip_input would see it: the recorded one, or an outer header made for a reassembled one */
    private static byte[] wire(JsonNode c) {
        if (Vectors.text(c, "outer_ip_header") != null) {
            return Vectors.hex(c, "esp_packet");
        }
        return EspHarness.ipv4(EspDescriptor.PROTO_ESP, Vectors.hex(c, "esp_only"), Vectors.text(c, "src"),
                Vectors.text(c, "dst"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captureCases")
    void decrypts(String name, JsonNode c) throws SaConfigException {
        int nh = c.get("next_header").asInt();
        byte[] plaintext = Vectors.hex(c, "plaintext");
        byte[] padding = Vectors.hex(c, "padding");
        byte[] wire = wire(c);
        assertThat(Arrays.copyOfRange(wire, EspHarness.outerHeaderLength(wire), wire.length))
                .isEqualTo(Vectors.hex(c, "esp_only"));
        try (EspHarness h = new EspHarness()) {
            install(h, c);
            EspHarness.Decap d = h.open(wire);
            assertThat(d.drop()).as("dropped").isNull();
            if (Vectors.mode(c) == Mode.TUNNEL) {
                assertThat(Bytes.hex(d.packet())).isEqualTo(Bytes.hex(plaintext));
            } else {
                // transport mode, and IPComp passed up as the next header behind the outer header
                assertThat(d.packet()[9] & 0xFF).isEqualTo(nh);
                assertThat(Bytes.u16(d.packet(), 2)).isEqualTo(20 + plaintext.length);
                assertThat(IpHeaders.ipv4ChecksumValid(d.packet(), 0, 20)).isTrue();
                assertThat(Arrays.copyOfRange(d.packet(), 4, 9)).as("id, flags, ttl kept")
                        .isEqualTo(Arrays.copyOfRange(wire, 4, 9));
                assertThat(Arrays.copyOfRange(d.packet(), 12, 20)).as("addresses kept")
                        .isEqualTo(Arrays.copyOfRange(wire, 12, 20));
                assertThat(Bytes.hex(Arrays.copyOfRange(d.packet(), 20, d.packet().length))).isEqualTo(Bytes.hex(plaintext));
            }
            assertThat(Bytes.hex(Arrays.copyOf(d.after(), padding.length))).isEqualTo(Bytes.hex(padding));
            assertThat(d.after()[padding.length] & 0xFF).isEqualTo(c.get("pad_length").asInt());
            assertThat(d.after()[padding.length + 1] & 0xFF).isEqualTo(nh);
        }
    }

    /** ESP in IP in ESP: the outer SA's plaintext goes back through input and the inner SA opens it. */
    @Test
    void nestedEspEndToEnd() throws SaConfigException {
        List<JsonNode> cases = Vectors.cases("captures/openswan-klips-captures.json");
        Map<Long, JsonNode> inner = new HashMap<>();
        List<JsonNode> outer = new ArrayList<>();
        for (JsonNode c : cases) {
            String n = Vectors.text(c, "name");
            if (n.contains("esp-double-inner")) {
                inner.put(Vectors.seq(c), c);
            } else if (n.contains("esp-double")) {
                outer.add(c);
            }
        }
        assertThat(outer).hasSize(8);
        assertThat(inner).hasSize(8);
        try (EspHarness h = new EspHarness()) {
            install(h, outer.get(0));
            List<byte[]> finals = new ArrayList<>();
            List<Integer> depths = new ArrayList<>();
            h.inputSink = (ctx, p) -> {
                if (p.data()[p.offset() + 9] == EspDescriptor.PROTO_ESP) {
                    // the stack's ip_input: the inner packet is ESP again
                    p.trimHead((p.data()[p.offset()] & 0xF) * 4);
                    h.input.input(ctx, p);
                } else {
                    finals.add(p.toArray());
                    depths.add(p.depth);
                    p.release();
                }
            };
            for (JsonNode c : outer) {
                h.input.input(h.ctx, prepared(h, wire(c)));
            }
            assertThat(finals).hasSize(8);
            for (int i = 0; i < 8; i++) {
                JsonNode in = inner.get(Vectors.seq(outer.get(i)));
                assertThat(Bytes.hex(finals.get(i))).isEqualTo(Vectors.text(in, "plaintext"));
            }
            assertThat(depths).containsOnly(2);
            for (SecurityAssociation sa : h.sas.all()) {
                assertThat(sa.count(SaCounter.INBOUND_PACKETS)).as(sa.toString()).isEqualTo(8);
            }
        }
    }

    /** With a nesting limit of 1 the same packets stop at the second layer. */
    @Test
    void nestingLimitStopsTheSecondLayer() throws SaConfigException {
        JsonNode c = Vectors.cases("captures/openswan-klips-captures.json").stream()
                .filter(n -> Vectors.text(n, "name").contains("esp-double-frame1")).findFirst().orElseThrow();
        try (EspHarness h = new EspHarness()) {
            install(h, c);
            EspInput shallow = new EspInput(h.sas, (ctx, p) -> {
                throw new AssertionError("nothing should come out");
            }, 1);
            EspInput outerOnly = new EspInput(h.sas, (ctx, p) -> {
                p.trimHead(20);
                shallow.input(ctx, p);
            });
            long[] before = h.drops();
            outerOnly.input(h.ctx, prepared(h, wire(c)));
            assertThat(h.changedReason(before)).isEqualTo(dev.dispatchlab.metrics.DropReason.NESTING_TOO_DEEP);
        }
    }

    private static PacketBuffer prepared(EspHarness h, byte[] wire) {
        PacketBuffer p = h.packet(wire);
        p.networkOffset(p.offset());
        p.trimHead(EspHarness.outerHeaderLength(wire));
        return p;
    }

    /** The fragmented cases hold the reassembled ESP packet; reassembling the wire fragments gives it. */
    @Test
    void fragmentedCasesAreTheirReassembledFragments() {
        List<JsonNode> frag = Vectors.cases("captures/openswan-klips-captures.json").stream()
                .filter(c -> c.has("wire_fragments")).toList();
        assertThat(frag).hasSize(8);
        for (JsonNode c : frag) {
            byte[] whole = new byte[65536];
            int end = 0;
            boolean last = false;
            for (JsonNode f : c.get("wire_fragments")) {
                byte[] b = Bytes.fromHex(f.asText());
                int ihl = (b[0] & 0xF) * 4;
                int flagsOffset = Bytes.u16(b, 6);
                int offset = (flagsOffset & 0x1FFF) * 8;
                int len = Bytes.u16(b, 2) - ihl;
                assertThat(b[9]).isEqualTo((byte) EspDescriptor.PROTO_ESP);
                System.arraycopy(b, ihl, whole, offset, len);
                end = Math.max(end, offset + len);
                last |= (flagsOffset & 0x2000) == 0;
            }
            assertThat(last).isTrue();
            assertThat(Bytes.hex(whole, 0, end)).isEqualTo(Vectors.text(c, "esp_only"));
        }
    }
}
