#!/usr/bin/env python3
"""Writes the link-type and IPv6 sample captures of this folder (see README.md).

Every packet is built here from fields, checksums included, with a plain 16-bit RFC 1071 loop that
shares no code with the Java under test; tshark then decodes the files as a second opinion.
"""
import struct

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def ip6(addr):
    import ipaddress
    return ipaddress.IPv6Address(addr).packed

def ipv4(src, dst, proto, payload, ident=0x1234, ttl=64, flags=0):
    import ipaddress
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, flags, ttl, proto, 0,
                    ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def udp6(src, dst, sport, dport, payload, checksum=True):
    length = 8 + len(payload)
    u = struct.pack('!HHHH', sport, dport, length, 0) + payload
    if checksum:
        pseudo = ip6(src) + ip6(dst) + struct.pack('!IxxxB', length, 17)
        c = csum(pseudo + u) or 0xFFFF
        u = u[:6] + struct.pack('!H', c) + u[8:]
    return u

def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack('!IHBB', 6 << 28, len(payload), nh, hlim) + ip6(src) + ip6(dst) + payload

ESP = bytes.fromhex('01020304000000010011223344556677') + bytes(range(32))
A, B = '2001:db8::1', '2001:db8::2'

# IPv6 + UDP 4500 carrying ESP (RFC 3948 over IPv6), checksum present.
v6_udp_esp = ipv6(A, B, 17, udp6(A, B, 4500, 4500, ESP))
# IPv6 + Hop-by-Hop (PadN) + Destination Options (Pad1 x2, PadN) + Routing (type 3, segments left 0)
# + atomic Fragment (offset 0, M 0) + ESP.
hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])
dst = bytes([43, 0, 0, 0, 1, 2, 0, 0])
rt = bytes([44, 0, 3, 0, 0, 0, 0, 0])
frag = bytes([50, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef])
v6_chain_esp = ipv6(A, B, 0, hbh + dst + rt + frag + ESP)
# IPv6 first fragment (offset 0, M 1) of an ESP packet: not reassembled.
v6_fragment = ipv6(A, B, 44, bytes([50, 0, 0, 1, 0, 0, 0, 7]) + ESP)

# The IPv4 packet of openswan 02-sunrise-sunset-esp frame 1 (tunnel ESP), for the other link types.
v4_esp = bytes.fromhex(
    '45000088ff6700004032f695c0010217c001022d12345678000000014c20452f3cb09211d3a748cde5c811e3'
    '9c4ee83cfe96a1e42acfd2b87aab05d1642ba3af9c1bc342102c40ad15df4de0200a63638734711187d41209'
    '3b83bfaa43191cbd84a45b0276338399b1f5ca17cc9254457e5906551a7041e3dc9176e86fd3ffdd00b0bc11f8103097')

def sll(proto, payload):
    # outgoing (4), ARPHRD_ETHER (1), 6-byte address
    return struct.pack('!HHH8sH', 4, 1, 6, bytes.fromhex('100000646423') + b'\0\0', proto) + payload

def sll2(proto, payload):
    return struct.pack('!HHIHBB8s', proto, 0, 2, 1, 0, 6, bytes.fromhex('100000646423') + b'\0\0') + payload

def eth(etype, payload, tags=()):
    h = bytes.fromhex('100000646445100000646423')
    for tpid, tci in tags:
        h += struct.pack('!HH', tpid, tci)
    return h + struct.pack('!H', etype) + payload

def write(name, linktype, frames):
    with open(name, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)

write('ethernet-vlan.pcap', 1, [
    eth(0x0800, v4_esp, [(0x8100, 100)]),
    eth(0x0800, v4_esp, [(0x88A8, 200), (0x8100, 100)]),
    eth(0x86DD, v6_udp_esp, [(0x8100, 7)]),
])
write('ipv6-ethernet.pcap', 1, [eth(0x86DD, p) for p in (v6_udp_esp, v6_chain_esp, v6_fragment)])
write('linux-sll.pcap', 113, [sll(0x0800, v4_esp), sll(0x86DD, v6_udp_esp), sll(0x8100, struct.pack('!HH', 5, 0x0800) + v4_esp)])
write('linux-sll2.pcap', 276, [sll2(0x0800, v4_esp), sll2(0x86DD, v6_udp_esp)])
# NULL: AF in the writer's byte order; frame 1 little-endian AF_INET, then big-endian AF_INET,
# then the three AF_INET6 values (24 NetBSD/OpenBSD, 28 FreeBSD, 30 Darwin), little-endian.
write('null.pcap', 0, [struct.pack('<I', 2) + v4_esp, struct.pack('>I', 2) + v4_esp]
      + [struct.pack('<I', af) + v6_udp_esp for af in (24, 28, 30)])
write('loop.pcap', 108, [struct.pack('>I', 2) + v4_esp, struct.pack('>I', 24) + v6_udp_esp])
write('raw.pcap', 101, [v4_esp, v6_udp_esp])
write('ipv4.pcap', 228, [v4_esp])
write('ipv6.pcap', 229, [v6_udp_esp, v6_chain_esp])
