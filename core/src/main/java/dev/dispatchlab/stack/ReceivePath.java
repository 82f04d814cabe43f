package dev.dispatchlab.stack;

import dev.dispatchlab.esp.EspInput;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpInput;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Reassembler;
import dev.dispatchlab.proto.LinkInput;
import dev.dispatchlab.proto.UdpClass;
import dev.dispatchlab.proto.UdpInput;

/**
 * The receive path, written once. Every dispatch model runs these same stage methods; a model only
 * decides which execution context calls which method, and how a packet moves between contexts.
 *
 * <pre>
 *  device ring
 *     │
 *     ▼
 *  linkInput ── ether_input: link header off, VLAN tags, network offset
 *     │            ┄┄ a model may queue here (ipintrq) and continue in another context ┄┄
 *     ▼
 *  ipInput ──── ip_input: IPv4/IPv6 validation, IPv4 reassembly
 *     ├─ ESP (50) ─────────────────────────────────────────┐
 *     ├─ UDP ── udp_input (outer): 4500 ─ ESP-in-UDP ──────┤
 *     │                              ├─ IKE ─► ike sink     │
 *     │                              └─ keepalive: counted  ▼
 *     │                                        esp_input: SA, replay pre-check, crypto submit
 *     │                                                     ┆ crypto driver (inline, or an engine)
 *     │                                                     ▼ continuation, in the context the model chose
 *     │                                        esp completion: window, padding, next header
 *     │                                                     │ plain inner IP packet
 *     ◄─────────────────────────────────────────────────────┘ (back to ipInput: nested ESP works)
 *     └─ anything else at depth ≥ 1 ─► delivery (udp_input + socket, a capture file, a forwarder)
 * </pre>
 *
 * <h2>Threading</h2>
 * One instance serves every context. Per-context state (each context's IPv4 reassembler) is held
 * in arrays indexed by {@link StageContext#slot()}, so stages keep no locks; the SA database and
 * the anti-replay windows are safe for concurrent use (see {@code esp}). A model that spreads one
 * flow over several contexts must steer IPv4 fragments by address so a datagram's fragments meet
 * in one context.
 *
 * <h2>Ownership</h2>
 * Each stage method takes ownership of its packet and ends it exactly once: hands it on, or drops it
 * with a reason through {@link StageContext#drop}. No input makes a stage throw.
 */
public final class ReceivePath implements EspInput.Sink {

    private final EspInput esp;
    private final PacketSink delivery;
    private final PacketSink ike;
    private final PathOptions options;
    private final CompletionRouting targets;
    private final PacketPool datagrams;
    private final Ipv4Reassembler[] reassemblers = new Ipv4Reassembler[StageContext.MAX_SLOTS];

    /**
     * @param sas      the inbound SA database
     * @param delivery where decrypted packets that are not ESP again go (see {@link UdpDelivery})
     * @param ike      where IKE packets go (passed up, not dropped)
     * @param targets  where crypto continuations run, per submitting context (the model's choice)
     */
    public ReceivePath(SaDatabase sas, PacketSink delivery, PacketSink ike, PathOptions options,
                       CompletionRouting targets) {
        this.esp = new EspInput(sas, this, options.maxEspDepth());
        this.delivery = delivery;
        this.ike = ike;
        this.options = options;
        this.targets = targets;
        this.datagrams = Ipv4Reassembler.datagramPool("reassembly", options.datagramBuffers());
    }

    public PathOptions options() {
        return options;
    }

    /**
     * ether_input: strips the link header according to {@code p.linkType()}.
     *
     * @return true if the packet continues (the caller passes it to {@link #ipInput}); false if it was dropped
     */
    public boolean linkInput(StageContext ctx, PacketBuffer p) {
        DropReason r = LinkInput.demux(p);
        if (r != null) {
            ctx.drop(p, r);
            return false;
        }
        return true;
    }

    /** The whole synchronous front of the path: {@link #linkInput} then {@link #ipInput}. */
    public void input(StageContext ctx, PacketBuffer p) {
        if (linkInput(ctx, p)) {
            ipInput(ctx, p);
        }
    }

    /**
     * ip_input, for outer packets (depth 0) and for decrypted inner packets alike: validation,
     * reassembly, then ESP, ESP-in-UDP and IKE demux (outer), or delivery (inner).
     */
    public void ipInput(StageContext ctx, PacketBuffer p) {
        DropReason r = IpInput.validate(p);
        boolean unverified = false;
        if (r == DropReason.IP_BAD_CHECKSUM && !options.verifyChecksums()) {
            r = IpInput.validate(p, false);
            unverified = r == null;
        }
        if (r != null) {
            ctx.drop(p, r);
            return;
        }
        if (unverified) {
            ctx.count(Counter.CHECKSUM_NOT_VERIFIED);
        }
        if (IpInput.isFragment(p)) {
            p = reassembler(ctx).offer(p, ctx);
            if (p == null) {
                return; // held for more fragments, or dropped with a reason
            }
        }
        int proto = p.transportProtocol();
        if (proto == IpProtocol.ESP) {
            p.setRange(p.transportOffset(), p.end() - p.transportOffset());
            esp.input(ctx, p, targets.forContext(ctx));
        } else if (p.depth == 0) {
            if (proto == IpProtocol.UDP) {
                outerUdp(ctx, p, unverified);
            } else {
                ctx.drop(p, DropReason.IP_UNSUPPORTED_PROTOCOL);
            }
        } else {
            delivery.accept(ctx, p);
        }
    }

    /** udp_input for datagrams that arrived in clear: RFC 3948 demux of ESP-in-UDP, IKE and keepalives. */
    private void outerUdp(StageContext ctx, PacketBuffer p, boolean counted) {
        DropReason r = UdpInput.validate(p, true);
        if (r == DropReason.UDP_BAD_CHECKSUM && !options.verifyChecksums()) {
            r = UdpInput.validate(p, false);
            if (r == null && !counted) {
                ctx.count(Counter.CHECKSUM_NOT_VERIFIED);
            }
        }
        if (r != null) {
            ctx.drop(p, r);
            return;
        }
        UdpClass c = UdpInput.classify(p);
        switch (c) {
            case ESP -> {
                int spi = UdpInput.payloadOffset(p);
                p.setRange(spi, p.end() - spi);
                esp.input(ctx, p, targets.forContext(ctx));
            }
            case IKE -> ike.accept(ctx, p);
            case OTHER -> {
                if (options.requireEsp()) {
                    ctx.drop(p, DropReason.UNPROTECTED);
                } else {
                    delivery.accept(ctx, p);
                }
            }
            default -> ctx.drop(p, c.dropReason() != null ? c.dropReason() : DropReason.UDP_BAD_LENGTH);
        }
    }

    /** ESP's continuation hands back the decrypted inner packet: it goes through ip_input again. */
    @Override
    public void decapsulated(StageContext ctx, PacketBuffer p) {
        ipInput(ctx, p);
    }

    /** @return the reassembler of {@code ctx}'s slot, created on first use; owner of the slot only */
    private Ipv4Reassembler reassembler(StageContext ctx) {
        Ipv4Reassembler r = reassemblers[ctx.slot()];
        if (r == null) {
            r = new Ipv4Reassembler(options.reassembly(), datagrams);
            reassemblers[ctx.slot()] = r;
        }
        return r;
    }

    /**
     * Drops every fragment still waiting in {@code ctx}'s reassembler (end of run: {@code FRAGMENT_INCOMPLETE}).
     * Called by the context that owns the reassembler, or after it stopped.
     *
     * @return fragments dropped
     */
    public int flushReassembly(StageContext ctx) {
        Ipv4Reassembler r = reassemblers[ctx.slot()];
        return r == null ? 0 : r.flush(ctx);
    }

    /** @return fragments still held by all reassemblers (in flight, for the accounting check) */
    public int fragmentsHeld() {
        int n = 0;
        for (Ipv4Reassembler r : reassemblers) {
            if (r != null) {
                n += r.fragmentsHeld();
            }
        }
        return n;
    }

    /** @return datagram buffers still handed out (a leak check once every context has stopped) */
    public int datagramBuffersOutstanding() {
        return datagrams.outstanding();
    }
}
