package dev.dispatchlab.ipcomp;

import dev.dispatchlab.esp.EspInput;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpProtocol;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.Ipv6Descriptor;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * IPComp input ({@code ipcomp_input}, RFC 3173 section 3, DEFLATE per RFC 2394): turns an IP packet
 * whose upper layer is IPComp (protocol 108) back into the plain packet the sender compressed, the
 * way {@link EspInput} turns an ESP packet into its plaintext.
 *
 * <pre>
 *   IP hdr (proto 108) │ IPComp hdr (nh, flags, CPI) │ raw deflate stream
 *        │                                               │ Inflater (nowrap), into p.spare(), swapped
 *        ▼                                               ▼
 *   tunnel    (nh 4 / 41):                             inner IP packet
 *   transport (nh other):  IP hdr (proto nh, lengths fixed) │ upper-layer payload
 *        │
 *        ▼ Sink.decapsulated(ctx, p): ip_input again, depth + 1
 * </pre>
 *
 * <h2>Input contract</h2>
 * Takes ownership of {@code p}: a validated IP packet ({@code p.offset() == p.networkOffset()}, length
 * trimmed to the IP length) whose {@code transportProtocol()} is {@link IpProtocol#IPCOMP} at
 * {@code transportOffset()}, as {@code ip_input} leaves it. Every packet ends exactly once: handed to
 * the sink as a plain IP packet, or dropped through {@link StageContext#drop} with
 * {@link DropReason#IPCOMP_BAD} (not DEFLATE, a broken or truncated stream, a result larger than an IP
 * packet or the buffer) or {@link DropReason#NESTING_TOO_DEEP}. No byte sequence makes it throw.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>Which CPIs are DEFLATE: the well-known {@link IpcompDescriptor#CPI_DEFLATE} and every
 *       negotiated CPI (256-61439). SA files (Wireshark's, {@code ip xfrm}'s ESP states) do not say
 *       which transform an IPComp SA uses, and DEFLATE is the one every IPsec stack implements (the
 *       Openswan KLIPS capture in the tests uses CPI 0x5678). The other well-known CPIs (OUI, LZS,
 *       LZJH) and the reserved ones are {@code IPCOMP_BAD}.</li>
 *   <li>The stream must end (a final block): RFC 2394 has the sender finish the stream per packet, and
 *       Linux refuses a packet whose stream does not end. Like Linux, one dummy input byte is offered
 *       when zlib asks for more after the data ran out (raw inflate sometimes wants to look one byte
 *       ahead).</li>
 *   <li>Depth: a decompression counts as a decapsulation ({@code p.depth + 1}) and shares ESP's limit,
 *       so a payload that decompresses to IPComp again, and again, ends as {@code NESTING_TOO_DEEP}
 *       instead of looping.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * One pass of inflate over the payload, writing straight into the buffer's spare array (the one copy,
 * as decryption's), and for transport mode a copy of the IP header (20-60 bytes, IPv6 with its
 * extension headers) and an IPv4 checksum. An {@link Inflater} per stage context, made on first use
 * and reset per packet: no allocation per packet.
 *
 * <h2>Threading</h2>
 * Any number of contexts; each uses its own slot's inflater. {@link #close()} once no context runs.
 */
public final class IpcompInput implements AutoCloseable {

    /** Where decompressed packets go: the stack, which feeds them back to {@code ip_input}. */
    private final EspInput.Sink sink;
    private final int maxDepth;
    private final Inflater[] inflaters = new Inflater[StageContext.MAX_SLOTS];

    /** One zero byte for raw inflate's look-ahead (read-only, shared). */
    private static final byte[] DUMMY = new byte[1];

    /**
     * @param sink     receives each decompressed plain IP packet
     * @param maxDepth packets already this many layers deep are dropped as {@code NESTING_TOO_DEEP}
     */
    public IpcompInput(EspInput.Sink sink, int maxDepth) {
        if (sink == null || maxDepth < 1) {
            throw new IllegalArgumentException("IpcompInput needs a sink and maxDepth >= 1: maxDepth=" + maxDepth);
        }
        this.sink = sink;
        this.maxDepth = maxDepth;
    }

    /** @return true if {@code cpi} names DEFLATE (see the class note) */
    public static boolean deflate(int cpi) {
        return cpi == IpcompDescriptor.CPI_DEFLATE
                || (cpi >= IpcompDescriptor.FIRST_NEGOTIATED_CPI && cpi <= IpcompDescriptor.LAST_NEGOTIATED_CPI);
    }

    /** Decompresses {@code p} and hands it on, or drops it; see the class note. Runs in {@code ctx}. */
    public void input(StageContext ctx, PacketBuffer p) {
        if (p.depth >= maxDepth) {
            ctx.drop(p, DropReason.NESTING_TOO_DEEP);
            return;
        }
        DropReason r = decompress(ctx, p);
        if (r != null) {
            ctx.drop(p, r);
            return;
        }
        p.depth++;
        sink.decapsulated(ctx, p);
    }

    private DropReason decompress(StageContext ctx, PacketBuffer p) {
        byte[] d = p.data();
        int net = p.networkOffset();
        int comp = p.transportOffset();
        int end = p.end();
        if (p.transportProtocol() != IpProtocol.IPCOMP || comp < net || end - comp <= IpcompDescriptor.HEADER_LENGTH) {
            return DropReason.IPCOMP_BAD;
        }
        int nextHeader = IpcompDescriptor.nextHeader(d, comp);
        if (!deflate(IpcompDescriptor.cpi(d, comp))) {
            return DropReason.IPCOMP_BAD;
        }
        boolean v4 = (d[net] & 0xFF) >>> 4 == 4;
        boolean tunnel = nextHeader == IpProtocol.IPV4 || nextHeader == IpProtocol.IPV6;
        int headerLen = tunnel ? 0 : comp - net;
        // The result must still be an IP packet: the length fields are 16 bits.
        int maxOut = tunnel ? Ipv4Descriptor.MAX_TOTAL_LENGTH
                : v4 ? Ipv4Descriptor.MAX_TOTAL_LENGTH - headerLen
                : Ipv6Descriptor.MAX_PAYLOAD_LENGTH - (headerLen - Ipv6Descriptor.HEADER_LENGTH);
        int start = net;
        int out = start + headerLen;
        maxOut = Math.min(maxOut, p.capacity() - out);
        if (maxOut <= 0) {
            return DropReason.IPCOMP_BAD;
        }
        byte[] s = p.spare();
        int n = inflate(ctx, d, comp + IpcompDescriptor.HEADER_LENGTH, end - comp - IpcompDescriptor.HEADER_LENGTH,
                s, out, maxOut);
        if (n < 0) {
            return DropReason.IPCOMP_BAD;
        }
        if (!tunnel) {
            System.arraycopy(d, net, s, start, headerLen);
            s[nextHeaderField(s, start, comp - net + start, v4)] = (byte) nextHeader;
            if (v4) {
                Bytes.put16(s, start + Ipv4Descriptor.TOTAL_LENGTH, headerLen + n);
                Ipv4Descriptor.updateChecksum(s, start);
            } else {
                Bytes.put16(s, start + Ipv6Descriptor.PAYLOAD_LENGTH, headerLen - Ipv6Descriptor.HEADER_LENGTH + n);
            }
        }
        p.swapSpare();
        p.setRange(start, headerLen + n);
        p.networkOffset(start);
        return null;
    }

    /**
     * Inflates {@code in[inAt, inAt+inLen)} into {@code out[outAt...]}, at most {@code max} bytes.
     *
     * @return the bytes produced, or -1 when the stream is broken, does not end, or needs more room
     */
    private int inflate(StageContext ctx, byte[] in, int inAt, int inLen, byte[] out, int outAt, int max) {
        Inflater inf = inflater(ctx);
        inf.reset();
        inf.setInput(in, inAt, inLen);
        int n = 0;
        boolean dummyGiven = false;
        try {
            while (!inf.finished()) {
                int k = inf.inflate(out, outAt + n, max - n);
                n += k;
                if (k > 0) {
                    continue;
                }
                if (inf.needsDictionary() || n == max) {
                    return -1; // a preset dictionary is not DEFLATE as RFC 2394 uses it; or the result is too large
                }
                if (inf.needsInput()) {
                    if (dummyGiven) {
                        return -1; // truncated: the stream never ends
                    }
                    dummyGiven = true;
                    inf.setInput(DUMMY, 0, 1);
                } else {
                    return -1; // no progress and nothing asked for: never loop
                }
            }
        } catch (DataFormatException e) {
            return -1;
        }
        return n;
    }

    /** @return the index of the next-header field that names IPComp, in the header copied to {@code s[start...]} */
    private static int nextHeaderField(byte[] s, int start, int comp, boolean v4) {
        if (v4) {
            return start + Ipv4Descriptor.PROTOCOL;
        }
        // ip_input walked this chain already; its last header points at IPComp.
        int field = start + Ipv6Descriptor.NEXT_HEADER;
        int at = start + Ipv6Descriptor.HEADER_LENGTH;
        while (at < comp) {
            int nh = s[field] & 0xFF;
            field = at;
            at += nh == IpProtocol.FRAGMENT ? Ipv6Descriptor.FRAGMENT_HEADER_LENGTH
                    : nh == IpProtocol.AH ? ((s[at + 1] & 0xFF) + 2) * 4
                    : ((s[at + 1] & 0xFF) + 1) * 8;
        }
        return field;
    }

    private Inflater inflater(StageContext ctx) {
        Inflater inf = inflaters[ctx.slot()];
        if (inf == null) {
            inf = new Inflater(true);
            inflaters[ctx.slot()] = inf;
        }
        return inf;
    }

    /** Frees the inflaters' native memory. Call once no context uses this stage any more. */
    @Override
    public void close() {
        for (int i = 0; i < inflaters.length; i++) {
            if (inflaters[i] != null) {
                inflaters[i].end();
                inflaters[i] = null;
            }
        }
    }
}
