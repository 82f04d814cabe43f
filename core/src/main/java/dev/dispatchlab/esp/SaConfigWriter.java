package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;

import java.net.Inet4Address;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes security associations in the formats {@link SaConfigReader} reads, so that a tool that
 * makes SAs (the traffic generator) can hand them to a receiver in another process, to Wireshark,
 * or to the Linux kernel:
 * <ul>
 *   <li>{@link #wireshark}: Wireshark's {@code esp_sa} table in its 10-field form (Wireshark 4:
 *       sequence number length and ESN high bits at the end), one SA a line;</li>
 *   <li>{@link #xfrm}: {@code ip xfrm state add} commands, with {@code encap espinudp} where the SA
 *       has NAT-T ports.</li>
 * </ul>
 * Keys are written in hex (this is what the files are for: keep them out of anything shared). The
 * Wireshark table has no column for the mode, the window or NAT-T; the reader infers the mode from
 * the next header and gives such SAs the default window. Configuration side; allocates.
 *
 * <p>Threading: stateless; any thread.
 */
public final class SaConfigWriter {

    private static final HexFormat HEX = HexFormat.of();

    private SaConfigWriter() {
    }

    /** @return the Wireshark {@code esp_sa} lines of {@code sas}, with a comment line saying what wrote them */
    public static String wireshark(List<SaConfig> sas, String comment) {
        StringBuilder sb = new StringBuilder();
        comment(sb, comment);
        for (SaConfig sa : sas) {
            SessionParams p = sa.params();
            boolean v4 = sa.destination() instanceof Inet4Address;
            sb.append(q(sa.destination() == null ? "Any" : v4 ? "IPv4" : "IPv6")).append(',')
                    .append(q(sa.source() == null ? "*" : sa.source().getHostAddress())).append(',')
                    .append(q(sa.destination() == null ? "*" : sa.destination().getHostAddress())).append(',')
                    .append(q(String.format("0x%08x", sa.spi()))).append(',')
                    .append(q(wiresharkEncryption(p.encryption()))).append(',')
                    .append(q(hex(p.encryptionKey()))).append(',')
                    .append(q(wiresharkIntegrity(p.integrity()))).append(',')
                    .append(q(p.integrity() == IntegrityAlgorithm.NONE ? "" : hex(p.integrityKey()))).append(',')
                    .append(q(p.esn() ? "64-bit" : "32-bit")).append(',')
                    .append(q(p.esn() ? Long.toHexString(sa.inboundHighestSequence() >>> 32) : ""))
                    .append('\n');
        }
        return sb.toString();
    }

    /** @return one {@code ip xfrm state add} command per SA of {@code sas}, after a comment line */
    public static String xfrm(List<SaConfig> sas, String comment) {
        StringBuilder sb = new StringBuilder();
        comment(sb, comment);
        for (SaConfig sa : sas) {
            if (sa.source() == null || sa.destination() == null) {
                throw new IllegalArgumentException("ip xfrm needs both addresses: " + sa);
            }
            SessionParams p = sa.params();
            sb.append("ip xfrm state add src ").append(sa.source().getHostAddress())
                    .append(" dst ").append(sa.destination().getHostAddress())
                    .append(" proto esp spi ").append(String.format("0x%08x", sa.spi()))
                    .append(" reqid ").append(sa.reqid())
                    .append(" mode ").append(sa.mode() == Mode.TRANSPORT ? "transport" : "tunnel")
                    .append(" replay-window ").append(sa.replayWindow());
            if (p.esn()) {
                sb.append(" flag esn");
            }
            EncryptionAlgorithm e = p.encryption();
            String ek = hex(p.encryptionKey());
            switch (e) {
                case AES_GCM_8, AES_GCM_12, AES_GCM_16 -> sb.append(" aead 'rfc4106(gcm(aes))' ").append(ek).append(' ')
                        .append(e.aeadIcvLength() * 8);
                case AES_GMAC -> sb.append(" aead 'rfc4543(gcm(aes))' ").append(ek).append(" 128");
                case CHACHA20_POLY1305 -> sb.append(" aead 'rfc7539esp(chacha20,poly1305)' ").append(ek).append(" 128");
                case AES_CBC -> sb.append(" enc 'cbc(aes)' ").append(ek);
                case TRIPLE_DES_CBC -> sb.append(" enc 'cbc(des3_ede)' ").append(ek);
                case NULL -> sb.append(" enc 'ecb(cipher_null)' \"\"");
            }
            IntegrityAlgorithm i = p.integrity();
            if (i != IntegrityAlgorithm.NONE) {
                sb.append(" auth-trunc '").append(xfrmIntegrity(i)).append("' ").append(hex(p.integrityKey()))
                        .append(' ').append(i.icvLength() * 8);
            } else if (!e.isAead()) {
                sb.append(" auth-trunc 'digest_null' \"\" 0");
            }
            if (sa.nattDestinationPort() != 0) {
                sb.append(" encap espinudp ").append(sa.nattSourcePort()).append(' ').append(sa.nattDestinationPort())
                        .append(" 0.0.0.0");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void comment(StringBuilder sb, String comment) {
        if (comment != null) {
            for (String line : comment.split("\n")) {
                sb.append("# ").append(line).append('\n');
            }
        }
    }

    private static String q(String s) {
        return '"' + s + '"';
    }

    private static String hex(byte[] b) {
        return b == null || b.length == 0 ? "" : "0x" + HEX.formatHex(b);
    }

    static String wiresharkEncryption(EncryptionAlgorithm e) {
        return switch (e) {
            case NULL -> "NULL";
            case TRIPLE_DES_CBC -> "TripleDES-CBC [RFC2451]";
            case AES_CBC -> "AES-CBC [RFC3602]";
            case AES_GCM_8 -> "AES-GCM with 8 octet ICV [RFC4106]";
            case AES_GCM_12 -> "AES-GCM with 12 octet ICV [RFC4106]";
            case AES_GCM_16 -> "AES-GCM with 16 octet ICV [RFC4106]";
            case AES_GMAC -> "NULL Encryption with AES-GMAC authentication [RFC4543]";
            case CHACHA20_POLY1305 -> "ChaCha20 with Poly1305 [RFC7634]";
        };
    }

    static String wiresharkIntegrity(IntegrityAlgorithm i) {
        return switch (i) {
            case NONE -> "NULL";
            case HMAC_MD5_96 -> "HMAC-MD5-96 [RFC2403]";
            case HMAC_SHA1_96 -> "HMAC-SHA-1-96 [RFC2404]";
            case HMAC_SHA256_128 -> "HMAC-SHA-256-128 [RFC4868]";
            case HMAC_SHA384_192 -> "HMAC-SHA-384-192 [RFC4868]";
            case HMAC_SHA512_256 -> "HMAC-SHA-512-256 [RFC4868]";
        };
    }

    private static String xfrmIntegrity(IntegrityAlgorithm i) {
        return switch (i) {
            case NONE -> "digest_null";
            case HMAC_MD5_96 -> "hmac(md5)";
            case HMAC_SHA1_96 -> "hmac(sha1)";
            case HMAC_SHA256_128 -> "hmac(sha256)";
            case HMAC_SHA384_192 -> "hmac(sha384)";
            case HMAC_SHA512_256 -> "hmac(sha512)";
        };
    }
}
