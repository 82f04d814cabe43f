package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.esp.SaConfigReader.Problem;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wireshark's ESP SA table ({@code esp_sa} in the profile directory), one SA a line:
 * <pre>
 * "IPv4","192.1.2.23","192.1.2.45","0x12345678","TripleDES-CBC [RFC2451]","0x4043...","HMAC-MD5-96 [RFC2403]","0x8765..."
 * </pre>
 * protocol ({@code IPv4}, {@code IPv6}, {@code Any}), source, destination ({@code *} for any), SPI,
 * encryption algorithm and key, authentication algorithm and key, and from Wireshark 4 two more: the
 * sequence number length ({@code 32-bit}, {@code 64-bit} = ESN) and the ESN high bits (hex) to start
 * from. Algorithm names are Wireshark's (compared ignoring case and repeated blanks), plus the names
 * strongSwan's save-keys plugin writes ({@code "AES-GCM [RFC4106]"} with the ICV length given as
 * {@code "ANY 128 bit authentication [no checking]"}).
 */
final class WiresharkEspSaFormat {

    private static final Map<String, EncryptionAlgorithm> ENCRYPTION = Map.of(
            "null", EncryptionAlgorithm.NULL,
            "tripledes-cbc [rfc2451]", EncryptionAlgorithm.TRIPLE_DES_CBC,
            "aes-cbc [rfc3602]", EncryptionAlgorithm.AES_CBC,
            "aes-gcm with 8 octet icv [rfc4106]", EncryptionAlgorithm.AES_GCM_8,
            "aes-gcm with 12 octet icv [rfc4106]", EncryptionAlgorithm.AES_GCM_12,
            "aes-gcm with 16 octet icv [rfc4106]", EncryptionAlgorithm.AES_GCM_16,
            "null encryption with aes-gmac authentication [rfc4543]", EncryptionAlgorithm.AES_GMAC,
            "chacha20 with poly1305 [rfc7634]", EncryptionAlgorithm.CHACHA20_POLY1305);

    /** Wireshark's deprecated GCM entry without an ICV length (what strongSwan's save-keys writes). */
    private static final String GCM_UNSIZED = "aes-gcm [rfc4106]";

    private static final List<String> KNOWN_UNSUPPORTED_ENCRYPTION = List.of(
            "aes-ctr [rfc3686]", "des-cbc [rfc2405]", "cast5-cbc [rfc2144]", "blowfish-cbc [rfc2451]", "twofish-cbc",
            "aes-gcm with iiv and 16 octet icv [rfc4106 & rfc8750]", "chacha20 with poly1305 and iiv [rfc7634 & rfc8750]");

    private static final Map<String, IntegrityAlgorithm> INTEGRITY = Map.of(
            "null", IntegrityAlgorithm.NONE,
            "hmac-sha-1-96 [rfc2404]", IntegrityAlgorithm.HMAC_SHA1_96,
            "hmac-sha-256-128 [rfc4868]", IntegrityAlgorithm.HMAC_SHA256_128,
            "hmac-sha-384-192 [rfc4868]", IntegrityAlgorithm.HMAC_SHA384_192,
            "hmac-sha-512-256 [rfc4868]", IntegrityAlgorithm.HMAC_SHA512_256,
            "hmac-md5-96 [rfc2403]", IntegrityAlgorithm.HMAC_MD5_96);

    private static final List<String> KNOWN_UNSUPPORTED_INTEGRITY = List.of(
            "hmac-sha-256-96 [draft-ietf-ipsec-ciph-sha-256-00]", "mac-ripemd-160-96 [rfc2857]");

    private WiresharkEspSaFormat() {
    }

    static List<SaConfig> parse(String file, String[] lines) throws SaConfigException {
        List<SaConfig> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            try {
                out.add(line(file + ":" + (i + 1), t));
            } catch (Problem p) {
                throw new SaConfigException(file, i + 1, p.getMessage());
            }
        }
        return out;
    }

    private static SaConfig line(String origin, String text) throws Problem {
        List<String> f = fields(text);
        if (f.size() != 8 && f.size() != 10) {
            throw new Problem("expected 8 or 10 fields (protocol, source, destination, SPI, encryption, key,"
                    + " authentication, key[, SN length, SN upper bits]), got " + f.size());
        }
        String protocol = f.get(0).strip();
        int family = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "ipv4" -> 4;
            case "ipv6" -> 6;
            case "any" -> 0;
            default -> throw new Problem("protocol must be IPv4, IPv6 or Any, got '" + protocol + "'");
        };
        InetAddress src = endpoint(f.get(1).strip(), "source", family);
        InetAddress dst = endpoint(f.get(2).strip(), "destination", family);
        String spiText = f.get(3).strip();
        if (spiText.contains("*")) {
            throw new Problem("SPI wildcards are not supported (the SA database is indexed by SPI): '" + spiText + "'");
        }
        int spi = SaConfigReader.spi(spiText);
        boolean esn = false;
        long high = 0;
        if (f.size() == 10) {
            String sn = f.get(8).strip().toLowerCase(Locale.ROOT);
            esn = switch (sn) {
                case "32-bit", "32" -> false;
                case "64-bit", "64" -> true;
                default -> throw new Problem("SN length must be 32-bit or 64-bit, got '" + f.get(8) + "'");
            };
            String up = f.get(9).strip();
            if (!up.isEmpty()) {
                long v = SaConfigReader.number(up.startsWith("0x") || up.startsWith("0X") ? up : "0x" + up,
                        "SN upper bits");
                if (v > 0xFFFF_FFFFL) {
                    throw new Problem("SN upper bits must fit 32 bits, got '" + up + "'");
                }
                if (v != 0 && !esn) {
                    throw new Problem("SN upper bits need a 64-bit SN length");
                }
                high = v;
            }
        }
        String encName = normalise(f.get(4));
        String authName = normalise(f.get(6));
        EncryptionAlgorithm enc = ENCRYPTION.get(encName);
        if (enc == null && encName.equals(GCM_UNSIZED)) {
            enc = gcmFromAnyIcv(authName);
        }
        if (enc == null) {
            throw new Problem(unknown("encryption", f.get(4), KNOWN_UNSUPPORTED_ENCRYPTION.contains(encName),
                    "NULL, TripleDES-CBC [RFC2451], AES-CBC [RFC3602], AES-GCM with 8|12|16 octet ICV [RFC4106],"
                            + " NULL Encryption with AES-GMAC authentication [RFC4543], ChaCha20 with Poly1305 [RFC7634]"));
        }
        IntegrityAlgorithm integ;
        if (enc.isAead()) {
            integ = IntegrityAlgorithm.NONE;
            int anyBits = anyBits(authName);
            if (!authName.equals("null") && anyBits < 0) {
                throw new Problem(f.get(4).strip() + " is a combined mode: authentication must be NULL, got '"
                        + f.get(6).strip() + "'");
            }
            if (anyBits > 0 && anyBits != enc.aeadIcvLength() * 8) {
                throw new Problem(f.get(4).strip() + " has a " + enc.aeadIcvLength() * 8 + "-bit ICV, but the"
                        + " authentication column says " + anyBits);
            }
        } else {
            integ = INTEGRITY.get(authName);
            if (integ == null) {
                if (anyBits(authName) > 0) {
                    throw new Problem("'" + f.get(6).strip() + "' cannot be used: this datapath always verifies"
                            + " the ICV; give the real integrity algorithm");
                }
                throw new Problem(unknown("authentication", f.get(6), KNOWN_UNSUPPORTED_INTEGRITY.contains(authName),
                        "NULL, HMAC-SHA-1-96 [RFC2404], HMAC-SHA-256-128 [RFC4868], HMAC-SHA-384-192 [RFC4868],"
                                + " HMAC-SHA-512-256 [RFC4868], HMAC-MD5-96 [RFC2403]"));
            }
        }
        byte[] encKey = SaConfigReader.key(f.get(5).strip(), "encryption key");
        byte[] authKey = SaConfigReader.key(f.get(7).strip(), "authentication key");
        if (integ == IntegrityAlgorithm.NONE) {
            if (authKey.length != 0 && !enc.isAead()) {
                throw new Problem("an authentication key is given with NULL authentication");
            }
            authKey = null;
        }
        SessionParams params = SaConfigReader.params(enc, encKey, integ, authKey, esn);
        return new SaConfig(origin, spi, src, dst, null, params, ReplayWindow.DEFAULT_SIZE, high << 32, 1, 0, 0, 0);
    }

    private static EncryptionAlgorithm gcmFromAnyIcv(String authName) throws Problem {
        return switch (anyBits(authName)) {
            case 64 -> EncryptionAlgorithm.AES_GCM_8;
            case 96 -> EncryptionAlgorithm.AES_GCM_12;
            case 128 -> EncryptionAlgorithm.AES_GCM_16;
            default -> throw new Problem("'AES-GCM [RFC4106]' does not say its ICV length: use 'AES-GCM with 16"
                    + " octet ICV [RFC4106]' (or 8, 12), or give 'ANY 128 bit authentication [no checking]'"
                    + " (64, 96) as the authentication");
        };
    }

    /** @return n for "ANY n bit authentication [no checking]", else -1 */
    private static int anyBits(String authName) {
        if (authName.startsWith("any ") && authName.endsWith(" bit authentication [no checking]")) {
            try {
                return Integer.parseInt(authName.substring(4, authName.indexOf(' ', 4)));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static String unknown(String what, String name, boolean known, String supported) {
        return (known ? what + " algorithm '" + name.strip() + "' is not supported by this datapath"
                : "unknown " + what + " algorithm '" + name.strip() + "'") + "; supported: " + supported;
    }

    private static String normalise(String name) {
        return name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static InetAddress endpoint(String s, String what, int family) throws Problem {
        if (s.equals("*") || s.isEmpty()) {
            return null;
        }
        if (s.contains("*")) {
            throw new Problem("partial address wildcards are not supported: '" + s + "' (use '*' for any " + what + ")");
        }
        InetAddress a = SaConfigReader.address(s, what);
        int v = a instanceof Inet4Address ? 4 : 6;
        if (family != 0 && v != family) {
            throw new Problem(what + " " + s + " is not an IPv" + family + " address, as the protocol column says");
        }
        return a;
    }

    /** Splits a UAT line: comma-separated fields, each quoted (with backslash and \xNN escapes) or bare. */
    static List<String> fields(String line) throws Problem {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            StringBuilder sb = new StringBuilder();
            if (i < n && line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\' && i < n) {
                        char e = line.charAt(i++);
                        if (e == 'x' && i + 2 <= n) {
                            try {
                                sb.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
                            } catch (NumberFormatException ex) {
                                throw new Problem("bad escape '\\x" + line.substring(i, i + 2) + "'");
                            }
                            i += 2;
                        } else {
                            sb.append(e);
                        }
                    } else {
                        sb.append(c);
                    }
                }
                if (!closed) {
                    throw new Problem("unterminated quoted field");
                }
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    sb.append(line.charAt(i++));
                }
            }
            out.add(sb.toString());
            if (i >= n) {
                return out;
            }
            if (line.charAt(i) != ',') {
                throw new Problem("expected ',' after field " + out.size() + ", got '" + line.charAt(i) + "'");
            }
            i++;
        }
    }
}
