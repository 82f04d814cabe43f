package dev.dispatchlab.decrypt;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.DropReason;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link CaptureDecryptor} run did, for the summary it prints ({@link #summary()}) and the
 * {@code --json} file ({@link #toJson()}): the same facts in both.
 *
 * @param input               the capture read, as given
 * @param format              its format ({@code pcap}, {@code pcapng}, {@code snoop})
 * @param output              the pcap written, or null when only counting
 * @param outputLinkType      the output's pcap link type ({@value CaptureDecryptor#OUTPUT_LINK_TYPE}, raw IP)
 * @param frames              records read from the capture (every one is offered to the path)
 * @param linkTypes           frames by link type name
 * @param sas                 every SA installed, with what it decrypted and rejected
 * @param written             inner packets written (delivered); with no output, the packets that would be
 * @param writtenBytes        their bytes
 * @param ikePassed           IKE datagrams (UDP 500, or 4500 with the non-ESP marker) passed, not written
 * @param fragmentsAbsorbed   IP fragments absorbed into reassembled datagrams
 * @param reassembled         datagrams completed by reassembly
 * @param espDecrypted        ESP layers decrypted (nested ESP counts each layer)
 * @param ipcompDecompressed  IPComp payloads inflated ({@code --decompress})
 * @param ipcompWritten       IPComp payloads written compressed (without {@code --decompress})
 * @param timestampsAdjusted  written packets whose time did not fit pcap (before 1970, after 2106, or a
 *                            record without a time) and got the nearest that does or the previous frame's
 * @param checksumNotVerified packets whose IPv4 header or UDP checksum did not verify and that went on all the
 *                            same (a capture taken on the sender holds the partial checksums transmit offload
 *                            leaves); null under {@code --verify-checksums}, which drops them instead
 * @param cleartext           frames that were not ESP at all (ARP and other non-IP frames, plain UDP,
 *                            other IP protocols, NAT-T keepalives): counted among the drops, not errors
 *                            (see {@link #CLEARTEXT})
 * @param drops               every drop, by reason label, in the order of {@link DropReason}
 * @param dropDescriptions    what each reason in {@code drops} means
 * @param accounting          the end-of-run identity
 * @param settings            the choices in force (replay window, decompression, buffers)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecryptReport(String input, String format, String output, int outputLinkType, long frames,
                            Map<String, Long> linkTypes, List<SaReport> sas, long written, long writtenBytes,
                            long ikePassed, long fragmentsAbsorbed, long reassembled, long espDecrypted,
                            long ipcompDecompressed, long ipcompWritten, long timestampsAdjusted,
                            Long checksumNotVerified, long cleartext, Map<String, Long> drops, Map<String, String> dropDescriptions,
                            AccountingReport accounting, Map<String, Object> settings) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The drop reasons that mean "this frame was not ESP": a capture of a tunnel also holds ARP, DNS,
     * keepalives and whatever else crossed the wire, and the receive path (which requires ESP) drops
     * them with these reasons. IKE is not among them: it is passed, and counted apart.
     */
    public static final java.util.Set<DropReason> CLEARTEXT = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.of(DropReason.ETHER_UNSUPPORTED, DropReason.IP_UNSUPPORTED_PROTOCOL,
                    DropReason.UNPROTECTED, DropReason.NATT_KEEPALIVE));

    /**
     * One SA and what it did.
     *
     * @param origin              {@code file:line} it came from
     * @param spi                 {@code 0x...}
     * @param source              outer source, {@code *} for any
     * @param destination         outer destination, {@code *} for any
     * @param mode                {@code tunnel}, {@code transport}, or {@code auto} (by the next header, for
     *                            files that do not say, as Wireshark's)
     * @param encryption          algorithm label
     * @param keyBits             encryption key bits (salt excluded)
     * @param integrity           integrity algorithm label ({@code none} for combined modes and
     *                            encryption-only SAs)
     * @param esn                 64-bit sequence numbers
     * @param replayWindow        anti-replay window in packets (0: off)
     * @param decrypted           packets that passed integrity and anti-replay and were decapsulated
     * @param plaintextBytes      bytes of their plaintext
     * @param integrityFailures   packets whose ICV or tag did not verify
     * @param replayDrops         packets the window rejected
     * @param decapsulationErrors packets dropped after decryption (padding, next header, inner packet)
     */
    public record SaReport(String origin, String spi, String source, String destination, String mode,
                           String encryption, int keyBits, String integrity, boolean esn, int replayWindow,
                           long decrypted, long plaintextBytes, long integrityFailures, long replayDrops,
                           long decapsulationErrors) {
    }

    /**
     * The identity {@code frames = written + ike + fragments absorbed + dropped}, nothing in flight.
     *
     * @param identity the identity as one line, as printed
     */
    public record AccountingReport(long frames, long written, long ikePassed, long fragmentsAbsorbed, long dropped,
                                   long inFlight, boolean balanced, String identity) {

        static AccountingReport of(Accounting a) {
            String line = "frames " + a.offered() + " = written " + a.delivered() + " + ike " + a.ikePassed()
                    + " + fragments absorbed " + a.fragmentsAbsorbed() + " + dropped " + a.dropped()
                    + (a.discrepancy() == 0 ? "" : " (off by " + a.discrepancy() + ")") + ", in flight "
                    + a.inFlight() + (a.balanced() ? ": balanced" : ": NOT BALANCED");
            return new AccountingReport(a.offered(), a.delivered(), a.ikePassed(), a.fragmentsAbsorbed(), a.dropped(),
                    a.inFlight(), a.balanced(), line);
        }
    }

    public DecryptReport {
        linkTypes = Collections.unmodifiableMap(new LinkedHashMap<>(linkTypes));
        sas = List.copyOf(sas);
        drops = Collections.unmodifiableMap(new LinkedHashMap<>(drops));
        dropDescriptions = Collections.unmodifiableMap(new LinkedHashMap<>(dropDescriptions));
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** @return the count of drops with {@code reason} (0 when none) */
    public long dropped(DropReason reason) {
        return drops.getOrDefault(reason.label(), 0L);
    }

    /** @return the report as indented JSON */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("decrypt report not serialisable", e);
        }
    }

    /** @return the summary the command prints, one fact a line */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add("input:    " + input + " (" + format + ", " + frames + " frames: " + joined(linkTypes) + ")");
        out.add("output:   " + (output == null ? "none (counting only; -o writes the packets)"
                : output + " (pcap, raw IP, link type " + outputLinkType + ")"));
        out.add("SAs:");
        for (SaReport s : sas) {
            out.add(String.format(Locale.ROOT, "  %-10s %s -> %s  %s  %s/%d %s%s  window %d  decrypted %d%s",
                    s.spi(), s.source(), s.destination(), s.mode(), s.encryption(), s.keyBits(), s.integrity(),
                    s.esn() ? " esn" : "", s.replayWindow(), s.decrypted(),
                    problems(s)));
        }
        out.add("ESP decrypted:     " + espDecrypted + (espDecrypted > written ? " (each layer of nested ESP counts)" : ""));
        if (ipcompDecompressed > 0 || ipcompWritten > 0) {
            out.add("IPComp:            " + ipcompDecompressed + " decompressed, " + ipcompWritten
                    + " written compressed" + (ipcompWritten > 0 ? " (--decompress inflates them)" : ""));
        }
        out.add((output == null ? "decrypted out:     " : "written:           ") + written + " packets, " + writtenBytes
                + " bytes");
        out.add("IKE passed:        " + ikePassed);
        out.add("fragments:         " + fragmentsAbsorbed + " absorbed into " + reassembled + " reassembled datagrams");
        if (timestampsAdjusted > 0) {
            out.add("timestamps:        " + timestampsAdjusted + " packets written with another time than their"
                    + " frame's (a record without a time takes the previous one's; pcap holds 1970-2106 only)");
        }
        out.add(checksumNotVerified == null ? "checksums:         verified (--verify-checksums): a bad one is a drop"
                : "checksum not verified: " + checksumNotVerified + (checksumNotVerified == 0 ? ""
                : " (IPv4 or UDP checksums that do not verify, as transmit offload leaves them; decrypted all the"
                + " same, --verify-checksums drops them)"));
        if (drops.isEmpty()) {
            out.add("dropped:           none");
        } else {
            out.add("dropped:           " + accounting.dropped() + (cleartext == 0 ? ""
                    : " (" + cleartext + " of them cleartext, not ESP: marked *)"));
            int width = 0;
            for (String k : drops.keySet()) {
                width = Math.max(width, k.length());
            }
            for (Map.Entry<String, Long> e : drops.entrySet()) {
                boolean clear = false;
                for (DropReason r : CLEARTEXT) {
                    clear |= r.label().equals(e.getKey());
                }
                out.add(String.format(Locale.ROOT, "  %-" + width + "s %6d %s %s", e.getKey(), e.getValue(),
                        clear ? "*" : " ", dropDescriptions.get(e.getKey())));
            }
        }
        out.add("accounting:        " + accounting.identity());
        return out;
    }

    private static String problems(SaReport s) {
        StringBuilder sb = new StringBuilder();
        if (s.integrityFailures() > 0) {
            sb.append(", integrity failures ").append(s.integrityFailures());
        }
        if (s.replayDrops() > 0) {
            sb.append(", replayed ").append(s.replayDrops());
        }
        if (s.decapsulationErrors() > 0) {
            sb.append(", bad after decryption ").append(s.decapsulationErrors());
        }
        return sb.toString();
    }

    private static String joined(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : m.entrySet()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }
}
