package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;

/**
 * Test-side packet construction, written independently of the code under test: a plain 16-bit
 * RFC 1071 checksum loop and byte-level edits.
 */
final class Packets {

    private Packets() {
    }

    /** @return an unpooled buffer holding {@code frame} after 128 bytes of headroom, with its link type set */
    static PacketBuffer buffer(byte[] frame, LinkType type) {
        PacketBuffer p = PacketBuffer.unpooled(frame.length + 256, 128);
        p.append(frame, 0, frame.length);
        p.linkType(type.code());
        return p;
    }

    static PacketBuffer buffer(PacketPool pool, byte[] frame, LinkType type) {
        PacketBuffer p = pool.acquire();
        if (p == null) {
            throw new IllegalStateException("test pool exhausted: " + pool);
        }
        p.append(frame, 0, frame.length);
        p.linkType(type.code());
        return p;
    }

    /** RFC 1071 the slow way: 16-bit words, one at a time, carries folded as they come. */
    static int referenceChecksum(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            sum += hi << 8 | lo;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    /** Recomputes the IPv4 header checksum of {@code ip} in place, with the reference loop. */
    static byte[] fixIpv4Checksum(byte[] ip) {
        int hl = (ip[0] & 0x0F) * 4;
        ip[10] = 0;
        ip[11] = 0;
        int c = referenceChecksum(ip, 0, Math.min(hl, ip.length));
        ip[10] = (byte) (c >>> 8);
        ip[11] = (byte) c;
        return ip;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] prefix(byte[] b, int n) {
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, 0, n);
        return out;
    }

    static byte[] suffix(byte[] b, int from) {
        byte[] out = new byte[b.length - from];
        System.arraycopy(b, from, out, 0, out.length);
        return out;
    }

    static byte[] with16(byte[] b, int at, int v) {
        byte[] out = b.clone();
        Bytes.put16(out, at, v);
        return out;
    }

    static byte[] with8(byte[] b, int at, int v) {
        byte[] out = b.clone();
        out[at] = (byte) v;
        return out;
    }

    /**
     * Builds an IPv4 datagram: a 20-byte header (plus {@code options}, padded to a word) with the
     * given fields and a reference checksum, then {@code payload}.
     */
    static byte[] ipv4(int src, int dst, int protocol, int id, int flagsFragment, byte[] options, byte[] payload) {
        int hl = 20 + options.length;
        byte[] out = new byte[hl + payload.length];
        out[0] = (byte) (0x40 | hl / 4);
        Bytes.put16(out, 2, out.length);
        Bytes.put16(out, 4, id);
        Bytes.put16(out, 6, flagsFragment);
        out[8] = 64;
        out[9] = (byte) protocol;
        Bytes.put32(out, 12, src);
        Bytes.put32(out, 16, dst);
        System.arraycopy(options, 0, out, 20, options.length);
        System.arraycopy(payload, 0, out, hl, payload.length);
        return fixIpv4Checksum(out);
    }

    /**
     * Splits an IPv4 datagram (20-byte header) into fragments carrying at most {@code chunk} payload
     * bytes each ({@code chunk} a multiple of 8), as a router would (RFC 791).
     */
    static java.util.List<byte[]> fragment(byte[] datagram, int chunk) {
        int hl = (datagram[0] & 0x0F) * 4;
        int payload = datagram.length - hl;
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (int off = 0; off < payload; off += chunk) {
            int n = Math.min(chunk, payload - off);
            boolean more = off + n < payload;
            byte[] f = new byte[hl + n];
            System.arraycopy(datagram, 0, f, 0, hl);
            System.arraycopy(datagram, hl + off, f, hl, n);
            Bytes.put16(f, 2, f.length);
            Bytes.put16(f, 6, (Bytes.u16(datagram, 6) & 0x4000) | (more ? 0x2000 : 0) | off / 8);
            out.add(fixIpv4Checksum(f));
        }
        return out;
    }

    /** @return an IPv4 fragment of datagram {@code id} at byte offset {@code offset} with {@code length} payload bytes */
    static byte[] fragmentOf(int src, int dst, int id, int offset, int length, boolean more, int fill) {
        byte[] payload = new byte[length];
        java.util.Arrays.fill(payload, (byte) fill);
        return ipv4(src, dst, IpProtocol.ESP, id, (more ? 0x2000 : 0) | offset / 8, new byte[0], payload);
    }
}
