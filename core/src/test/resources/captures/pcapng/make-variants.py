#!/usr/bin/env python3
"""Makes the pcapng test files that editcap cannot: big-endian sections, a power-of-two timestamp
resolution, and every block kind the reader must handle or skip. Run from this folder:

    python3 make-variants.py

Inputs: ../openswan-klips/espfrags1.pcap (16 Ethernet frames, microsecond times) and the
editcap-made espfrags1.pcapng. Outputs (checked with tshark after writing, see README.md):
  espfrags1-be.pcapng    espfrags1.pcapng with every field big-endian
  espfrags1-pow2.pcapng  if_tsresol 0x80|30 (2^-30 s), times rounded to the nearest unit
  mixed.pcapng           two sections (little-, then big-endian), two interfaces, EPB, obsolete PB,
                         SPB with snaplen, custom, unknown, NRB and ISB blocks, EPB options
  mixed.expected.json    what mixed.pcapng holds, record by record
"""
import json
import struct

SRC = '../openswan-klips/espfrags1.pcap'


def read_pcap(path):
    b = open(path, 'rb').read()
    e = '<' if struct.unpack('<I', b[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    nsec = struct.unpack(e + 'I', b[:4])[0] == 0xa1b23c4d
    link = struct.unpack(e + 'I', b[20:24])[0] & 0xffff
    off, out = 24, []
    while off < len(b):
        s, f, incl, orig = struct.unpack(e + 'IIII', b[off:off + 16])
        ns = s * 10**9 + (f if nsec else f * 1000)
        out.append((ns, orig, b[off + 16:off + 16 + incl]))
        off += 16 + incl
    return link, out


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


def block(e, btype, body):
    body = pad4(body)
    n = 12 + len(body)
    return struct.pack(e + 'II', btype, n) + body + struct.pack(e + 'I', n)


def opt(e, code, value):
    return struct.pack(e + 'HH', code, len(value)) + pad4(value)


def shb(e, comment=None):
    body = struct.pack(e + 'IHHq', 0x1a2b3c4d, 1, 0, -1)
    if comment:
        body += opt(e, 1, comment.encode()) + opt(e, 0, b'')
    return block(e, 0x0a0d0d0a, body)


def idb(e, link, snap, tsresol=None, tsoffset=None):
    body = struct.pack(e + 'HHI', link, 0, snap)
    opts = b''
    if tsresol is not None:
        opts += opt(e, 9, bytes([tsresol]))
    if tsoffset is not None:
        opts += opt(e, 14, struct.pack(e + 'q', tsoffset))
    if opts:
        body += opts + opt(e, 0, b'')
    return block(e, 1, body)


def epb(e, ifid, units, data, orig, options=b''):
    body = struct.pack(e + 'IIIII', ifid, units >> 32, units & 0xffffffff, len(data), orig) + pad4(data) + options
    return block(e, 6, body)


def pb(e, ifid, units, data, orig):
    body = struct.pack(e + 'HHIIII', ifid, 0, units >> 32, units & 0xffffffff, len(data), orig) + pad4(data)
    return block(e, 2, body)


def spb(e, data, orig):
    return block(e, 3, struct.pack(e + 'I', orig) + pad4(data))


def swap_pcapng(b):
    """Rewrites a little-endian pcapng (as editcap writes it: SHB, IDB, EPB, ISB, options) big-endian."""
    out, off = bytearray(), 0
    while off < len(b):
        btype, n = struct.unpack('<II', b[off:off + 8])
        body = b[off + 8:off + n - 4]
        if btype == 0x0a0d0d0a:
            magic, maj, mnr, slen = struct.unpack('<IHHq', body[:16])
            fixed, rest = struct.pack('>IHHq', magic, maj, mnr, slen), body[16:]
        elif btype == 1:
            link, res, snap = struct.unpack('<HHI', body[:8])
            fixed, rest = struct.pack('>HHI', link, res, snap), body[8:]
        elif btype == 6:
            ifid, hi, lo, cap, orig = struct.unpack('<IIIII', body[:20])
            p = (cap + 3) & ~3
            fixed, rest = struct.pack('>IIIII', ifid, hi, lo, cap, orig) + body[20:20 + p], body[20 + p:]
        elif btype == 5:
            ifid, hi, lo = struct.unpack('<III', body[:12])
            fixed, rest = struct.pack('>III', ifid, hi, lo), body[12:]
        else:
            raise SystemExit('cannot swap block type %#x' % btype)
        opts, o = bytearray(), 0
        while o + 4 <= len(rest):
            code, olen = struct.unpack('<HH', rest[o:o + 4])
            val = rest[o + 4:o + 4 + olen]
            if len(val) == 8 and code in (3, 4, 5, 6, 7, 8) and btype == 5:
                val = struct.pack('>Q', struct.unpack('<Q', val)[0])
            elif code == 14 and btype == 1:
                val = struct.pack('>q', struct.unpack('<q', val)[0])
            opts += struct.pack('>HH', code, olen) + pad4(val)
            o += 4 + ((olen + 3) & ~3)
            if code == 0:
                break
        out += block('>', btype, fixed + bytes(opts))
        off += n
    return bytes(out)


def main():
    link, frames = read_pcap(SRC)
    le = open('espfrags1.pcapng', 'rb').read()
    open('espfrags1-be.pcapng', 'wb').write(swap_pcapng(le))

    k = 30
    pow2 = shb('<') + idb('<', link, 0, tsresol=0x80 | k)
    for ns, orig, data in frames:
        units = (ns * 2**k + 500_000_000) // 10**9
        pow2 += epb('<', 0, units, data, orig)
    open('espfrags1-pow2.pcapng', 'wb').write(pow2)

    expected = []
    m = bytearray(shb('<', 'section 1: little-endian'))
    m += idb('<', link, 0)                                  # if 0: Ethernet, microseconds (default)
    m += idb('<', 101, 65535, tsresol=9, tsoffset=-3600)    # if 1: raw IP, nanoseconds, offset -1 h
    for i in range(4):
        ns, orig, data = frames[i]
        m += epb('<', 0, ns // 1000, data, orig)
        expected.append(dict(frame=i + 1, link=link, ts=ns, orig=orig, data=data.hex()))
    m += block('<', 0x00000bad, struct.pack('<I', 32473) + b'custom block, skip me')
    ns, orig, data = frames[4]
    m += pb('<', 0, ns // 1000, data, orig)
    expected.append(dict(frame=5, link=link, ts=ns, orig=orig, data=data.hex()))
    ns, orig, data = frames[5]
    m += epb('<', 1, ns + 3600 * 10**9, data[14:], orig - 14)
    expected.append(dict(frame=6, link=101, ts=ns, orig=orig - 14, data=data[14:].hex()))
    m += block('<', 4, struct.pack('<HH', 1, 8) + bytes([192, 1, 2, 23]) + b'sun\0' + struct.pack('<HH', 0, 0))  # NRB
    m += block('<', 5, struct.pack('<III', 0, 0, 0) + opt('<', 0, b''))                                  # ISB
    m += block('<', 0x12345678, b'an unknown block type')
    m += shb('>', 'section 2: big-endian')
    m += idb('>', link, 100)                                # if 0 of section 2: snaplen 100
    ns, orig, data = frames[6]
    m += spb('>', data[:100], orig)
    expected.append(dict(frame=7, link=link, ts=None, orig=orig, data=data[:100].hex()))
    ns, orig, data = frames[7]
    m += epb('>', 0, ns // 1000, data[:100], orig, opt('>', 2, struct.pack('>I', 1)) + opt('>', 1, b'epb comment') + opt('>', 0, b''))
    expected.append(dict(frame=8, link=link, ts=ns, orig=orig, data=data[:100].hex()))
    open('mixed.pcapng', 'wb').write(bytes(m))
    json.dump(expected, open('mixed.expected.json', 'w'), indent=1)


if __name__ == '__main__':
    main()
