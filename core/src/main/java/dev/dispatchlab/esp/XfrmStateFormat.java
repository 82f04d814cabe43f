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
import java.util.Set;

/**
 * Linux {@code ip xfrm state}: the {@code add}/{@code update} command lines of a setup script, and
 * the listing {@code ip xfrm state} prints. Both describe an SA with the same keywords, so both go
 * through one keyword parser ({@link State}); they differ in how an SA's tokens are gathered.
 *
 * <pre>
 * ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1000 reqid 1 mode tunnel \
 *     replay-window 64 flag esn aead 'rfc4106(gcm(aes))' 0x...key+salt... 128 encap espinudp 4500 4500 0.0.0.0
 *
 * src 10.0.0.1 dst 10.0.0.2
 *         proto esp spi 0x00001000 reqid 1 mode tunnel
 *         replay-window 0 flag af-unspec esn
 *         aead rfc4106(gcm(aes)) 0x...key+salt... 128
 *         encap type espinudp sport 4500 dport 4500 addr 0.0.0.0
 *         anti-replay esn context:
 *          seq-hi 0x0, seq 0x0, oseq-hi 0x0, oseq 0x0
 *          replay_window 64, bitmap-length 2
 *          00000000 00000000
 *         sel src 0.0.0.0/0 dst 0.0.0.0/0
 * </pre>
 *
 * Supported: {@code enc cbc(aes) | cbc(des3_ede) | ecb(cipher_null)}, {@code auth}/{@code auth-trunc
 * hmac(sha1|sha256|sha384|sha512|md5)} with the RFC truncations (96, 128, 192, 256, 96), {@code aead
 * rfc4106(gcm(aes))} (ICV 64, 96, 128), {@code rfc4543(gcm(aes))} (128), {@code
 * rfc7539esp(chacha20,poly1305)} (128). Selectors, lifetimes, marks and offload settings are read
 * past; the anti-replay context of a listing seeds the replay window and the outbound counter.
 * Without {@code mode} an SA is transport, as in the kernel; without {@code replay-window} it gets
 * {@link ReplayWindow#DEFAULT_SIZE} (the kernel would leave anti-replay off; an explicit 0 does that).
 */
final class XfrmStateFormat {

    /** A token and the 1-based line it came from. */
    record Tok(String text, int line) {
    }

    private static final Set<String> KEYWORDS = Set.of("src", "dst", "proto", "spi", "reqid", "mode", "replay-window",
            "replay-seq", "replay-oseq", "replay-seq-hi", "replay-oseq-hi", "flag", "extra-flag", "extra_flag", "sel",
            "limit", "enc", "auth", "auth-trunc", "aead", "comp", "encap", "coa", "ctx", "mark", "output-mark",
            "if_id", "offload", "tfcpad", "dir", "nat-keepalive-interval", "pcpu-num");
    private static final Set<String> FLAGS = Set.of("noecn", "decap-dscp", "nopmtudisc", "wildrecv", "icmp",
            "af-unspec", "align4", "esn");
    private static final Set<String> EXTRA_FLAGS = Set.of("dont-encap-dscp", "oseq-may-wrap");
    private static final Set<String> SELECTOR_KEYS = Set.of("src", "dst", "sport", "dport", "type", "code", "key",
            "dev", "proto", "uid");
    private static final Set<String> LIMIT_KEYS = Set.of("time-soft", "time-hard", "time-use-soft", "time-use-hard",
            "byte-soft", "byte-hard", "packet-soft", "packet-hard");
    /** Listing lines (and the more-indented lines under them) that describe state, not configuration. */
    private static final Set<String> LISTING_SECTIONS = Set.of("anti-replay", "lifetime", "stats:", "lastused",
            "crypto", "security", "sel", "current", "replay_window", "seq-hi", "datagram", "statistics:");
    private static final int XFRM_STATE_ESN = 128;

    private XfrmStateFormat() {
    }

    // ---- ip xfrm state add ... ----------------------------------------------------------------------

    static List<SaConfig> parseCommands(String file, String[] lines) throws SaConfigException {
        List<SaConfig> out = new ArrayList<>();
        List<Tok> stmt = new ArrayList<>();
        int first = 0;
        boolean continued = false;
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String t = raw.strip();
            if (!continued && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (!continued) {
                first = i + 1;
                stmt.clear();
            }
            continued = t.endsWith("\\");
            if (continued) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                tokenize(t, i + 1, stmt);
            } catch (Problem p) {
                throw new SaConfigException(file, i + 1, p.getMessage());
            }
            if (!continued) {
                SaConfig sa = command(file, first, stmt);
                if (sa != null) {
                    out.add(sa);
                }
            }
        }
        if (continued) {
            throw new SaConfigException(file, lines.length, "the last line ends with a continuation backslash");
        }
        return out;
    }

    /** @return the SA of an {@code ip xfrm state add|update} command, or null for a command to skip */
    private static SaConfig command(String file, int line, List<Tok> toks) throws SaConfigException {
        int i = 0;
        if (i < toks.size() && toks.get(i).text().equals("sudo")) {
            i++;
        }
        if (i >= toks.size() || !toks.get(i).text().equals("ip")) {
            throw new SaConfigException(file, line, "expected an 'ip xfrm state add' command, got: "
                    + SaConfigReader.abbreviate(join(toks)));
        }
        i++;
        while (i < toks.size() && toks.get(i).text().startsWith("-")) {
            i++; // ip's own options: -4, -6, -s, -n netns is not expected in SA files
        }
        if (i >= toks.size() || !isPrefix(toks.get(i).text(), "xfrm")) {
            return null; // another ip object (ip link, ip route, ...): not an SA
        }
        i++;
        if (i >= toks.size() || !isPrefix(toks.get(i).text(), "state")) {
            return null; // ip xfrm policy / monitor
        }
        i++;
        if (i >= toks.size() || !(isPrefix(toks.get(i).text(), "add") || isPrefix(toks.get(i).text(), "update"))) {
            return null; // flush, delete, list, ...
        }
        i++;
        State s = new State(file, line);
        s.apply(toks.subList(i, toks.size()));
        return s.finish();
    }

    private static boolean isPrefix(String token, String word) {
        return !token.isEmpty() && word.startsWith(token);
    }

    // ---- the ip xfrm state listing ----------------------------------------------------------------------

    static List<SaConfig> parseListing(String file, String[] lines) throws SaConfigException {
        List<SaConfig> out = new ArrayList<>();
        State s = null;
        List<Tok> fields = new ArrayList<>();
        int sectionIndent = -1;
        boolean antiReplaySection = false;
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String t = raw.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int indent = indentation(raw);
            try {
                if (indent == 0) {
                    if (!t.startsWith("src ")) {
                        throw new Problem("expected 'src ADDR dst ADDR' to start an SA, got: " + SaConfigReader.abbreviate(t));
                    }
                    if (s != null) {
                        s.apply(fields);
                        out.add(s.finish());
                    }
                    s = new State(file, i + 1);
                    fields.clear();
                    sectionIndent = -1;
                    tokenize(t, i + 1, fields);
                    continue;
                }
                if (s == null) {
                    throw new Problem("an indented line before the first 'src ... dst ...' line");
                }
                if (sectionIndent >= 0 && indent > sectionIndent) {
                    if (antiReplaySection) {
                        s.antiReplay(tokens(t, i + 1));
                    }
                    continue;
                }
                sectionIndent = -1;
                List<Tok> lt = tokens(t, i + 1);
                String head = lt.get(0).text();
                boolean statsLine = head.equals("replay-window") && lt.size() > 2 && lt.get(2).text().equals("replay");
                if (LISTING_SECTIONS.contains(head) || statsLine) {
                    sectionIndent = indent;
                    antiReplaySection = head.equals("anti-replay");
                    if (antiReplaySection) {
                        s.antiReplay(lt);
                    }
                    continue;
                }
                fields.addAll(lt);
            } catch (Problem p) {
                throw new SaConfigException(file, i + 1, p.getMessage());
            }
        }
        if (s != null) {
            s.apply(fields);
            out.add(s.finish());
        }
        return out;
    }

    private static int indentation(String raw) {
        int col = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == ' ') {
                col++;
            } else if (c == '\t') {
                col = (col / 8 + 1) * 8;
            } else {
                break;
            }
        }
        return col;
    }

    private static List<Tok> tokens(String text, int line) throws Problem {
        List<Tok> out = new ArrayList<>();
        tokenize(text, line, out);
        return out;
    }

    /** Splits on blanks; quotes group (and are removed) and a backslash escapes a character, as a shell would. */
    static void tokenize(String text, int line, List<Tok> out) throws Problem {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            StringBuilder sb = new StringBuilder();
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                char q = text.charAt(i);
                if (q == '\\' && i + 1 < n) {
                    sb.append(text.charAt(i + 1));
                    i += 2;
                } else if (q == '\'' || q == '"') {
                    int close = text.indexOf(q, i + 1);
                    if (close < 0) {
                        throw new Problem("unterminated " + (q == '\'' ? "single" : "double") + " quote");
                    }
                    sb.append(text, i + 1, close);
                    i = close + 1;
                } else {
                    sb.append(q);
                    i++;
                }
            }
            out.add(new Tok(sb.toString(), line));
        }
    }

    private static String join(List<Tok> toks) {
        StringBuilder sb = new StringBuilder();
        for (Tok t : toks) {
            sb.append(sb.isEmpty() ? "" : " ").append(t.text());
        }
        return sb.toString();
    }

    // ---- one SA's keywords --------------------------------------------------------------------------------

    /** Accumulates one SA's keywords and validates them into an {@link SaConfig}. */
    private static final class State {
        private final String file;
        private final int line;
        private InetAddress src;
        private InetAddress dst;
        private boolean protoSeen;
        private Long spi;
        private int reqid;
        private Mode mode = Mode.TRANSPORT;
        private int replayWindow = -1;
        private int esnReplayWindow = -1;
        private boolean esn;
        private long seq;
        private long seqHi;
        private long oseq;
        private long oseqHi;
        private EncryptionAlgorithm enc;
        private byte[] encKey;
        private int encLine;
        private IntegrityAlgorithm integ = IntegrityAlgorithm.NONE;
        private byte[] integKey;
        private int nattSport;
        private int nattDport;

        State(String file, int line) {
            this.file = file;
            this.line = line;
        }

        void apply(List<Tok> toks) throws SaConfigException {
            int i = 0;
            while (i < toks.size()) {
                Tok k = toks.get(i);
                try {
                    i = keyword(toks, i);
                } catch (Problem p) {
                    throw new SaConfigException(file, k.line(), p.getMessage());
                } catch (IndexOutOfBoundsException e) {
                    throw new SaConfigException(file, k.line(), "'" + k.text() + "' is missing its value");
                }
            }
        }

        /** Consumes the keyword at {@code i} and its arguments. @return the index after them */
        private int keyword(List<Tok> t, int i) throws Problem {
            String k = t.get(i).text();
            switch (k) {
                case "src" -> src = SaConfigReader.address(t.get(i + 1).text(), "src");
                case "dst" -> dst = SaConfigReader.address(t.get(i + 1).text(), "dst");
                case "proto" -> {
                    String p = t.get(i + 1).text();
                    if (!p.equals("esp") && !p.equals("50")) {
                        throw new Problem("only proto esp is supported, got '" + p + "'");
                    }
                    protoSeen = true;
                }
                case "spi" -> spi = (long) SaConfigReader.spi(t.get(i + 1).text());
                case "reqid" -> reqid = (int) SaConfigReader.number(t.get(i + 1).text(), "reqid");
                case "mode" -> mode = switch (t.get(i + 1).text()) {
                    case "tunnel" -> Mode.TUNNEL;
                    case "transport" -> Mode.TRANSPORT;
                    default -> throw new Problem("mode '" + t.get(i + 1).text()
                            + "' is not supported (tunnel or transport)");
                };
                case "replay-window" -> {
                    long w = SaConfigReader.number(t.get(i + 1).text(), "replay-window");
                    if (w > ReplayWindow.MAX_SIZE) {
                        throw new Problem("replay-window " + w + " is larger than " + ReplayWindow.MAX_SIZE);
                    }
                    replayWindow = (int) w;
                }
                case "replay-seq" -> seq = SaConfigReader.number(t.get(i + 1).text(), k) & 0xFFFF_FFFFL;
                case "replay-oseq" -> oseq = SaConfigReader.number(t.get(i + 1).text(), k) & 0xFFFF_FFFFL;
                case "replay-seq-hi" -> seqHi = SaConfigReader.number(t.get(i + 1).text(), k) & 0xFFFF_FFFFL;
                case "replay-oseq-hi" -> oseqHi = SaConfigReader.number(t.get(i + 1).text(), k) & 0xFFFF_FFFFL;
                case "flag" -> {
                    int j = i + 1;
                    while (j < t.size() && (FLAGS.contains(t.get(j).text()) || t.get(j).text().startsWith("0x"))) {
                        String f = t.get(j).text();
                        if (f.equals("esn") || (f.startsWith("0x")
                                && (SaConfigReader.number(f, "flag") & XFRM_STATE_ESN) != 0)) {
                            esn = true;
                        }
                        j++;
                    }
                    if (j == i + 1) {
                        throw new Problem("'flag' needs a flag: " + String.join(", ", FLAGS.stream().sorted().toList()));
                    }
                    return j;
                }
                case "extra-flag", "extra_flag" -> {
                    int j = i + 1;
                    while (j < t.size() && (EXTRA_FLAGS.contains(t.get(j).text()) || t.get(j).text().startsWith("0x"))) {
                        j++;
                    }
                    return j;
                }
                case "sel" -> {
                    int j = i + 1;
                    while (j + 1 < t.size() && SELECTOR_KEYS.contains(t.get(j).text())) {
                        j += 2;
                    }
                    return j;
                }
                case "limit" -> {
                    int j = i + 1;
                    while (j + 1 < t.size() && LIMIT_KEYS.contains(t.get(j).text())) {
                        j += 2;
                    }
                    return j;
                }
                case "enc" -> {
                    String name = t.get(i + 1).text();
                    enc = encryption(name);
                    encLine = t.get(i).line();
                    if (enc == EncryptionAlgorithm.NULL
                            && (i + 2 >= t.size() || KEYWORDS.contains(t.get(i + 2).text()))) {
                        encKey = new byte[0];
                        return i + 2;
                    }
                    encKey = SaConfigReader.key(t.get(i + 2).text(), "enc key");
                    return i + 3;
                }
                case "auth", "auth-trunc" -> {
                    String name = t.get(i + 1).text();
                    IntegrityAlgorithm a = integrity(name);
                    integKey = SaConfigReader.key(t.get(i + 2).text(), "auth key");
                    int bits = defaultTruncation(name);
                    int next = i + 3;
                    if (k.equals("auth-trunc")) {
                        bits = (int) SaConfigReader.number(t.get(i + 3).text(), "auth-trunc length");
                        next = i + 4;
                    }
                    if (a != IntegrityAlgorithm.NONE && bits != a.icvLength() * 8) {
                        throw new Problem(k + " " + name + " truncated to " + bits + " bits is not supported; "
                                + a.label() + " (" + a.icvLength() * 8 + " bits) is"
                                + (k.equals("auth") ? ": use auth-trunc '" + name + "' KEY " + a.icvLength() * 8 : ""));
                    }
                    integ = a;
                    if (a == IntegrityAlgorithm.NONE) {
                        integKey = null;
                    }
                    return next;
                }
                case "aead" -> {
                    String name = t.get(i + 1).text();
                    byte[] key = SaConfigReader.key(t.get(i + 2).text(), "aead key");
                    int bits = (int) SaConfigReader.number(t.get(i + 3).text(), "aead ICV length");
                    enc = aead(name, bits);
                    encKey = key;
                    encLine = t.get(i).line();
                    return i + 4;
                }
                case "comp" -> throw new Problem("IPComp SAs (comp) are not supported; only ESP SAs");
                case "encap" -> {
                    int j = i + 1;
                    j = skipWord(t, j, "type");
                    String type = t.get(j++).text();
                    if (!type.equals("espinudp")) {
                        throw new Problem("encap " + type + " is not supported (only espinudp, RFC 3948)");
                    }
                    j = skipWord(t, j, "sport");
                    nattSport = port(t.get(j++).text());
                    j = skipWord(t, j, "dport");
                    nattDport = port(t.get(j++).text());
                    j = skipWord(t, j, "addr");
                    SaConfigReader.address(t.get(j++).text(), "encap addr");
                    return j;
                }
                case "mark", "output-mark" -> {
                    int j = i + 2;
                    if (j + 1 < t.size() && t.get(j).text().equals("mask")) {
                        j += 2;
                    }
                    return j;
                }
                case "offload" -> {
                    int j = i + 1;
                    if (j < t.size() && (t.get(j).text().equals("crypto") || t.get(j).text().equals("packet"))) {
                        j++;
                    }
                    while (j + 1 < t.size() && (t.get(j).text().equals("dev") || t.get(j).text().equals("dir"))) {
                        j += 2;
                    }
                    return j;
                }
                case "coa", "ctx", "if_id", "tfcpad", "dir", "nat-keepalive-interval", "pcpu-num" -> {
                    return i + 2;
                }
                default -> throw new Problem("unknown keyword '" + k + "'");
            }
            return i + 2;
        }

        /** Values from a listing's anti-replay context: seq, seq-hi, oseq, oseq-hi, replay_window. */
        void antiReplay(List<Tok> toks) throws Problem {
            for (int i = 0; i + 1 < toks.size(); i++) {
                String k = toks.get(i).text();
                String v = toks.get(i + 1).text().replace(",", "");
                switch (k) {
                    case "seq" -> seq = SaConfigReader.number(v, k) & 0xFFFF_FFFFL;
                    case "seq-hi" -> seqHi = SaConfigReader.number(v, k) & 0xFFFF_FFFFL;
                    case "oseq" -> oseq = SaConfigReader.number(v, k) & 0xFFFF_FFFFL;
                    case "oseq-hi" -> oseqHi = SaConfigReader.number(v, k) & 0xFFFF_FFFFL;
                    case "replay_window" -> esnReplayWindow = (int) Math.min(SaConfigReader.number(v, k),
                            ReplayWindow.MAX_SIZE);
                    default -> {
                        continue;
                    }
                }
                i++;
            }
        }

        SaConfig finish() throws SaConfigException {
            if (!protoSeen) {
                throw new SaConfigException(file, line, "missing 'proto esp'");
            }
            if (spi == null) {
                throw new SaConfigException(file, line, "missing 'spi'");
            }
            if (dst == null || src == null) {
                throw new SaConfigException(file, line, "missing 'src' or 'dst' (ip xfrm needs both)");
            }
            if ((src instanceof Inet4Address) != (dst instanceof Inet4Address)) {
                throw new SaConfigException(file, line, "src and dst are of different address families");
            }
            if (enc == null) {
                throw new SaConfigException(file, line, "missing 'enc' or 'aead'");
            }
            if (enc.isAead() && integ != IntegrityAlgorithm.NONE) {
                throw new SaConfigException(file, encLine, "aead takes no separate auth algorithm");
            }
            SessionParams params;
            try {
                params = SaConfigReader.params(enc, encKey, integ, integKey, esn);
            } catch (Problem p) {
                throw new SaConfigException(file, encLine, p.getMessage());
            }
            int window = replayWindow < 0 ? ReplayWindow.DEFAULT_SIZE : replayWindow;
            if (esn && window == 0 && esnReplayWindow > 0) {
                window = esnReplayWindow;
            }
            long inboundTop = esn ? (seqHi << 32) | seq : seq;
            long lastSent = esn ? (oseqHi << 32) | oseq : oseq;
            if (lastSent == (esn ? -1L : 0xFFFF_FFFFL)) {
                throw new SaConfigException(file, line, "the SA's outbound sequence numbers are used up (oseq "
                        + Long.toUnsignedString(lastSent) + "); it must be rekeyed");
            }
            return new SaConfig(file + ":" + line, (int) (long) spi, src, dst, mode, params, window, inboundTop,
                    lastSent + 1, nattSport, nattDport, reqid);
        }

        private static int skipWord(List<Tok> t, int j, String word) {
            return j < t.size() && t.get(j).text().equals(word) ? j + 1 : j;
        }

        private static int port(String s) throws Problem {
            long v = SaConfigReader.number(s, "encap port");
            if (v < 1 || v > 0xFFFF) {
                throw new Problem("encap port must be in [1, 65535], got " + s);
            }
            return (int) v;
        }

        private static EncryptionAlgorithm encryption(String name) throws Problem {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "cbc(aes)", "aes" -> EncryptionAlgorithm.AES_CBC;
                case "cbc(des3_ede)", "des3_ede", "3des" -> EncryptionAlgorithm.TRIPLE_DES_CBC;
                case "ecb(cipher_null)", "cipher_null" -> EncryptionAlgorithm.NULL;
                case "rfc4106(gcm(aes))", "rfc4543(gcm(aes))", "rfc7539esp(chacha20,poly1305)" ->
                        throw new Problem("'" + name + "' is a combined-mode algorithm: use 'aead " + name
                                + " KEY ICV-BITS'");
                default -> throw new Problem("encryption algorithm '" + name + "' is not supported by this"
                        + " datapath; supported: enc cbc(aes), cbc(des3_ede), ecb(cipher_null); aead"
                        + " rfc4106(gcm(aes)), rfc4543(gcm(aes)), rfc7539esp(chacha20,poly1305)");
            };
        }

        private static IntegrityAlgorithm integrity(String name) throws Problem {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "hmac(sha1)", "sha1" -> IntegrityAlgorithm.HMAC_SHA1_96;
                case "hmac(sha256)", "sha256" -> IntegrityAlgorithm.HMAC_SHA256_128;
                case "hmac(sha384)", "sha384" -> IntegrityAlgorithm.HMAC_SHA384_192;
                case "hmac(sha512)", "sha512" -> IntegrityAlgorithm.HMAC_SHA512_256;
                case "hmac(md5)", "md5" -> IntegrityAlgorithm.HMAC_MD5_96;
                case "digest_null" -> IntegrityAlgorithm.NONE;
                default -> throw new Problem("auth algorithm '" + name + "' is not supported by this datapath;"
                        + " supported: hmac(sha1), hmac(sha256), hmac(sha384), hmac(sha512), hmac(md5), digest_null");
            };
        }

        /** The kernel's truncation for plain 'auth' (hmac(sha256) is 96 bits there, from an old draft). */
        private static int defaultTruncation(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "hmac(sha384)", "sha384" -> 192;
                case "hmac(sha512)", "sha512" -> 256;
                case "digest_null" -> 0;
                default -> 96;
            };
        }

        private static EncryptionAlgorithm aead(String name, int bits) throws Problem {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "rfc4106(gcm(aes))" -> {
                    return switch (bits) {
                        case 64 -> EncryptionAlgorithm.AES_GCM_8;
                        case 96 -> EncryptionAlgorithm.AES_GCM_12;
                        case 128 -> EncryptionAlgorithm.AES_GCM_16;
                        default -> throw new Problem("rfc4106(gcm(aes)) ICV must be 64, 96 or 128 bits, got " + bits);
                    };
                }
                case "rfc4543(gcm(aes))" -> {
                    if (bits != 128) {
                        throw new Problem("rfc4543(gcm(aes)) ICV must be 128 bits, got " + bits);
                    }
                    return EncryptionAlgorithm.AES_GMAC;
                }
                case "rfc7539esp(chacha20,poly1305)" -> {
                    if (bits != 128) {
                        throw new Problem("rfc7539esp(chacha20,poly1305) ICV must be 128 bits, got " + bits);
                    }
                    return EncryptionAlgorithm.CHACHA20_POLY1305;
                }
                default -> throw new Problem("aead algorithm '" + name + "' is not supported by this datapath;"
                        + " supported: rfc4106(gcm(aes)), rfc4543(gcm(aes)), rfc7539esp(chacha20,poly1305)");
            }
        }
    }
}
