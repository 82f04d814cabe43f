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
 * ESP output ({@code esp_output}, RFC 4303 section 3.3): encapsulates an IP packet under an SA, in
 * place in its buffer, and seals it through the SA's crypto session.
 *
 * <pre>
 *  tunnel:     [IP|payload]  ──►  [outer IP|(UDP)|SPI seq|IV|IP payload pad pl nh|ICV]
 *  transport:  [IP|payload]  ──►  [IP|(UDP)|SPI seq|IV|payload pad pl nh|ICV]   (IP header moved forward)
 * </pre>
 *
 * The new headers go into the buffer's headroom and the trailer and ICV into its tailroom; the
 * payload is never copied (in transport mode the IP header moves, a few dozen bytes). The outer
 * IPv4/IPv6 header in tunnel mode is built from the SA's endpoints, with the inner packet's DSCP/ECN
 * byte and don't-fragment flag copied and a fresh identification; NAT-T (RFC 3948) adds a UDP header
 * with the SA's ports and checksum 0. Sequence numbers come from the SA's counter (64-bit with ESN)
 * and are never reused: when they run out the SA refuses with
 * {@link Status#SEQUENCE_EXHAUSTED} instead of wrapping. IVs come from the SA's {@link IvGenerator}.
 *
 * <h2>Contract</h2>
 * {@link #encapsulate} takes ownership of {@code p}, which holds one IPv4 or IPv6 packet from
 * {@code p.offset()} (bytes after the IP length are trimmed). It returns at once: either
 * {@link Status#SUBMITTED}, and the sealed packet reaches the {@link Sink} from the completing context
 * (or is dropped with the crypto status's reason), or a refusal, and the packet has been dropped with
 * the status's {@link Status#dropReason() reason}.
 *
 * <h2>Threading</h2>
 * Stateless: one instance serves every context; several contexts may send on one SA at once.
 */
public final class EspOutput implements CryptoCallback {

    /** Where sealed packets go (the stack's {@code ip_output}, a socket, a test). */
    @FunctionalInterface
    public interface Sink {
        /** Receives the sealed outer IP packet ({@code p.offset() == p.networkOffset()}) and owns it. */
        void encapsulated(StageContext ctx, PacketBuffer p);
    }

    /** What {@link #encapsulate} did with the packet. */
    public enum Status {
        /** Handed to the crypto session; the sink or a crypto drop reason ends it. */
        SUBMITTED(null),
        /** The SA's sequence numbers are used up; rekey. The packet was dropped. */
        SEQUENCE_EXHAUSTED(DropReason.ESP_SEQUENCE_EXHAUSTED),
        /** Not enough headroom or tailroom in the buffer. The packet was dropped. */
        NO_ROOM(DropReason.ESP_NO_ROOM),
        /** Not a well-formed IP packet, too large once encapsulated, or the SA lacks a mode or tunnel endpoints. Dropped. */
        NOT_ENCAPSULABLE(DropReason.ESP_NOT_ENCAPSULABLE);

        private final DropReason dropReason;

        Status(DropReason dropReason) {
            this.dropReason = dropReason;
        }

        /** @return the reason the packet was dropped with, null for {@link #SUBMITTED} */
        public DropReason dropReason() {
            return dropReason;
        }
    }

    private static final int MAX_IPV4_LENGTH = 0xFFFF;

    private final Sink sink;

    public EspOutput(Sink sink) {
        if (sink == null) {
            throw new IllegalArgumentException("EspOutput needs a sink");
        }
        this.sink = sink;
    }

    /** Encapsulates with the continuation run inline. */
    public Status encapsulate(StageContext ctx, PacketBuffer p, SecurityAssociation sa) {
        return encapsulate(ctx, p, sa, CompletionTarget.INLINE);
    }

    /**
     * Encapsulates {@code p} under {@code sa} with the next sequence number and a generated IV.
     *
     * @param target where the continuation (sink call or drop) must run
     */
    public Status encapsulate(StageContext ctx, PacketBuffer p, SecurityAssociation sa, CompletionTarget target) {
        return encapsulate(ctx, p, sa, null, target);
    }

    /**
     * Encapsulates with a caller-chosen IV: for known-answer tests only. The caller answers for the
     * IV's uniqueness; with AES-GCM or ChaCha20-Poly1305 a repeated IV under one key is fatal.
     *
     * @param iv exactly {@code sa.ivLength()} bytes
     */
    public Status encapsulateWithIv(StageContext ctx, PacketBuffer p, SecurityAssociation sa, byte[] iv,
                                    CompletionTarget target) {
        if (iv == null || iv.length != sa.ivLength()) {
            throw new IllegalArgumentException("IV must be " + sa.ivLength() + " bytes, got "
                    + (iv == null ? "none" : iv.length));
        }
        return encapsulate(ctx, p, sa, iv, target);
    }

    private Status encapsulate(StageContext ctx, PacketBuffer p, SecurityAssociation sa, byte[] iv,
                               CompletionTarget target) {
        Mode mode = sa.mode();
        byte[] d = p.data();
        int off = p.offset();
        int len = p.length();
        // ---- the packet to protect
        if (mode == null || len < 1) {
            return refuse(ctx, p, Status.NOT_ENCAPSULABLE);
        }
        int version = IpHeaders.version(d, off);
        int ipLen;
        if (version == 4 && len >= IpHeaders.IPV4_MIN_HEADER) {
            ipLen = Bytes.u16(d, off + IpHeaders.IPV4_TOTAL_LENGTH);
            int ihl = IpHeaders.ipv4HeaderLength(d, off);
            if (ihl < IpHeaders.IPV4_MIN_HEADER || ihl > ipLen || ipLen > len) {
                return refuse(ctx, p, Status.NOT_ENCAPSULABLE);
            }
        } else if (version == 6 && len >= IpHeaders.IPV6_HEADER) {
            ipLen = IpHeaders.IPV6_HEADER + Bytes.u16(d, off + IpHeaders.IPV6_PAYLOAD_LENGTH);
            if (ipLen > len) {
                return refuse(ctx, p, Status.NOT_ENCAPSULABLE);
            }
        } else {
            return refuse(ctx, p, Status.NOT_ENCAPSULABLE);
        }
        int headerLen;
        int nhField;
        int nextHeader;
        if (mode == Mode.TUNNEL) {
            headerLen = 0;
            nhField = -1;
            nextHeader = version == 4 ? EspDescriptor.NEXT_IPV4 : EspDescriptor.NEXT_IPV6;
        } else if (version == 4) {
            headerLen = IpHeaders.ipv4HeaderLength(d, off);
            nhField = off + IpHeaders.IPV4_PROTOCOL;
            nextHeader = d[nhField] & 0xFF;
        } else {
            long chain = IpHeaders.ipv6HeaderChain(d, off, off + ipLen, false);
            if (chain < 0) {
                return refuse(ctx, p, Status.NOT_ENCAPSULABLE);
            }
            headerLen = (int) chain - off;
            nhField = (int) (chain >>> 32);
            nextHeader = d[nhField] & 0xFF;
        }
        // ---- the room it needs
        byte[] outerSrc = sa.sourceBytes();
        byte[] outerDst = sa.destinationBytes();
        int outerLen = 0;
        if (mode == Mode.TUNNEL) {
            if (outerSrc == null || outerDst == null) {
                return refuse(ctx, p, Status.NOT_ENCAPSULABLE);
            }
            outerLen = outerDst.length == 4 ? IpHeaders.IPV4_MIN_HEADER : IpHeaders.IPV6_HEADER;
        }
        boolean natt = sa.natTraversal();
        int udpLen = natt ? EspDescriptor.UDP_HEADER_LENGTH : 0;
        int ivLen = sa.ivLength();
        int protectedLen = ipLen - headerLen;
        int padLen = EspDescriptor.padLength(protectedLen, sa.blockSize());
        int encLen = protectedLen + padLen + EspDescriptor.TRAILER_LENGTH;
        int espLen = EspDescriptor.HEADER_LENGTH + ivLen + encLen + sa.icvLength();
        int front = outerLen + udpLen + EspDescriptor.HEADER_LENGTH + ivLen;
        int tail = padLen + EspDescriptor.TRAILER_LENGTH + sa.icvLength();
        boolean outerV4 = mode == Mode.TUNNEL ? outerDst.length == 4 : version == 4;
        int ipHeaderOut = mode == Mode.TUNNEL ? outerLen : headerLen;
        long total = (long) ipHeaderOut + udpLen + espLen;
        if ((outerV4 && total > MAX_IPV4_LENGTH) || (!outerV4 && total - IpHeaders.IPV6_HEADER > MAX_IPV4_LENGTH)) {
            return refuse(ctx, p, Status.NOT_ENCAPSULABLE);
        }
        p.trimTail(len - ipLen);
        if (p.headroom() < front || p.tailroom() < tail) {
            return refuse(ctx, p, Status.NO_ROOM);
        }
        long seq = sa.takeOutboundSequence();
        if (seq == 0) {
            sa.increment(SaCounter.SEQUENCE_EXHAUSTED);
            return refuse(ctx, p, Status.SEQUENCE_EXHAUSTED);
        }
        // ---- trailer: padding 1, 2, 3, ..., pad length, next header; the ICV is left to the transform
        int at = p.append(tail);
        for (int i = 0; i < padLen; i++) {
            d[at + i] = (byte) (i + 1);
        }
        d[at + padLen] = (byte) padLen;
        d[at + padLen + 1] = (byte) nextHeader;
        // ---- headers
        int esp;
        if (mode == Mode.TUNNEL) {
            esp = p.prepend(EspDescriptor.HEADER_LENGTH + ivLen);
            p.prepend(udpLen);
            int outer = p.prepend(outerLen);
            int tos = IpHeaders.trafficClass(d, off);
            int proto = natt ? EspDescriptor.PROTO_UDP : EspDescriptor.PROTO_ESP;
            if (outerV4) {
                IpHeaders.writeIpv4(d, outer, tos, (int) total, sa.nextIpId(), IpHeaders.dontFragment(d, off), proto,
                        outerSrc, outerDst);
            } else {
                IpHeaders.writeIpv6(d, outer, tos, (int) total - IpHeaders.IPV6_HEADER, proto, outerSrc, outerDst);
            }
        } else {
            int shift = udpLen + EspDescriptor.HEADER_LENGTH + ivLen;
            int start = p.prepend(shift);
            System.arraycopy(d, off, d, start, headerLen);
            d[nhField - shift] = (byte) (natt ? EspDescriptor.PROTO_UDP : EspDescriptor.PROTO_ESP);
            if (outerV4) {
                Bytes.put16(d, start + IpHeaders.IPV4_TOTAL_LENGTH, (int) total);
                IpHeaders.ipv4Checksum(d, start, headerLen);
            } else {
                Bytes.put16(d, start + IpHeaders.IPV6_PAYLOAD_LENGTH, (int) total - IpHeaders.IPV6_HEADER);
            }
            esp = start + headerLen + udpLen;
        }
        if (natt) {
            int udp = esp - udpLen;
            Bytes.put16(d, udp, sa.nattSourcePort());
            Bytes.put16(d, udp + 2, sa.nattDestinationPort());
            Bytes.put16(d, udp + 4, udpLen + espLen);
            Bytes.put16(d, udp + 6, 0);
        }
        Bytes.put32(d, esp + EspDescriptor.SPI_OFFSET, sa.spi());
        Bytes.put32(d, esp + EspDescriptor.SEQ_OFFSET, (int) seq);
        int ivAt = EspDescriptor.ivOffset(esp);
        if (iv != null) {
            System.arraycopy(iv, 0, d, ivAt, ivLen);
        } else {
            sa.ivGenerator().write(d, ivAt, seq, ctx.slot());
        }
        p.networkOffset(p.offset());
        p.sa = sa;
        p.seq = seq;
        int payload = ivAt + ivLen;
        CryptoRequest r = EspInput.request(p);
        r.describe(sa.session(), CryptoOp.SEAL, p, esp, ivAt, payload, encLen, payload + encLen, (int) (seq >>> 32));
        r.then(this, target);
        sa.session().submit(r, ctx);
        target.afterSubmit(r, ctx);
        return Status.SUBMITTED;
    }

    private static Status refuse(StageContext ctx, PacketBuffer p, Status s) {
        ctx.drop(p, s.dropReason());
        return s;
    }

    /**
     * The continuation of the seal request: hands the sealed packet to the sink, or drops it with the
     * crypto status's reason. Runs in the completing context; called by the crypto framework.
     */
    @Override
    public void cryptoDone(CryptoRequest r, StageContext ctx) {
        PacketBuffer p = r.packet();
        CryptoStatus status = r.status();
        if (status != CryptoStatus.OK) {
            DropReason reason = status.dropReason();
            ctx.drop(p, reason != null ? reason : DropReason.ENGINE_FAILURE);
            return;
        }
        SecurityAssociation sa = (SecurityAssociation) p.sa;
        sa.increment(SaCounter.OUTBOUND_PACKETS);
        sa.add(SaCounter.OUTBOUND_BYTES, r.payloadLength());
        ctx.count(Counter.ESP_ENCRYPTED);
        sink.encapsulated(ctx, p);
    }
}
