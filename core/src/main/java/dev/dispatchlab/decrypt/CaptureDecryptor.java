package dev.dispatchlab.decrypt;

import dev.dispatchlab.capture.CaptureReader;
import dev.dispatchlab.capture.PcapWriter;
import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoDriverConfig;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaConfigException;
import dev.dispatchlab.esp.SaConfigReader;
import dev.dispatchlab.esp.SaCounter;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.ipcomp.IpcompInput;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.LinkType;
import dev.dispatchlab.stack.CompletionRouting;
import dev.dispatchlab.stack.PacketSink;
import dev.dispatchlab.stack.PathOptions;
import dev.dispatchlab.stack.ReceivePath;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decrypts the ESP traffic of a capture by running every frame through the real receive path
 * ({@link ReceivePath}, software crypto driver, continuations inline, one stage context) and writing
 * what comes out of it, each decrypted inner packet, to a pcap. See the package note for the
 * decisions; {@link #run(DecryptOptions)} is the whole interface.
 *
 * <p>Threading: a run is single-threaded (the caller's thread), start to end.
 */
public final class CaptureDecryptor {

    /** The output's link type: {@code LINKTYPE_RAW}, IPv4 and IPv6 in one file, told apart by the version nibble. */
    public static final int OUTPUT_LINK_TYPE = 101;
    /** Capture buffers: frames held at once (the reassembler keeps fragments in them). */
    static final int FRAME_BUFFERS = 128;
    /** Bytes a frame may have: a 64 KiB IP packet behind the longest link header, with room to spare. */
    static final int FRAME_BYTES = 65536 + 256;

    private final DecryptOptions options;
    private final List<SaConfig> configs;
    /** The SA made from each of {@link #configs}, same order. */
    private final List<SecurityAssociation> installed;
    private final ManualClock clock = new ManualClock();
    private final IpcompInput ipcomp;
    private final ReceivePath path;
    private PcapWriter writer;
    private IOException writeError;
    /** Capture time of the frame being processed: INLINE completions deliver before the next frame is read. */
    private long frameTime;
    /** The frame being processed had no time (pcapng simple packet block) and took the previous one's. */
    private boolean frameTimeMissing;
    private long lastTime;
    private long ipcompDecompressed;
    private long ipcompWritten;
    private long timestampsAdjusted;
    private long writtenBytes;

    private CaptureDecryptor(DecryptOptions options, List<SaConfig> configs, List<SecurityAssociation> installed,
                             SaDatabase sas) {
        this.options = options;
        this.configs = configs;
        this.installed = installed;
        PathOptions po = PathOptions.DEFAULT.withVerifyChecksums(options.verifyChecksums());
        // The sink and the IPComp stage hand packets back to the path, which is built last.
        this.ipcomp = new IpcompInput((ctx, p) -> {
            ipcompDecompressed++;
            path().decapsulated(ctx, p);
        }, po.maxEspDepth());
        this.path = new ReceivePath(sas, this::deliver, PacketSink.IKE_COUNTED, po, CompletionRouting.INLINE);
    }

    private ReceivePath path() {
        return path;
    }

    /**
     * Reads the SA files and the capture, writes {@code options.output()} (when given) and reports.
     * The output is written to a temporary file beside it and moved into place only when the run
     * completed with its accounting balanced, so a failed run never leaves a partial pcap.
     *
     * @throws SaConfigException a bad SA file, or two files giving the same SA
     * @throws IOException       an unreadable or broken capture
     *                           ({@link dev.dispatchlab.capture.CaptureFormatException}), an unwritable output
     */
    public static DecryptReport run(DecryptOptions options) throws IOException, SaConfigException {
        List<SaConfig> configs = readSas(options);
        try (CryptoDriver driver = new SoftwareDriver(CryptoDriverConfig.defaults().withRecordLatency(false))) {
            SaDatabase db = new SaDatabase();
            try {
                List<SecurityAssociation> installed = install(db, configs, driver);
                return new CaptureDecryptor(options, configs, installed, db).decrypt();
            } finally {
                db.closeAll();
            }
        }
    }

    private static List<SaConfig> readSas(DecryptOptions options) throws SaConfigException {
        List<SaConfig> out = new ArrayList<>();
        for (Path f : options.saFiles()) {
            for (SaConfig c : SaConfigReader.read(f)) {
                int w = options.replayWindow() == DecryptOptions.WINDOW_FROM_SA_FILE ? c.replayWindow()
                        : options.replayWindow();
                out.add(new SaConfig(c.origin(), c.spi(), c.source(), c.destination(), c.mode(), c.params(), w,
                        c.inboundHighestSequence(), c.outboundSequence(), c.nattSourcePort(),
                        c.nattDestinationPort(), c.reqid()));
            }
        }
        return out;
    }

    /** @return the SA opened for each config, in order */
    private static List<SecurityAssociation> install(SaDatabase db, List<SaConfig> configs, CryptoDriver driver)
            throws SaConfigException {
        List<SecurityAssociation> seen = new ArrayList<>();
        for (SaConfig c : configs) {
            for (int i = 0; i < seen.size(); i++) {
                SecurityAssociation o = seen.get(i);
                if (o.spi() == c.spi() && same(o.source(), c.source()) && same(o.destination(), c.destination())) {
                    int colon = c.origin().lastIndexOf(':');
                    int line = colon < 0 ? 0 : parseLine(c.origin().substring(colon + 1));
                    throw new SaConfigException(colon < 0 ? c.origin() : c.origin().substring(0, colon), line,
                            "SA " + spi(c.spi()) + " " + address(c.source()) + " -> " + address(c.destination())
                                    + " is given twice (first at " + configs.get(i).origin() + ")");
                }
            }
            SecurityAssociation sa = c.open(driver);
            seen.add(sa);
            db.add(sa);
        }
        return seen;
    }

    private static int parseLine(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean same(InetAddress a, InetAddress b) {
        return a == null ? b == null : a.equals(b);
    }

    private DecryptReport decrypt() throws IOException {
        PacketPool frames = new PacketPool("capture", FRAME_BUFFERS, PacketPool.DEFAULT_HEADROOM + FRAME_BYTES,
                PacketPool.DEFAULT_HEADROOM);
        Map<String, Long> linkTypes = new LinkedHashMap<>();
        Path tmp = null;
        boolean done = false;
        try (StageContext ctx = new StageContext("decrypt", clock);
             CaptureReader reader = CaptureReader.open(options.input())) {
            if (options.output() != null) {
                Path out = options.output().toAbsolutePath();
                tmp = out.resolveSibling("." + out.getFileName() + ".partial");
                writer = PcapWriter.create(tmp, OUTPUT_LINK_TYPE, PcapWriter.Resolution.NANOSECONDS);
            }
            long frameCount = 0;
            while (true) {
                PacketBuffer p = frames.acquire();
                boolean exhausted = p == null;
                if (exhausted) {
                    // Every buffer holds a fragment waiting for the rest of its datagram: read the record
                    // into a buffer of our own so that it can be counted and dropped like any other.
                    p = PacketBuffer.unpooled(PacketPool.DEFAULT_HEADROOM + FRAME_BYTES, PacketPool.DEFAULT_HEADROOM);
                }
                int n = reader.read(p);
                if (n == CaptureReader.END) {
                    p.release();
                    break;
                }
                frameCount++;
                ctx.count(Counter.OFFERED);
                String lt = linkTypeName(reader.linkType());
                linkTypes.merge(lt, 1L, Long::sum);
                if (n == CaptureReader.TOO_LONG) {
                    ctx.drop(p, DropReason.TOO_LONG);
                    continue;
                }
                if (exhausted) {
                    ctx.drop(p, DropReason.POOL_EXHAUSTED);
                    continue;
                }
                long ts = reader.timestampNanos();
                frameTimeMissing = ts == CaptureReader.NO_TIMESTAMP;
                frameTime = frameTimeMissing ? lastTime : ts;
                lastTime = frameTime;
                if (frameTime > clock.nanoTime()) {
                    clock.set(frameTime); // capture time drives reassembly timeouts; it never runs backwards
                }
                p.arrivalNanos(clock.nanoTime());
                p.tag = reader.recordNumber();
                path.input(ctx, p);
                if (writeError != null) {
                    throw writeError;
                }
            }
            path.flushReassembly(ctx);
            if (writer != null) {
                writer.close();
            }
            long inFlight = frames.outstanding() + path.datagramBuffersOutstanding() + path.fragmentsHeld();
            Accounting acc = Accounting.of(ctx.counters(), inFlight);
            if (tmp != null && acc.balanced()) {
                Files.move(tmp, options.output().toAbsolutePath(),
                        StandardCopyOption.REPLACE_EXISTING);
                tmp = null;
            }
            done = true;
            return report(reader.format().name().toLowerCase(Locale.ROOT).replace('_', '-'), frameCount,
                    linkTypes, ctx, acc);
        } finally {
            ipcomp.close();
            if (writer != null && !done) {
                try {
                    writer.close();
                } catch (IOException ignored) {
                    // the run already failed; its own exception says why
                }
            }
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** The delivery sink: every packet that leaves the path decrypted (depth at least 1) ends here. */
    private void deliver(StageContext ctx, PacketBuffer p) {
        if (p.transportProtocol() == IpProtocol.IPCOMP) {
            if (options.decompress()) {
                ipcomp.input(ctx, p); // back to ip_input, and here again, decompressed (or dropped)
                return;
            }
            ipcompWritten++;
        }
        if (writer != null && writeError == null) {
            long ts = frameTime;
            if (ts < 0 || ts / 1_000_000_000L > 0xFFFF_FFFFL) {
                ts = ts < 0 ? 0 : 0xFFFF_FFFFL * 1_000_000_000L;
                timestampsAdjusted++;
            } else if (frameTimeMissing) {
                timestampsAdjusted++;
            }
            try {
                writer.write(p.data(), p.offset(), p.length(), ts);
            } catch (IOException e) {
                writeError = e;
            }
        }
        ctx.count(Counter.DELIVERED);
        ctx.count(Counter.DELIVERED_BYTES, p.length());
        writtenBytes += p.length();
        p.release();
    }

    private DecryptReport report(String format, long frameCount, Map<String, Long> linkTypes, StageContext ctx,
                                 Accounting acc) {
        List<DecryptReport.SaReport> sas = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            sas.add(saReport(configs.get(i), installed.get(i)));
        }
        Map<String, Long> drops = new LinkedHashMap<>();
        long cleartext = 0;
        Map<String, String> descriptions = new LinkedHashMap<>();
        for (Map.Entry<DropReason, Long> e : acc.drops().entrySet()) {
            drops.put(e.getKey().label(), e.getValue());
            descriptions.put(e.getKey().label(), e.getKey().description());
            if (DecryptReport.CLEARTEXT.contains(e.getKey())) {
                cleartext += e.getValue();
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("replayWindow", options.replayWindow() == DecryptOptions.WINDOW_FROM_SA_FILE ? "from SA files"
                : options.replayWindow());
        settings.put("decompress", options.decompress());
        settings.put("verifyChecksums", options.verifyChecksums());
        settings.put("frameBuffers", FRAME_BUFFERS);
        settings.put("maxEspDepth", path.options().maxEspDepth());
        settings.put("crypto", "software driver, completions inline, one stage context");
        var counters = ctx.counters();
        return new DecryptReport(options.input().toString(), format,
                options.output() == null ? null : options.output().toString(), OUTPUT_LINK_TYPE, frameCount,
                linkTypes, sas, counters.get(Counter.DELIVERED), writtenBytes, counters.get(Counter.IKE_PASSED),
                counters.get(Counter.FRAGMENT_ABSORBED), counters.get(Counter.REASSEMBLED),
                counters.get(Counter.ESP_DECRYPTED), ipcompDecompressed, ipcompWritten, timestampsAdjusted,
                options.verifyChecksums() ? null : counters.get(Counter.CHECKSUM_NOT_VERIFIED), cleartext, drops,
                descriptions, DecryptReport.AccountingReport.of(acc), settings);
    }

    private static DecryptReport.SaReport saReport(SaConfig c, SecurityAssociation sa) {
        SessionParams params = c.params();
        int keyBits = params.encryption().keyLengths().length == 0 ? 0
                : (params.encryptionKey().length - params.encryption().saltLength()) * 8;
        return new DecryptReport.SaReport(c.origin(), spi(c.spi()), address(c.source()), address(c.destination()),
                c.mode() == null ? "auto" : c.mode().name().toLowerCase(Locale.ROOT),
                params.encryption().label(), keyBits, params.integrity().label(), params.esn(), c.replayWindow(),
                sa.count(SaCounter.INBOUND_PACKETS), sa.count(SaCounter.INBOUND_BYTES),
                sa.count(SaCounter.INTEGRITY_FAILURES), sa.count(SaCounter.REPLAY_DROPS),
                sa.count(SaCounter.DECAPSULATION_ERRORS));
    }

    static String spi(int spi) {
        return "0x" + HexFormat.of().toHexDigits(spi);
    }

    /** @return the address as people write it: dotted quad, or IPv6 with the longest zero run as "::" (RFC 5952) */
    static String address(InetAddress a) {
        if (a == null) {
            return "*";
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return a.getHostAddress();
        }
        int bestAt = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && b[2 * j] == 0 && b[2 * j + 1] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString((b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF)));
        }
        return sb.toString();
    }

    static String linkTypeName(int code) {
        LinkType t = LinkType.of(code);
        return t == null ? "linktype " + code : t.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
