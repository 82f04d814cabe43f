package dev.dispatchlab.device;

import dev.dispatchlab.packet.Bytes;

/** Hand-built frames for the NIC's parser: Ethernet, IPv4 or IPv6, then UDP, TCP or ESP. */
final class Frames {

    static final int UDP = 17;
    static final int TCP = 6;
    static final int ESP = 50;

    private Frames() {
    }

    /** Ethernet + IPv4 + a transport header of {@code proto} (ports, or an SPI for ESP) + 8 payload bytes. */
    static byte[] ipv4(int proto, int src, int dst, int sport, int dport, int spi, int fragmentField, boolean vlan) {
        int l2 = vlan ? 18 : 14;
        byte[] f = new byte[l2 + 20 + 8 + 8];
        Bytes.put16(f, 12, vlan ? 0x8100 : 0x0800);
        if (vlan) {
            Bytes.put16(f, 14, 42);
            Bytes.put16(f, 16, 0x0800);
        }
        int ip = l2;
        f[ip] = 0x45;
        Bytes.put16(f, ip + 2, 20 + 16);
        Bytes.put16(f, ip + 6, fragmentField);
        f[ip + 8] = 64;
        f[ip + 9] = (byte) proto;
        Bytes.put32(f, ip + 12, src);
        Bytes.put32(f, ip + 16, dst);
        int l4 = ip + 20;
        if (proto == ESP) {
            Bytes.put32(f, l4, spi);
        } else {
            Bytes.put16(f, l4, sport);
            Bytes.put16(f, l4 + 2, dport);
            if (proto == UDP && dport == 4500) {
                Bytes.put32(f, l4 + 8, spi);
            }
        }
        return f;
    }

    /** Ethernet + IPv6 (+ a fragment header if asked) + UDP. */
    static byte[] ipv6Udp(byte[] src, byte[] dst, int sport, int dport, boolean fragmentHeader) {
        int ext = fragmentHeader ? 8 : 0;
        byte[] f = new byte[14 + 40 + ext + 8 + 8];
        Bytes.put16(f, 12, 0x86DD);
        int ip = 14;
        f[ip] = 0x60;
        f[ip + 6] = (byte) (fragmentHeader ? 44 : UDP);
        System.arraycopy(src, 0, f, ip + 8, 16);
        System.arraycopy(dst, 0, f, ip + 24, 16);
        int l4 = ip + 40;
        if (fragmentHeader) {
            f[l4] = (byte) UDP;
            l4 += 8;
        }
        Bytes.put16(f, l4, sport);
        Bytes.put16(f, l4 + 2, dport);
        return f;
    }

    static int addr(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }
}
