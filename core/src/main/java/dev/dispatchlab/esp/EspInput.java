package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoCallback;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;

/**
 * ESP input ({@code esp_input}, RFC 4303 section 3.4), split at the crypto request so that the
 * cryptography may complete in another context:
 *
 * <pre>
 *  ip_input ──► input(ctx, p)                          cryptoDone(request, ctx') ──► Sink.decapsulated(ctx', p)
 *               lengths, SA lookup,     submit ──►       status, window update,        (ip_input again: the
 *               replay pre-check        [driver]  ──►    padding, next header,          inner packet, nested
 *                                                        plain IP packet out            ESP, the socket)
 * </pre>
 *
 * <h2>Input contract</h2>
 * {@link #input} takes ownership of {@code p}, whose bytes start at the SPI: {@code p.offset()} is the
 * ESP header, {@code p.end()} the end of the ICV (the caller trimmed the packet to the IP length),
 * {@code p.networkOffset()} the outer IPv4 or IPv6 header, already validated by the caller, in the
 * same array before the ESP header. For UDP-encapsulated ESP the caller has stripped the UDP header
 * (moved the offset past it); the bytes between the IP header and the SPI are ignored.
 *
 * <h2>Output</h2>
 * Every packet ends exactly once: either dropped through {@link StageContext#drop} with a named
 * {@link DropReason} (no byte sequence makes this class throw), or handed to the {@link Sink} as a
 * plain IP packet ({@code p.offset() == p.networkOffset()}):
 * <ul>
 *   <li>tunnel mode: the inner IPv4 or IPv6 packet, exactly as decrypted (any TFC padding after it is
 *       for the caller's IP length check to trim);</li>
 *   <li>transport mode: the outer IP header, copied into the headroom in front of the plaintext, with
 *       its protocol (next header) set to ESP's next header and its lengths and checksum fixed. An
 *       IPComp payload (next header 108) is passed up this way too.</li>
 * </ul>
 * {@code p.depth} is one more than on entry and {@code p.sa} is the SA that protected the packet, for
 * the caller's policy check. Input refuses packets already {@code maxDepth} ESP layers deep.
 *
 * <h2>Threading</h2>
 * Stateless apart from its configuration: one instance serves every context. {@code input} runs in the
 * submitting context; {@link #cryptoDone} in whichever context the {@link CompletionTarget} chose
 * (with the software driver and {@link CompletionTarget#INLINE}, before {@code input} returns). The
 * packet, its {@code sa}/{@code seq} annotations and its request travel with the request, and the
 * driver's handoff orders them.
 *
 * <h2>Allocation</h2>
 * None per packet: the crypto request is allocated once per buffer and kept in
 * {@link PacketBuffer#attachment}; the continuation is this object. The JCA allocates on each cipher
 * initialisation (see {@code crypto.AeadTransform}); that is accepted and measured with the baseline.
 */
public final class EspInput implements CryptoCallback {

    /** Where decapsulated packets go: the stack, which feeds them back to {@code ip_input}. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Receives a decapsulated plain IP packet (see the class note) and takes ownership of it.
         * Runs in the context that completed the crypto request.
         */
        void decapsulated(StageContext ctx, PacketBuffer p);
    }

    /** Default limit on ESP layers in one packet (the outermost counts as the first). */
    public static final int DEFAULT_MAX_DEPTH = 4;

    private final SaDatabase sas;
    private final Sink sink;
    private final int maxDepth;

    public EspInput(SaDatabase sas, Sink sink) {
        this(sas, sink, DEFAULT_MAX_DEPTH);
    }

    /** @param maxDepth packets with this many ESP layers already removed are dropped as {@code NESTING_TOO_DEEP} */
    public EspInput(SaDatabase sas, Sink sink, int maxDepth) {
        if (sas == null || sink == null || maxDepth < 1) {
            throw new IllegalArgumentException("EspInput needs an SA database, a sink and maxDepth >= 1: maxDepth="
                    + maxDepth);
        }
        this.sas = sas;
        this.sink = sink;
        this.maxDepth = maxDepth;
    }

    /** {@link #input(StageContext, PacketBuffer, CompletionTarget)} with the continuation run inline. */
    public void input(StageContext ctx, PacketBuffer p) {
        input(ctx, p, CompletionTarget.INLINE);
    }

    /**
     * The first half: checks lengths, finds the SA, pre-checks the sequence number against the replay
     * window and submits the decryption. Runs in the calling context; ownership of {@code p} passes to
     * the crypto request (or it is dropped here).
     *
     * @param target where the second half ({@link #cryptoDone}) must run
     */
    public void input(StageContext ctx, PacketBuffer p, CompletionTarget target) {
        if (p.depth >= maxDepth) {
            ctx.drop(p, DropReason.NESTING_TOO_DEEP);
            return;
        }
        byte[] d = p.data();
        int esp = p.offset();
        int len = p.length();
        int net = p.networkOffset();
        int addrLen = outerAddressLength(d, net, esp);
        if (addrLen == 0) {
            // The caller's annotation does not point at an IP header before ESP: a wiring bug, counted.
            ctx.drop(p, DropReason.IP_BAD_HEADER);
            return;
        }
        if (len < EspDescriptor.HEADER_LENGTH) {
            ctx.drop(p, DropReason.ESP_TRUNCATED);
            return;
        }
        int spi = Bytes.i32(d, esp + EspDescriptor.SPI_OFFSET);
        SecurityAssociation sa = addrLen == 4
                ? sas.lookup(spi, d, net + IpHeaders.IPV4_SRC, net + IpHeaders.IPV4_DST, 4)
                : sas.lookup(spi, d, net + IpHeaders.IPV6_SRC, net + IpHeaders.IPV6_DST, 16);
        if (sa == null) {
            ctx.drop(p, DropReason.NO_SA);
            return;
        }
        int ivLen = sa.ivLength();
        int payLen = len - EspDescriptor.HEADER_LENGTH - ivLen - sa.icvLength();
        if (payLen < EspDescriptor.TRAILER_LENGTH) {
            ctx.drop(p, DropReason.ESP_TRUNCATED);
            return;
        }
        if ((payLen & (sa.blockSize() - 1)) != 0) { // block sizes are powers of two: a mask, not a division
            ctx.drop(p, DropReason.ESP_BAD_LENGTH);
            return;
        }
        long seq = sa.replayWindow().check(Bytes.u32(d, esp + EspDescriptor.SEQ_OFFSET));
        if (seq == 0) {
            sa.increment(SaCounter.REPLAY_DROPS);
            ctx.drop(p, DropReason.REPLAY);
            return;
        }
        p.sa = sa;
        p.seq = seq;
        int iv = EspDescriptor.ivOffset(esp);
        CryptoRequest r = request(p);
        r.describe(sa.session(), CryptoOp.OPEN, p, esp, iv, iv + ivLen, payLen, iv + ivLen + payLen,
                (int) (seq >>> 32));
        r.then(this, target);
        sa.session().submit(r, ctx);
        target.afterSubmit(r, ctx);
    }

    /**
     * The second half, the continuation of the decryption request: maps a failed status to its drop
     * reason, moves the replay window, checks the padding and the next header, rebuilds a plain IP
     * packet and hands it to the sink. Runs in the completing context {@code ctx}; called by the
     * crypto framework, exactly once per submitted request.
     */
    @Override
    public void cryptoDone(CryptoRequest r, StageContext ctx) {
        PacketBuffer p = r.packet();
        SecurityAssociation sa = (SecurityAssociation) p.sa;
        CryptoStatus status = r.status();
        if (status != CryptoStatus.OK) {
            if (status == CryptoStatus.INTEGRITY_FAILURE) {
                sa.increment(SaCounter.INTEGRITY_FAILURES);
            }
            DropReason reason = status.dropReason();
            ctx.drop(p, reason != null ? reason : DropReason.ENGINE_FAILURE);
            return;
        }
        if (!sa.replayWindow().update(p.seq)) {
            sa.increment(SaCounter.REPLAY_DROPS);
            ctx.drop(p, DropReason.REPLAY);
            return;
        }
        ctx.count(Counter.ESP_DECRYPTED);
        byte[] d = p.data();
        int pay = r.payloadStart();
        int trailerEnd = pay + r.payloadLength();
        int nextHeader = d[trailerEnd - 1] & 0xFF;
        int padLen = d[trailerEnd - 2] & 0xFF;
        int plainLen = r.payloadLength() - EspDescriptor.TRAILER_LENGTH - padLen;
        if (plainLen < 0 || !defaultPadding(d, pay + plainLen, padLen)) {
            fail(ctx, p, sa, DropReason.BAD_PADDING);
            return;
        }
        if (nextHeader == EspDescriptor.NEXT_NONE) {
            fail(ctx, p, sa, DropReason.DUMMY_PACKET);
            return;
        }
        boolean ipInside = nextHeader == EspDescriptor.NEXT_IPV4 || nextHeader == EspDescriptor.NEXT_IPV6;
        Mode mode = sa.mode() != null ? sa.mode() : ipInside ? Mode.TUNNEL : Mode.TRANSPORT;
        DropReason bad;
        if (mode == Mode.TUNNEL && ipInside) {
            bad = tunnelled(p, pay, plainLen, nextHeader);
        } else if (mode == Mode.TUNNEL && nextHeader != EspDescriptor.NEXT_IPCOMP) {
            bad = DropReason.BAD_NEXT_HEADER;
        } else {
            bad = rebuildTransportHeader(p, r, pay, plainLen, nextHeader);
        }
        if (bad != null) {
            fail(ctx, p, sa, bad);
            return;
        }
        p.depth++;
        sa.countInbound(ctx.slot(), plainLen);
        sink.decapsulated(ctx, p);
    }

    private static void fail(StageContext ctx, PacketBuffer p, SecurityAssociation sa, DropReason reason) {
        sa.increment(SaCounter.DECAPSULATION_ERRORS);
        ctx.drop(p, reason);
    }

    /** @return 4 or 16 if {@code net} is an IPv4 or IPv6 header wholly before {@code esp}, else 0 */
    private static int outerAddressLength(byte[] d, int net, int esp) {
        if (net < 0 || net >= esp) {
            return 0;
        }
        int v = IpHeaders.version(d, net);
        if (v == 4 && net + IpHeaders.IPV4_MIN_HEADER <= esp) {
            return 4;
        }
        if (v == 6 && net + IpHeaders.IPV6_HEADER <= esp) {
            return 16;
        }
        return 0;
    }

    /** RFC 4303 2.4: the default padding is 1, 2, 3, ...; anything else is refused. */
    private static boolean defaultPadding(byte[] d, int at, int padLen) {
        int diff = 0;
        for (int i = 0; i < padLen; i++) {
            diff |= (d[at + i] & 0xFF) ^ (i + 1);
        }
        return diff == 0;
    }

    private static DropReason tunnelled(PacketBuffer p, int pay, int plainLen, int nextHeader) {
        byte[] d = p.data();
        int want = nextHeader == EspDescriptor.NEXT_IPV4 ? 4 : 6;
        int min = want == 4 ? IpHeaders.IPV4_MIN_HEADER : IpHeaders.IPV6_HEADER;
        if (plainLen < min || IpHeaders.version(d, pay) != want) {
            return DropReason.INNER_BAD;
        }
        p.setRange(pay, plainLen);
        p.networkOffset(pay);
        return null;
    }

    /**
     * Transport mode: puts the outer IP header (without a NAT-T UDP header) in front of the plaintext,
     * with the next header and lengths fixed. After an out-of-place decryption the original header is
     * in the spare array, otherwise it is still in front of the ESP header in the same array.
     */
    private static DropReason rebuildTransportHeader(PacketBuffer p, CryptoRequest r, int pay, int plainLen,
                                                     int nextHeader) {
        byte[] d = p.data();
        byte[] orig = r.swapped() ? p.spare() : d;
        int net = p.networkOffset();
        int esp = r.aadStart();
        int headerEnd;
        int nhField;
        boolean v4 = IpHeaders.version(orig, net) == 4;
        if (v4) {
            headerEnd = net + IpHeaders.ipv4HeaderLength(orig, net);
            nhField = net + IpHeaders.IPV4_PROTOCOL;
            if (headerEnd < net + IpHeaders.IPV4_MIN_HEADER || headerEnd > esp) {
                return DropReason.IP_BAD_HEADER;
            }
        } else {
            long chain = IpHeaders.ipv6HeaderChain(orig, net, esp, true);
            if (chain < 0) {
                return DropReason.IP_BAD_EXTENSION;
            }
            headerEnd = (int) chain;
            nhField = (int) (chain >>> 32);
        }
        int headerLen = headerEnd - net;
        int start = pay - headerLen;
        System.arraycopy(orig, net, d, start, headerLen);
        d[start + (nhField - net)] = (byte) nextHeader;
        if (v4) {
            Bytes.put16(d, start + IpHeaders.IPV4_TOTAL_LENGTH, headerLen + plainLen);
            IpHeaders.ipv4Checksum(d, start, headerLen);
        } else {
            Bytes.put16(d, start + IpHeaders.IPV6_PAYLOAD_LENGTH, headerLen - IpHeaders.IPV6_HEADER + plainLen);
        }
        p.setRange(start, headerLen + plainLen);
        p.networkOffset(start);
        return null;
    }

    /** @return the buffer's crypto request, created on its first use and kept in its attachment */
    static CryptoRequest request(PacketBuffer p) {
        if (p.attachment instanceof CryptoRequest r) {
            return r;
        }
        CryptoRequest r = new CryptoRequest();
        p.attachment = r;
        return r;
    }
}
