package dev.dispatchlab.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.packet.Bytes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading the JSON test vectors and captures (schema in {@code vectors/README.md}). */
final class Vectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {
    }

    /** @return the filesystem path of a test resource */
    static Path resource(String name) {
        URL u = Vectors.class.getResource("/" + name);
        if (u == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> cases(String resource) {
        try {
            JsonNode root = JSON.readTree(resource(resource).toFile());
            List<JsonNode> out = new ArrayList<>();
            root.forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(JsonNode c, String field) {
        JsonNode n = c.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    static byte[] hex(JsonNode c, String field) {
        String t = text(c, field);
        return t == null ? null : Bytes.fromHex(t);
    }

    static EncryptionAlgorithm encryption(JsonNode c) {
        String e = text(c, "enc_alg");
        if (e.equals("aes-gmac-16")) {
            return EncryptionAlgorithm.AES_GMAC;
        }
        EncryptionAlgorithm a = EncryptionAlgorithm.byLabel(e);
        if (a == null) {
            throw new IllegalArgumentException("unknown enc_alg " + e);
        }
        return a;
    }

    static IntegrityAlgorithm integrity(JsonNode c) {
        String a = text(c, "auth_alg");
        if (a == null || a.equals("null")) {
            return IntegrityAlgorithm.NONE;
        }
        IntegrityAlgorithm i = IntegrityAlgorithm.byLabel(a);
        if (i == null) {
            throw new IllegalArgumentException("unknown auth_alg " + a);
        }
        return i;
    }

    static boolean esn(JsonNode c) {
        return c.path("esn").asBoolean(false);
    }

    static SessionParams params(JsonNode c) {
        IntegrityAlgorithm ia = integrity(c);
        return new SessionParams(encryption(c), hex(c, "key"), ia, ia == IntegrityAlgorithm.NONE ? null : hex(c, "auth_key"),
                esn(c));
    }

    /** @return the full (64-bit with ESN) sequence number of a case */
    static long seq(JsonNode c) {
        String h = text(c, "seq_hex");
        if (h != null) {
            return Long.parseUnsignedLong(h, 16);
        }
        return c.get("seq").asLong();
    }

    static int spi(JsonNode c) {
        return (int) Long.parseLong(text(c, "spi"), 16);
    }

    /** @return the case's mode, or null when the source does not say (the next header decides) */
    static Mode mode(JsonNode c) {
        String m = text(c, "mode");
        if (m == null) {
            return null;
        }
        return m.startsWith("tunnel (via IPComp)") ? null : Mode.valueOf(m.toUpperCase());
    }
}
