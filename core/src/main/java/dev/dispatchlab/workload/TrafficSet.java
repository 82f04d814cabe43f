package dev.dispatchlab.workload;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.device.FrameSource;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.esp.EspOutput;
import dev.dispatchlab.esp.Mode;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.EthernetDescriptor;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.stack.PayloadCheck;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static dev.dispatchlab.proto.Ipv4Descriptor.inetAddress;

/**
 * The real ESP packets a workload offers, encrypted once with the {@code esp} package's outbound
 * path and replayed by the synthetic wire: Ethernet, outer IPv4 (tunnel endpoints), optionally UDP
 * 4500, ESP, and inside it an IPv4/UDP datagram to the user's port whose payload the user checks.
 *
 * <h2>Sequence numbers and the pre-built set</h2>
 * Encrypting on the wire would cost the device CPU what decrypting costs the host, so packets are
 * built in advance. A replayed set would be a stream of replays after its first pass, so every SA
 * is a pair of SPIs, each with its own keys and its own packets numbered 1..K, and the wire
 * alternates between them phase by phase, as a sender does across a rekey. Before an SPI's packets
 * come round again, the wire re-arms that inbound SA's anti-replay window
 * ({@code ReplayWindow.reset}), which is what installing the fresh SA of a rekey amounts to. At
 * least {@value #MIN_PHASE} packets (or what 128 MiB holds) pass between an SPI's last use and its
 * re-arming, far more than rings, crypto queues and socket buffers can hold in flight, so every
 * packet still meets a live window: the receiver runs the full replay check, ICV check and
 * decryption on every packet. Re-arms are counted ({@link Source#rekeys()}).
 *
 * <h2>Bad traffic</h2>
 * With the workload's shares, the wire also sends: malformed frames from a small fixed set, each
 * with the drop reason it must meet; repeats of the packet just sent on an SA (anti-replay must
 * drop them); and packets with a corrupted ICV whose sequence numbers lie ahead of anything valid,
 * so the replay pre-check passes and the integrity check must drop them. The source counts what it
 * sent of each ({@link Source#expected()}), for tests to compare with the drops.
 *
 * <h2>A plan, for a generator in another process</h2>
 * {@link #plan(Workload)} makes the same set (keys, SPIs, payloads, sizes, the template index of
 * every payload) without encrypting anything in advance: a traffic generator that talks to a
 * receiver in another process cannot re-arm that receiver's windows, so replaying pre-built packets
 * would turn every packet after the first pass into a replay. Its {@link Sender} encrypts each
 * packet as it sends it instead, with the SPI's next sequence number, so sequence numbers only
 * ever grow and the receiver needs nothing but the SAs ({@link Sender#saConfigs}). The payloads and
 * their template indices are those of the pre-built set, so {@link #payloadCheck()} checks both.
 *
 * <p>Threading: built on one thread; afterwards immutable and shared. A {@link Source} is used by
 * the wire's one thread; a {@link Sender.Lane} by one sending thread.
 */
public final class TrafficSet {

    /** Fewest packets between an SPI's last use and the re-arming of its window. */
    public static final int MIN_PHASE = 8192;
    private static final int MAX_PHASE = 131072;
    private static final long BUDGET_BYTES = 128L << 20;
    private static final int BAD_ICV_PER_SA = 64;
    private static final int OUTER_DST = Ipv4Descriptor.address(198, 51, 100, 1);
    private static final int INNER_DST = Ipv4Descriptor.address(10, 2, 0, 1);
    private static final long MAC_DST = 0x02_00_00_00_00_01L;
    private static final long MAC_SRC = 0x02_00_00_00_00_02L;
    private static final int ETHERTYPE_IPV4 = 0x0800;

    private final Workload workload;
    private final boolean prebuilt;
    private final int perSpi;
    private final SessionParams[] params;      // [sa * 2 + phase]
    private final int[] spis;                  // [sa * 2 + phase]
    private final int[] outerSources;          // [sa]
    private final FrameTemplate[] templates;   // [(sa * 2 + phase) * perSpi + j]
    private final FrameTemplate[] badIcv;      // [sa * BAD_ICV_PER_SA + b]
    private final FrameTemplate[] malformed;
    private final DropReason[] malformedReason;
    private final byte[][] patterns;           // payload pattern per size, by size
    private final long bytes;

    private TrafficSet(Workload w, int phasePackets, boolean prebuilt) {
        this.workload = w;
        this.prebuilt = prebuilt;
        int s = w.sas();
        int frame = frameLength(w.sizes().max());
        long fit = BUDGET_BYTES / (2L * frame);
        int phase = phasePackets > 0 ? phasePackets : (int) Math.max(MIN_PHASE, Math.min(MAX_PHASE, fit));
        int period = w.sizes().period();
        int k = (phase + s - 1) / s;
        k = ((k + period - 1) / period) * period;
        this.perSpi = k;
        this.params = new SessionParams[2 * s];
        this.spis = new int[2 * s];
        this.outerSources = new int[s];
        this.templates = prebuilt ? new FrameTemplate[2 * s * k] : null;
        this.badIcv = prebuilt ? new FrameTemplate[s * BAD_ICV_PER_SA] : null;
        this.patterns = new byte[9001][];
        for (int i = 0; i < period; i++) {
            pattern(w.sizes().sizeAt(i)); // every size's pattern exists before any check reads it
        }
        SplittableRandom keys = new SplittableRandom(w.seed());
        for (int i = 0; i < s; i++) {
            outerSources[i] = Ipv4Descriptor.address(192, 0, 2, 0) + 1 + (i % 250) + ((i / 250) << 8);
            for (int ph = 0; ph < 2; ph++) {
                int x = 2 * i + ph;
                spis[x] = 0x0100_0000 | (i << 1) | ph;
                params[x] = new SessionParams(w.suite().encryption(), key(keys, w.suite().encryption().saltLength()
                        + w.suite().keyBytes()), w.suite().integrity(), key(keys, w.suite().integrity().keyLength()),
                        w.esn());
            }
        }
        long total = 0;
        List<FrameTemplate> bad = new ArrayList<>();
        List<DropReason> badWhy = new ArrayList<>();
        if (!prebuilt) {
            this.malformed = new FrameTemplate[0];
            this.malformedReason = new DropReason[0];
            this.bytes = 0;
            return;
        }
        try (StageContext ctx = new StageContext("traffic-builder", Clock.SYSTEM)) {
            CryptoDriver sw = new SoftwareDriver();
            PacketBuffer[] out = new PacketBuffer[1];
            EspOutput esp = new EspOutput((c, p) -> out[0] = p);
            PacketPool pool = new PacketPool("traffic-builder", 2, 9000 + 512, 256);
            for (int i = 0; i < s; i++) {
                for (int ph = 0; ph < 2; ph++) {
                    int x = 2 * i + ph;
                    try (SecurityAssociation sa = outbound(x, i, sw)) {
                        for (int j = 0; j < k; j++) {
                            int index = x * k + j;
                            FrameTemplate t = build(ctx, esp, sa, pool, out, index, i, j, false);
                            templates[index] = t;
                            total += t.length();
                        }
                        if (ph == 0) {
                            for (int b = 0; b < BAD_ICV_PER_SA; b++) {
                                // sequence numbers k+1.. lie ahead of every valid packet of this SPI
                                FrameTemplate t = build(ctx, esp, sa, pool, out, -1, i, b, true);
                                badIcv[i * BAD_ICV_PER_SA + b] = t;
                            }
                            if (i == 0) {
                                malformed(templates[0].bytes(), bad, badWhy);
                            }
                        }
                    }
                }
            }
        }
        this.malformed = bad.toArray(new FrameTemplate[0]);
        this.malformedReason = badWhy.toArray(new DropReason[0]);
        this.bytes = total;
    }

    /** Builds the packets of {@code w} (encrypts every one; a fraction of a second to a few seconds). */
    public static TrafficSet build(Workload w) {
        return new TrafficSet(w, 0, true);
    }

    /**
     * Builds with {@code phasePackets} packets per SPI phase (over all SAs) instead of the size the
     * memory budget allows: for short runs (tests) that want a quick build. A phase must stay far
     * longer than what rings and queues hold in flight (see the class note).
     */
    public static TrafficSet build(Workload w, int phasePackets) {
        if (phasePackets < 1) {
            throw new IllegalArgumentException("phasePackets must be positive, got " + phasePackets);
        }
        return new TrafficSet(w, phasePackets, true);
    }

    /**
     * The set of {@code w} without its pre-built frames: keys, SPIs, sizes and payloads only, for a
     * {@link Sender} that encrypts as it sends (see the class note). Cheap: nothing is encrypted.
     * {@link #receiver} works on a plan; {@link #allTemplates()}, {@link #malformedReasons()} and
     * {@link Receiver#source()} need a built set and throw.
     */
    public static TrafficSet plan(Workload w) {
        return new TrafficSet(w, 0, false);
    }

    /** @return true for a set made by {@link #build}, false for a {@link #plan} */
    public boolean prebuilt() {
        return prebuilt;
    }

    private void requireBuilt(String what) {
        if (!prebuilt) {
            throw new IllegalStateException(what + " needs pre-built frames: make the set with TrafficSet.build, "
                    + "not TrafficSet.plan");
        }
    }

    private static byte[] key(SplittableRandom r, int n) {
        byte[] k = new byte[n];
        for (int i = 0; i < n; i++) {
            k[i] = (byte) r.nextInt(256);
        }
        return k;
    }

    private static int frameLength(int payload) {
        return 14 + 20 + 8 + 8 + 16 + 20 + 8 + payload + 16 + 2 + 32;
    }

    private SecurityAssociation outbound(int x, int sa, CryptoDriver driver) {
        SecurityAssociation.Builder b = SecurityAssociation.builder(spis[x], new CryptoSession(params[x], driver))
                .source(inetAddress(outerSources[sa])).destination(inetAddress(OUTER_DST)).mode(Mode.TUNNEL)
                .random(new Random(workload.seed() * 31 + x));
        if (workload.natt()) {
            b.natTraversal(4500, 4500);
        }
        return b.build();
    }


    /** Builds one frame: inner IPv4/UDP with the checkable payload, ESP tunnel, Ethernet. */
    private FrameTemplate build(StageContext ctx, EspOutput esp, SecurityAssociation sa, PacketPool pool,
                                PacketBuffer[] out, int index, int saIndex, int j, boolean corruptIcv) {
        int size = workload.sizes().sizeAt(j);
        int flow = (int) (((long) j * workload.sas() + saIndex) % workload.flows());
        PacketBuffer buf = pool.acquire();
        int at = buf.append(20 + 8 + size);
        byte[] d = buf.data();
        int src = Ipv4Descriptor.address(10, 1, (flow >>> 8) & 0xFF, flow & 0xFF);
        Ipv4Descriptor.write(d, at, 0, 20 + 8 + size, j & 0xFFFF, 0, 64, IpProtocol.UDP, src, INNER_DST);
        UdpDescriptor.write(d, at + 20, 1024 + (flow % 60000), workload.port(), 8 + size, 0);
        writePayload(d, at + 28, size, index);
        UdpDescriptor.fillChecksumIpv4(d, at + 20, src, INNER_DST);
        out[0] = null;
        EspOutput.Status st = esp.encapsulate(ctx, buf, sa);
        if (st != EspOutput.Status.SUBMITTED || out[0] == null) {
            throw new IllegalStateException("could not build a workload packet: " + st + " for " + sa);
        }
        PacketBuffer p = out[0];
        EthernetDescriptor.prepend(p, MAC_DST, MAC_SRC, ETHERTYPE_IPV4);
        if (corruptIcv) {
            p.data()[p.end() - 1] ^= 0x01;
        }
        FrameTemplate t = FrameTemplate.ethernet(p.toArray(), index);
        p.release();
        return t;
    }

    /**
     * The payload: the template index (big-endian, its first up to 8 bytes), then a fixed pattern
     * for the size. The user compares both with {@link #payloadCheck()}.
     */
    private void writePayload(byte[] d, int at, int size, long index) {
        byte[] pat = pattern(size);
        System.arraycopy(pat, 0, d, at, size);
        for (int i = 0; i < Math.min(8, size); i++) {
            d[at + i] = (byte) (index >>> (56 - 8 * i));
        }
    }

    private byte[] pattern(int size) {
        byte[] p = patterns[size];
        if (p == null) {
            p = new byte[size];
            for (int i = 0; i < size; i++) {
                p[i] = (byte) (i * 7 + size);
            }
            patterns[size] = p;
        }
        return p;
    }

    /** A fixed set of malformed frames derived from a valid one, each with the reason it must be dropped for. */
    private void malformed(byte[] valid, List<FrameTemplate> out, List<DropReason> why) {
        long tag = -2;
        // a runt: shorter than an Ethernet header
        out.add(FrameTemplate.ethernet(Arrays.copyOf(valid, 10), tag--));
        why.add(DropReason.ETHER_TRUNCATED);
        // a bad outer IPv4 header checksum
        byte[] b = valid.clone();
        b[14 + 10] ^= 0x5A;
        out.add(FrameTemplate.ethernet(b, tag--));
        why.add(DropReason.IP_BAD_CHECKSUM);
        // an SPI nobody has
        b = valid.clone();
        int spiAt = 14 + 20 + (workload.natt() ? 8 : 0);
        Bytes.put32(b, spiAt, 0x7EAD_BEEF);
        out.add(FrameTemplate.ethernet(b, tag--));
        why.add(DropReason.NO_SA);
        // ESP cut to SPI and sequence number (IP and UDP lengths fixed to match)
        int cut = spiAt + 8;
        b = Arrays.copyOf(valid, cut);
        Bytes.put16(b, 14 + 2, cut - 14);
        Bytes.put16(b, 14 + 10, 0);
        Ipv4Descriptor.updateChecksum(b, 14);
        if (workload.natt()) {
            Bytes.put16(b, 14 + 20 + 4, cut - 14 - 20);
            Bytes.put16(b, 14 + 20 + 6, 0);
        }
        out.add(FrameTemplate.ethernet(b, tag--));
        why.add(DropReason.ESP_TRUNCATED);
        // an upper-layer protocol the path does not take (TCP)
        b = valid.clone();
        b[14 + 9] = IpProtocol.TCP;
        Bytes.put16(b, 14 + 10, 0);
        Ipv4Descriptor.updateChecksum(b, 14);
        out.add(FrameTemplate.ethernet(b, tag--));
        why.add(DropReason.IP_UNSUPPORTED_PROTOCOL);
    }

    public Workload workload() {
        return workload;
    }

    /** @return valid packets per SPI (K) */
    public int perSpi() {
        return perSpi;
    }

    /**
     * @return valid packets of one round of the set (2 x SAs x {@link #perSpi()}): the pre-built ones,
     *         and the range of template indices every payload carries (for a plan as well)
     */
    public int templateCount() {
        return 2 * workload.sas() * perSpi;
    }

    /** @return bytes held by the valid packets (0 for a plan) */
    public long bytes() {
        return bytes;
    }

    /** @return the frames, malformed ones and corrupted-ICV ones included (for captures and tools) */
    public List<FrameTemplate> allTemplates() {
        requireBuilt("allTemplates()");
        List<FrameTemplate> all = new ArrayList<>(Arrays.asList(templates));
        all.addAll(Arrays.asList(badIcv));
        all.addAll(Arrays.asList(malformed));
        return all;
    }

    /** @return the malformed frames' expected drop reasons, in the order of their tags -2, -3, ... */
    public List<DropReason> malformedReasons() {
        requireBuilt("malformedReasons()");
        return List.of(malformedReason);
    }

    /**
     * Creates the receiver's SAs for one run: fresh anti-replay windows, sessions on {@code driver}.
     *
     * @param replayWindow window size in packets
     */
    public Receiver receiver(CryptoDriver driver, int replayWindow) {
        return new Receiver(driver, replayWindow);
    }

    /**
     * Checks a delivered payload (cut to the UDP payload) against what was built. The template index
     * is the packet's {@code tag} where the source knows it (the synthetic wire); where it does not
     * ({@code tag < 0}: a socket source, a capture), it is read from the payload's first 8 bytes,
     * which carry it, so the size and the pattern are still checked. A payload under 8 bytes
     * carries only the index's top bytes, which are zero (indices are below 2^31): with no tag,
     * such a payload is checked for a size of the mix, zero head bytes and nothing else.
     */
    public PayloadCheck payloadCheck() {
        int indices = templateCount();
        return p -> {
            long index = p.tag;
            byte[] d = p.data();
            int at = p.offset();
            if (index < 0) {
                if (p.length() < 8) {
                    return shortUntagged(p);
                }
                index = Bytes.i64(d, at);
            }
            if (index < 0 || index >= indices) {
                return false;
            }
            int size = workload.sizes().sizeAt((int) (index % perSpi));
            if (p.length() != size) {
                return false;
            }
            int head = Math.min(8, size);
            for (int i = 0; i < head; i++) {
                if (d[at + i] != (byte) (index >>> (56 - 8 * i))) {
                    return false;
                }
            }
            return Arrays.equals(d, at + head, at + size, patterns[size], head, size);
        };
    }

    private boolean shortUntagged(PacketBuffer p) {
        int n = p.length();
        boolean inMix = false;
        for (int i = 0; i < workload.sizes().period(); i++) {
            inMix |= workload.sizes().sizeAt(i) == n;
        }
        for (int i = 0; i < Math.min(4, n); i++) {
            inMix &= p.data()[p.offset() + i] == 0;
        }
        return inMix;
    }

    /** The receiving side of one run: its SA database, and the wire's frame source bound to it. */
    public final class Receiver implements AutoCloseable {

        private final SaDatabase sas = new SaDatabase();
        private final SecurityAssociation[] bySpiIndex;

        private Receiver(CryptoDriver driver, int replayWindow) {
            bySpiIndex = new SecurityAssociation[spis.length];
            for (int x = 0; x < spis.length; x++) {
                bySpiIndex[x] = SecurityAssociation.builder(spis[x], new CryptoSession(params[x], driver))
                        .source(inetAddress(outerSources[x / 2])).destination(inetAddress(OUTER_DST)).mode(Mode.TUNNEL)
                        .replayWindow(replayWindow).build();
                sas.add(bySpiIndex[x]);
            }
        }

        public SaDatabase sas() {
            return sas;
        }

        /** @return a new frame source over the set for this receiver, with its own bad-traffic randomness */
        public Source source() {
            requireBuilt("Receiver.source()");
            return new Source(this);
        }

        @Override
        public void close() {
            sas.closeAll();
        }
    }

    /**
     * The wire's view: which template the n-th packet is, with the rekey alternation, the window
     * re-arming and the bad-traffic shares. Wire thread only; no allocation.
     */
    public final class Source implements FrameSource {

        private final Receiver receiver;
        private final FrameTemplate[] all;
        private final int malformedBase;
        private final int badBase;
        private final PacketMix mix;
        private final long[] expected = new long[DropReason.count()];
        private long valid;
        private int lastValid = -1;
        private int malformedNext;
        private int badNext;
        private long rekeys;
        private long repeats;

        private Source(Receiver receiver) {
            this.receiver = receiver;
            this.all = new FrameTemplate[templates.length + badIcv.length + malformed.length];
            System.arraycopy(templates, 0, all, 0, templates.length);
            badBase = templates.length;
            System.arraycopy(badIcv, 0, all, badBase, badIcv.length);
            malformedBase = badBase + badIcv.length;
            System.arraycopy(malformed, 0, all, malformedBase, malformed.length);
            mix = new PacketMix(workload, workload.seed() ^ 0x9E37_79B9_7F4A_7C15L);
        }

        @Override
        public int templates() {
            return all.length;
        }

        @Override
        public FrameTemplate template(int index) {
            return all[index];
        }

        @Override
        public int select(long n) {
            switch (mix.next()) {
                case MALFORMED -> {
                    int m = malformedNext;
                    malformedNext = (m + 1) % malformed.length;
                    expected[malformedReason[m].ordinal()]++;
                    return malformedBase + m;
                }
                case REPLAY -> {
                    if (lastValid >= 0) {
                        repeats++;
                        expected[DropReason.REPLAY.ordinal()]++;
                        return lastValid;
                    }
                }
                case BAD_ICV -> {
                    int b = badNext;
                    badNext = (b + 1) % badIcv.length;
                    expected[DropReason.INTEGRITY.ordinal()]++;
                    return badBase + b;
                }
                case VALID -> {
                }
            }
            return nextValid();
        }

        private int nextValid() {
            int s = workload.sas();
            long v = valid++;
            int sa = (int) (v % s);
            long k = v / s;
            int phase = (int) ((k / perSpi) & 1);
            int j = (int) (k % perSpi);
            int x = 2 * sa + phase;
            if (j == 0 && k >= 2L * perSpi) {
                // this SPI's packets come round again: re-arm its window, as a rekey installs a fresh SA
                receiver.bySpiIndex[x].replayWindow().reset();
                rekeys++;
            }
            int index = x * perSpi + j;
            lastValid = index;
            return index;
        }

        /** @return how many packets of each drop reason the source sent on purpose; read after the wire stopped */
        public long[] expected() {
            return expected.clone();
        }

        /** @return anti-replay windows re-armed as the set came round */
        public long rekeys() {
            return rekeys;
        }

        /** @return valid packets sent (not counting repeats) */
        public long validSent() {
            return valid;
        }
    }

    /**
     * Opens the sending side of a traffic generator over this set (a {@link #plan} or a built set):
     * outbound SAs for every SPI, on a software crypto driver.
     *
     * @param outerSource      the generator's address: the outer source the receiver sees
     * @param outerDestination the receiver's address
     * @param lanes            independent sending lanes (one per socket); SA {@code i} is sent by lane
     *                         {@code i % lanes}; 1 to {@link Workload#sas()}
     */
    public Sender sender(InetAddress outerSource, InetAddress outerDestination, int lanes) {
        return new Sender(outerSource, outerDestination, lanes);
    }

    /**
     * The sending side of a traffic generator: makes each ESP packet as it is sent, encrypted with its
     * SPI's next sequence number, so that the sequence numbers a receiver sees only ever grow however
     * long the generator runs (see the class note for why a generator in another process cannot
     * replay pre-built packets).
     *
     * <h2>What a packet is</h2>
     * Each datagram is an RFC 3948 ESP-in-UDP payload: SPI, sequence number, IV, the encrypted inner
     * IPv4/UDP packet of the set (the same inner packet and payload as the pre-built template of that
     * index), trailer and ICV. The kernel adds the outer IP and UDP headers when it is sent. As in the
     * pre-built set, every SA is a pair of SPIs that alternates every {@link #perSpi()} packets, as a
     * sender does across rekeys; unlike it, an SPI's sequence numbers go on from where they stopped, so
     * the receiver's windows never need re-arming. An SPI runs out after 2^32 - 1 packets without ESN
     * ({@link Lane#next} throws then, saying so).
     *
     * <h2>Bad traffic</h2>
     * With the workload's shares a lane also makes: repeats of its last valid datagram (anti-replay
     * drops them: {@code REPLAY}); datagrams whose ICV is corrupted, under a fresh sequence number so
     * the replay pre-check passes ({@code INTEGRITY}); and malformed ones that survive a trip through a
     * kernel socket, which owns the IP and UDP headers: an unknown SPI ({@code NO_SA}) and ESP cut
     * after SPI and sequence number ({@code ESP_TRUNCATED}). Each lane counts what it made of each
     * ({@link Lane#expected()}); a repeat goes out on the lane's own socket right after its original,
     * so it cannot overtake it.
     *
     * <h2>Cost</h2>
     * One authenticated encryption per valid or bad-ICV packet, on the sending thread: what the
     * receiver's decryption costs, paid by the generator. No allocation of ours per packet (the
     * buffers come from each lane's small pool, the crypto request lives in the buffer); the JCA
     * allocates on each cipher init as it does on the receive path.
     *
     * <p>Threading: each {@link Lane} is used by one thread at a time; lanes own disjoint SAs, so lanes
     * may run on different threads. {@link #close()} after every lane has stopped.
     */
    public final class Sender implements AutoCloseable {

        private static final int MALFORMED_NO_SA_SPI = 0x7EAD_BEEF;

        private final InetAddress source;
        private final InetAddress destination;
        private final SecurityAssociation[] out;    // [sa * 2 + phase]
        private final long[] validBySa;             // per SA, valid packets made; written by its lane only
        private final Lane[] lanes;
        private final int outerHeader;

        private Sender(InetAddress source, InetAddress destination, int laneCount) {
            int s = workload.sas();
            if (laneCount < 1 || laneCount > s) {
                throw new IllegalArgumentException("lanes must be 1.." + s + " (one SA at least per lane), got " + laneCount);
            }
            if ((source.getAddress().length) != (destination.getAddress().length)) {
                throw new IllegalArgumentException("outer source " + source.getHostAddress() + " and destination "
                        + destination.getHostAddress() + " are of different address families");
            }
            this.source = source;
            this.destination = destination;
            this.outerHeader = destination.getAddress().length == 4 ? 20 : 40;
            CryptoDriver driver = new SoftwareDriver();
            this.out = new SecurityAssociation[2 * s];
            for (int x = 0; x < out.length; x++) {
                out[x] = SecurityAssociation.builder(spis[x], new CryptoSession(params[x], driver))
                        .source(source).destination(destination).mode(Mode.TUNNEL)
                        .random(new Random(workload.seed() * 31 + x)).build();
            }
            this.validBySa = new long[s];
            this.lanes = new Lane[laneCount];
            for (int i = 0; i < laneCount; i++) {
                lanes[i] = new Lane(i, laneCount);
            }
        }

        public int lanes() {
            return lanes.length;
        }

        /** @return lane {@code i}: SAs {@code i, i + lanes, i + 2 lanes, ...} */
        public Lane lane(int i) {
            return lanes[i];
        }

        /** @return valid packets made on SA {@code sa} so far (its k-th had template index as in the class note) */
        public long validSent(int sa) {
            return validBySa[sa];
        }

        /** @return the template index of the {@code k}-th valid packet of SA {@code sa} */
        public int indexOf(int sa, long k) {
            int phase = (int) ((k / perSpi) & 1);
            return (2 * sa + phase) * perSpi + (int) (k % perSpi);
        }

        /**
         * The receiver's side of every SPI, as a configuration file would describe it: what a receiver
         * in another process installs (written out with {@code esp.SaConfigWriter}).
         *
         * @param replayWindow  the receiver's anti-replay window in packets
         * @param sourcePortOfSa the generator's UDP source port for each SA (NAT-T), or null for none
         * @param destinationPort the receiver's UDP port (NAT-T), ignored without source ports
         */
        public List<SaConfig> saConfigs(int replayWindow, int[] sourcePortOfSa, int destinationPort) {
            List<SaConfig> list = new ArrayList<>();
            for (int x = 0; x < out.length; x++) {
                int sport = sourcePortOfSa == null ? 0 : sourcePortOfSa[x / 2];
                list.add(new SaConfig("workload seed " + workload.seed() + ", sa " + (x / 2) + " spi " + (x & 1),
                        spis[x], source, destination, Mode.TUNNEL, params[x], replayWindow, 0, 1, sport,
                        sport == 0 ? 0 : destinationPort, 0));
            }
            return list;
        }

        @Override
        public void close() {
            for (SecurityAssociation sa : out) {
                sa.close();
            }
        }

        /**
         * One sending lane: its SAs in turn, packet by packet, with its own bad-traffic randomness.
         * One thread at a time.
         */
        public final class Lane {

            private final int index;
            private final int[] sas;
            private final PacketPool pool;
            private final EspOutput esp;
            private final PacketBuffer[] sealed = new PacketBuffer[1];
            private final PacketMix mix;
            private final long[] expected = new long[DropReason.count()];
            private long turn;
            private PacketBuffer lastValid;
            private PacketBuffer handed;
            private int malformedNext;
            private int malformedSeq;
            private long valid;
            private long repeats;
            private long corrupted;
            private long malformedMade;

            private Lane(int index, int laneCount) {
                this.index = index;
                int n = (workload.sas() - index + laneCount - 1) / laneCount;
                this.sas = new int[n];
                for (int i = 0; i < n; i++) {
                    sas[i] = index + i * laneCount;
                }
                // the last valid datagram, the one handed out, and the one being made
                this.pool = new PacketPool("sender-lane-" + index, 4, frameLength(workload.sizes().max()) + 256, 128);
                this.esp = new EspOutput((c, p) -> sealed[0] = p);
                this.mix = new PacketMix(workload, workload.seed() ^ 0x5851_F42D_4C95_7F2DL ^ ((long) index << 32));
            }

            public int index() {
                return index;
            }

            /** @return the SAs this lane sends */
            public int[] sas() {
                return sas.clone();
            }

            /**
             * Makes the next datagram: ESP from the SPI to the ICV, the UDP payload to send. The buffer
             * stays the lane's: read it (copy it into a send ring) before the next call, never release
             * it. Runs the encryption on the calling thread under {@code ctx}'s slot.
             *
             * @throws IllegalStateException when an SPI has used its last sequence number (2^32 - 1
             *         packets without ESN): the generator must stop, or restart with fresh SAs
             */
            public PacketBuffer next(StageContext ctx) {
                if (handed != null && handed != lastValid) {
                    handed.release();
                }
                handed = null;
                switch (mix.next()) {
                    case MALFORMED -> {
                        return handOut(malformed());
                    }
                    case REPLAY -> {
                        if (lastValid != null) {
                            repeats++;
                            expected[DropReason.REPLAY.ordinal()]++;
                            return handOut(lastValid);
                        }
                    }
                    case BAD_ICV -> {
                        int sa = sas[(int) (turn % sas.length)];
                        PacketBuffer p = seal(ctx, sa, validBySa[sa]);
                        p.data()[p.end() - 1] ^= 0x01;
                        corrupted++;
                        expected[DropReason.INTEGRITY.ordinal()]++;
                        return handOut(p);
                    }
                    case VALID -> {
                    }
                }
                int sa = sas[(int) (turn++ % sas.length)];
                PacketBuffer p = seal(ctx, sa, validBySa[sa]++);
                valid++;
                if (lastValid != null) {
                    lastValid.release();
                }
                lastValid = p;
                return handOut(p);
            }

            private PacketBuffer handOut(PacketBuffer p) {
                handed = p;
                return p;
            }

            /** Encrypts the {@code k}-th valid packet of {@code sa} under its SPI's next sequence number. */
            private PacketBuffer seal(StageContext ctx, int sa, long k) {
                int phase = (int) ((k / perSpi) & 1);
                int j = (int) (k % perSpi);
                int x = 2 * sa + phase;
                int index = x * perSpi + j;
                int size = workload.sizes().sizeAt(j);
                int flow = (int) (((long) j * workload.sas() + sa) % workload.flows());
                PacketBuffer buf = pool.acquire();
                if (buf == null) {
                    throw new IllegalStateException("sender lane " + this.index + " has no free buffer: a caller"
                            + " released a buffer the lane owns");
                }
                int at = buf.append(20 + 8 + size);
                byte[] d = buf.data();
                int src = Ipv4Descriptor.address(10, 1, (flow >>> 8) & 0xFF, flow & 0xFF);
                Ipv4Descriptor.write(d, at, 0, 20 + 8 + size, j & 0xFFFF, 0, 64, IpProtocol.UDP, src, INNER_DST);
                UdpDescriptor.write(d, at + 20, 1024 + (flow % 60000), workload.port(), 8 + size, 0);
                writePayload(d, at + 28, size, index);
                UdpDescriptor.fillChecksumIpv4(d, at + 20, src, INNER_DST);
                sealed[0] = null;
                EspOutput.Status st = esp.encapsulate(ctx, buf, out[x]);
                PacketBuffer p = sealed[0];
                if (st != EspOutput.Status.SUBMITTED || p == null) {
                    if (st == EspOutput.Status.SEQUENCE_EXHAUSTED) {
                        throw new IllegalStateException("SPI 0x" + Integer.toHexString(spis[x]) + " has sent its last"
                                + " sequence number (" + (workload.esn() ? "2^64 - 1" : "2^32 - 1, use --esn for more")
                                + "); its SAs must be replaced");
                    }
                    throw new IllegalStateException("could not encrypt a packet: " + st + " for SPI 0x"
                            + Integer.toHexString(spis[x]));
                }
                int espAt = p.networkOffset() + outerHeader;
                p.setRange(espAt, p.end() - espAt);
                return p;
            }

            /** The malformed datagrams a socket can carry, in turn: an unknown SPI, then ESP cut to 8 bytes. */
            private PacketBuffer malformed() {
                PacketBuffer p = pool.acquire();
                if (p == null) {
                    throw new IllegalStateException("sender lane " + index + " has no free buffer");
                }
                byte[] d = p.data();
                DropReason why;
                if (malformedNext == 0) {
                    int at = p.append(8 + 64);
                    Bytes.put32(d, at, MALFORMED_NO_SA_SPI);
                    Bytes.put32(d, at + 4, ++malformedSeq);
                    byte[] pat = pattern(workload.sizes().sizeAt(0));
                    for (int i = 0; i < 64; i++) {
                        d[at + 8 + i] = pat.length == 0 ? 0 : pat[i % pat.length];
                    }
                    why = DropReason.NO_SA;
                } else {
                    int at = p.append(8);
                    Bytes.put32(d, at, spis[2 * sas[0]]);
                    Bytes.put32(d, at + 4, 1);
                    why = DropReason.ESP_TRUNCATED;
                }
                malformedNext ^= 1;
                malformedMade++;
                expected[why.ordinal()]++;
                return p;
            }

            /** @return how many datagrams of each drop reason the lane made on purpose; read after it stopped */
            public long[] expected() {
                return expected.clone();
            }

            /** @return valid datagrams made (each a new sequence number on its SPI) */
            public long validMade() {
                return valid;
            }

            public long repeatsMade() {
                return repeats;
            }

            public long badIcvMade() {
                return corrupted;
            }

            public long malformedMade() {
                return malformedMade;
            }

            /** Gives back the buffers the lane still holds. After its last {@link #next}; idempotent. */
            public void finish() {
                if (handed != null && handed != lastValid) {
                    handed.release();
                }
                handed = null;
                if (lastValid != null) {
                    lastValid.release();
                    lastValid = null;
                }
            }

            /** @return buffers of the lane's pool still out (0 after {@link #finish()}) */
            public int buffersOutstanding() {
                return pool.outstanding();
            }
        }
    }
}
