package dev.dispatchlab.stack;

import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.CounterBlock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.ManualClock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.FuzzFrames.Frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One receive path under test, reused from try to try: the software crypto driver with inline
 * completions, a packet pool, one stage context on a manual clock, the world's SAs (installed fresh
 * at every {@link #begin}), {@link UdpDelivery} to sockets on the world's ports, and a user that
 * drains them after every frame, counts {@code DELIVERED} and checks what it got.
 *
 * <p>The checks, on every frame and at the end of every try:
 * <ul>
 * <li>nothing the path does throws;</li>
 * <li>each offered frame ends in exactly one outcome (delivered, IKE, absorbed, dropped with a
 *     reason) or is held for reassembly: outcomes plus fragments held grow by exactly one per frame;</li>
 * <li>after a reassembly flush the run's {@link Accounting} balances with nothing in flight, and the
 *     packet pool and the reassembly datagram pool have nothing outstanding;</li>
 * <li>a payload delivered under an authenticated SA is one the clean corpus delivers, or lies
 *     within a plaintext the test itself sealed in this try: the path never delivers bytes that
 *     failed (or never met) an integrity check.</li>
 * </ul>
 */
final class FuzzLab {

    static final int FRAME_BUFFER = 16384;

    final FuzzWorld world;
    final String variant;
    final PathOptions options;
    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final StageContext ctx;
    private final PacketPool pool = new PacketPool("fuzz-rx", 32, FRAME_BUFFER, PacketPool.DEFAULT_HEADROOM);
    private final SoftwareDriver driver = new SoftwareDriver();
    private final SaDatabase sas = new SaDatabase();
    private final CryptoSession[] sessions;
    private final List<SecurityAssociation> installed = new ArrayList<>();
    private final List<UserSocket> sockets = new ArrayList<>();
    private final ReceivePath path;
    /** Payloads the unmutated corpus delivers under authenticated SAs (filled by the clean run). */
    private final Set<ByteBuffer> known;
    /** Plaintexts sealed by the test in the current try. */
    final List<byte[]> sealed = new ArrayList<>();
    private boolean learning;
    private boolean dirty;

    FuzzLab(FuzzWorld world, String variant, PathOptions options, Set<ByteBuffer> known) {
        this.world = world;
        this.variant = variant;
        this.options = options;
        this.known = known;
        this.ctx = new StageContext("fuzz-" + world.name + "-" + variant, clock);
        this.sessions = new CryptoSession[world.receivers.size()];
        for (int i = 0; i < sessions.length; i++) {
            sessions[i] = new CryptoSession(world.receivers.get(i).params(), driver);
        }
        SocketTable table = new SocketTable();
        for (int port : world.ports) {
            UserSocket s = new UserSocket(port, 16);
            table.bind(s);
            sockets.add(s);
        }
        this.path = new ReceivePath(sas, new UdpDelivery(table, options.verifyInnerChecksums()),
                PacketSink.IKE_COUNTED, options, CompletionRouting.INLINE);
    }

    /** @return a lab over the same world and options with fresh state (after a try that threw) */
    FuzzLab fresh() {
        ctx.close();
        return new FuzzLab(world, variant, options, known);
    }

    boolean dirty() {
        return dirty;
    }

    @Override
    public String toString() {
        return world.name + "/" + variant;
    }

    /** Starts a try: fresh SAs (clean anti-replay windows), counters at zero, no sealed plaintexts. */
    void begin(boolean learn) {
        if (dirty) {
            throw new IllegalStateException("lab " + this + " is dirty: use fresh()");
        }
        dirty = true;
        learning = learn;
        for (SecurityAssociation sa : installed) {
            sas.remove(sa); // not closed: the session lives on for the next try's SA
        }
        installed.clear();
        for (int i = 0; i < sessions.length; i++) {
            SecurityAssociation sa = world.receivers.get(i).build().apply(sessions[i]);
            sas.add(sa);
            installed.add(sa);
        }
        ctx.counters().clear();
        sealed.clear();
    }

    void advance(long nanos) {
        clock.advance(nanos);
    }

    CounterBlock counters() {
        return ctx.counters();
    }

    /**
     * Offers one frame as a device would, and checks it ended in exactly one outcome (or is held).
     *
     * @return what became of it, for the statistics: "delivered", "ike", "held", or a drop reason
     */
    String offer(Frame f) {
        CounterBlock c = ctx.counters();
        long delivered = c.get(Counter.DELIVERED);
        long ike = c.get(Counter.IKE_PASSED);
        int held = path.fragmentsHeld();
        long[] drops = new long[DropReason.count()];
        for (DropReason r : DropReason.values()) {
            drops[r.ordinal()] = c.get(r);
        }
        long before = outcomes() + path.fragmentsHeld();
        ctx.count(Counter.OFFERED);
        PacketBuffer p = pool.acquire();
        if (p == null) {
            throw new AssertionError("receive pool exhausted: buffers leaked " + pool.leaked());
        }
        if (f.bytes().length > p.tailroom()) {
            ctx.drop(p, DropReason.TOO_LONG);
        } else {
            p.append(f.bytes(), 0, f.bytes().length);
            p.linkType(f.linkType());
            p.arrivalNanos(clock.nanoTime());
            path.input(ctx, p);
        }
        drainSockets();
        long after = outcomes() + path.fragmentsHeld();
        if (after - before != 1) {
            throw new AssertionError("a frame ended in " + (after - before) + " outcomes (want exactly one, or held"
                    + " for reassembly): " + f + "; counters " + ctx.counters());
        }
        if (c.get(Counter.DELIVERED) > delivered) {
            return "delivered";
        }
        if (c.get(Counter.IKE_PASSED) > ike) {
            return "ike";
        }
        for (DropReason r : DropReason.values()) {
            if (c.get(r) > drops[r.ordinal()]) {
                return r.label();
            }
        }
        return path.fragmentsHeld() > held ? "held" : "absorbed";
    }

    /** Ends a try: flushes reassembly, then checks the accounting identity and both pools. */
    Accounting end() {
        path.flushReassembly(ctx);
        drainSockets();
        int queued = 0;
        for (UserSocket s : sockets) {
            queued += s.queued();
        }
        long inFlight = pool.outstanding() + path.datagramBuffersOutstanding() + path.fragmentsHeld() + queued;
        Accounting a = Accounting.of(ctx.counters(), inFlight);
        if (!a.balanced()) {
            throw new AssertionError("accounting: " + a + "; counters " + ctx.counters());
        }
        if (pool.outstanding() != 0) {
            throw new AssertionError("packet pool leaked " + pool.outstanding() + ": " + pool.leaked());
        }
        if (path.datagramBuffersOutstanding() != 0) {
            throw new AssertionError("reassembly pool leaked " + path.datagramBuffersOutstanding());
        }
        dirty = false;
        return a;
    }

    private long outcomes() {
        CounterBlock c = ctx.counters();
        return c.get(Counter.DELIVERED) + c.get(Counter.IKE_PASSED) + c.get(Counter.FRAGMENT_ABSORBED)
                + c.totalDrops();
    }

    /** The user: takes every delivered payload, counts it, checks it and frees it. */
    private void drainSockets() {
        for (UserSocket s : sockets) {
            PacketBuffer p;
            while ((p = s.poll()) != null) {
                ctx.count(Counter.DELIVERED);
                try {
                    check(p);
                } finally {
                    p.release();
                }
            }
        }
    }

    private void check(PacketBuffer p) {
        if (!(p.sa instanceof SecurityAssociation sa) || !authenticated(sa.session().params())) {
            return; // cleartext (when the policy allows it) or an encryption-only SA: nothing to hold it to
        }
        byte[] payload = p.toArray();
        ByteBuffer key = ByteBuffer.wrap(payload);
        if (learning) {
            known.add(key);
            return;
        }
        if (known.contains(key)) {
            return;
        }
        for (byte[] s : sealed) {
            if (contains(s, payload)) {
                return;
            }
        }
        throw new AssertionError("delivered under " + sa + " a payload nobody sealed (" + payload.length
                + " bytes, depth " + p.depth + "): " + FuzzFrames.hex(payload));
    }

    static boolean authenticated(SessionParams params) {
        return params.encryption().isAead() || params.integrity() != IntegrityAlgorithm.NONE;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** @return a set for {@link #known} */
    static Set<ByteBuffer> newKnownSet() {
        return new HashSet<>();
    }
}
