package dev.dispatchlab.proto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dispatchlab.packet.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The published capture cases (test resources, schema in captures/README.md), and their frames. */
final class Cases {

    static final String[] CASE_FILES = {"/captures/openswan-klips-captures.json", "/captures/tcpdump-captures.json"};
    private static final Pattern FRAME = Pattern.compile("-frame(\\d+)-");

    private Cases() {
    }

    static List<JsonNode> load(String resource) {
        try (InputStream in = Cases.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> all() {
        List<JsonNode> out = new ArrayList<>();
        for (String f : CASE_FILES) {
            out.addAll(load(f));
        }
        return out;
    }

    /**
     * @return the cases whose {@code esp_packet} is a whole captured frame's IP packet: it starts
     *         at the outer IPv4 header and is not the inner layer of a nested case
     */
    static List<JsonNode> wholeFrames() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : all()) {
            if ("ipv4-header".equals(c.path("esp_packet_starts_with").asText())
                    && !c.path("name").asText().contains("-inner-") && FRAME.matcher(c.path("name").asText()).find()) {
                out.add(c);
            }
        }
        return out;
    }

    /** @return the cases whose ESP packet crossed the wire in IP fragments */
    static List<JsonNode> fragmented() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : all()) {
            if (c.has("wire_fragments")) {
                out.add(c);
            }
        }
        return out;
    }

    static byte[] hex(JsonNode c, String field) {
        return Bytes.fromHex(c.path(field).asText());
    }

    static List<byte[]> wireFragments(JsonNode c) {
        List<byte[]> out = new ArrayList<>();
        c.path("wire_fragments").forEach(n -> out.add(Bytes.fromHex(n.asText())));
        return out;
    }

    /** @return the captured frame a case was taken from */
    static byte[] frameOf(JsonNode c) {
        Matcher m = FRAME.matcher(c.path("name").asText());
        if (!m.find()) {
            throw new IllegalArgumentException("case names no frame: " + c.path("name").asText());
        }
        return Pcap.read("/" + c.path("capture_file").asText()).frame(Integer.parseInt(m.group(1)));
    }
}
