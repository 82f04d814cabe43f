package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads security associations from the files people already have (configuration side, not the
 * packet path). The format is detected per file from its first significant line:
 * <ul>
 *   <li>{@link Format#WIRESHARK_ESP_SA}: Wireshark's {@code esp_sa} table, which strongSwan's
 *       save-keys plugin writes; lines start with a double quote.</li>
 *   <li>{@link Format#IP_XFRM_COMMANDS}: {@code ip xfrm state add ...} commands, as in a setup script
 *       (backslash continuation lines; {@code ip xfrm policy} and other {@code ip xfrm state} verbs
 *       are skipped).</li>
 *   <li>{@link Format#IP_XFRM_LISTING}: what {@code ip xfrm state} (or {@code ip -s xfrm state})
 *       prints: a {@code src ... dst ...} line per SA, its fields on the indented lines below.</li>
 * </ul>
 * Blank lines and lines starting with {@code #} are ignored in all three.
 *
 * <p>Errors are {@link SaConfigException}s naming the file, the line and what is wrong, for example
 * {@code sa.conf:3: aes-gcm-16 needs keying material of 20, 28 or 36 bytes (key then 4-byte salt), got 16};
 * an algorithm this datapath does not implement is named as such, with the ones it does.
 *
 * <p>Threading: stateless; any thread.
 */
public final class SaConfigReader {

    /** The file formats {@link #read} recognises. */
    public enum Format {
        /** Wireshark ESP SA table ({@code esp_sa}): 8 (or, from Wireshark 4, 10) quoted, comma-separated fields. */
        WIRESHARK_ESP_SA,
        /** {@code ip xfrm state add} commands. */
        IP_XFRM_COMMANDS,
        /** The listing {@code ip xfrm state} prints. */
        IP_XFRM_LISTING
    }

    private SaConfigReader() {
    }

    /** Reads {@code file}; the name in messages is the path as given. */
    public static List<SaConfig> read(Path file) throws SaConfigException {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new SaConfigException(name, 0, "not a text file (not UTF-8)");
        } catch (IOException e) {
            throw new SaConfigException(name, 0, "cannot read: " + e.getMessage());
        }
        return read(name, text);
    }

    /**
     * Parses {@code text} as the contents of a file called {@code name}.
     *
     * @return the SAs in file order; never empty
     */
    public static List<SaConfig> read(String name, String text) throws SaConfigException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a UTF-8 byte order mark, as editors on Windows write one
        }
        String[] lines = text.split("\r?\n", -1);
        Format f = detect(name, lines);
        List<SaConfig> out = switch (f) {
            case WIRESHARK_ESP_SA -> WiresharkEspSaFormat.parse(name, lines);
            case IP_XFRM_COMMANDS -> XfrmStateFormat.parseCommands(name, lines);
            case IP_XFRM_LISTING -> XfrmStateFormat.parseListing(name, lines);
        };
        if (out.isEmpty()) {
            throw new SaConfigException(name, 0, "no security association in the file");
        }
        return out;
    }

    /** @return the format of {@code text} (see the class note) */
    public static Format detect(String name, String text) throws SaConfigException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return detect(name, text.split("\r?\n", -1));
    }

    private static Format detect(String name, String[] lines) throws SaConfigException {
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("\"")) {
                return Format.WIRESHARK_ESP_SA;
            }
            if (t.startsWith("ip ") || t.startsWith("sudo ip ")) {
                return Format.IP_XFRM_COMMANDS;
            }
            if (t.startsWith("src ")) {
                return Format.IP_XFRM_LISTING;
            }
            throw new SaConfigException(name, i + 1, "unknown SA file format: expected a Wireshark esp_sa line"
                    + " (\"IPv4\",\"src\",\"dst\",\"0xSPI\",...), an 'ip xfrm state add' command or 'ip xfrm state'"
                    + " output (src ... dst ...), got: " + abbreviate(t));
        }
        throw new SaConfigException(name, 0, "no security association in the file");
    }

    /**
     * Refuses two configs for the same SA (SPI, source and destination), as read from one or several
     * files, naming the second's {@code file:line} and the first's.
     */
    public static void requireDistinct(List<SaConfig> configs) throws SaConfigException {
        for (int j = 1; j < configs.size(); j++) {
            SaConfig c = configs.get(j);
            for (int i = 0; i < j; i++) {
                SaConfig o = configs.get(i);
                if (o.spi() == c.spi() && java.util.Objects.equals(o.source(), c.source())
                        && java.util.Objects.equals(o.destination(), c.destination())) {
                    int colon = c.origin().lastIndexOf(':');
                    int line = 0;
                    if (colon >= 0) {
                        try {
                            line = Integer.parseInt(c.origin().substring(colon + 1));
                        } catch (NumberFormatException e) {
                            colon = -1;
                        }
                    }
                    throw new SaConfigException(colon < 0 ? c.origin() : c.origin().substring(0, colon), line,
                            "SA " + String.format("0x%08x", c.spi()) + " " + name(c.source()) + " -> "
                                    + name(c.destination()) + " is given twice (first at " + o.origin() + ")");
                }
            }
        }
    }

    private static String name(InetAddress a) {
        return a == null ? "*" : a.getHostAddress();
    }

    // ---- shared by the formats ----------------------------------------------------------------------

    /** A problem on a line; the format parsers add the location. */
    static final class Problem extends Exception {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** @return the address of a literal IPv4 or IPv6 address; never looks a name up */
    static InetAddress address(String s, String what) throws Problem {
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw new Problem(what + " is not an IPv4 or IPv6 address: '" + s + "'");
        }
    }

    /** @return an SPI from {@code 0x}-prefixed hex or decimal */
    static int spi(String s) throws Problem {
        try {
            long v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new Problem("SPI must be a 32-bit number (0x1234abcd or decimal), got '" + s + "'");
        }
    }

    /** @return a 64-bit unsigned number from {@code 0x}-prefixed hex or decimal */
    static long number(String s, String what) throws Problem {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new Problem(what + " must be a number, got '" + s + "'");
        }
    }

    /** @return key bytes from {@code 0x}-prefixed hex, or the characters themselves (both tools allow text keys) */
    static byte[] key(String s, String what) throws Problem {
        if (s.startsWith("0x") || s.startsWith("0X")) {
            String hex = s.substring(2);
            if (hex.length() % 2 == 1) {
                // no tool agrees on where the missing digit goes; a guess would install a wrong key
                throw new Problem(what + " has an odd number of hex digits (" + hex.length()
                        + "): each byte is two digits, '" + abbreviate(s) + "'");
            }
            try {
                return HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new Problem(what + " is not hexadecimal: '" + abbreviate(s) + "'");
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** @return validated session parameters; SessionParams' message (which names the value) becomes the problem */
    static SessionParams params(EncryptionAlgorithm enc, byte[] encKey, IntegrityAlgorithm integ, byte[] integKey,
                                boolean esn) throws Problem {
        try {
            return new SessionParams(enc, encKey, integ, integKey, esn);
        } catch (IllegalArgumentException e) {
            throw new Problem(e.getMessage());
        }
    }

    /** The encryption algorithms, by this project's labels, for "supported: ..." lists. */
    static String supportedEncryption() {
        StringBuilder sb = new StringBuilder();
        for (EncryptionAlgorithm a : EncryptionAlgorithm.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(a.label());
        }
        return sb.toString();
    }

    static String supportedIntegrity() {
        StringBuilder sb = new StringBuilder();
        for (IntegrityAlgorithm a : IntegrityAlgorithm.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(a.label());
        }
        return sb.toString();
    }
}
