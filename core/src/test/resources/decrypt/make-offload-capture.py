#!/usr/bin/python3
"""Builds offload-natt.pcap, offload-natt.esp_sa and offload-natt.expected.json.

Run in this folder with Debian's python3-scapy 2.5:  /usr/bin/python3 make-offload-capture.py

What it stands for: a capture taken with tcpdump on the sending host of a NAT-T tunnel, on an
interface with transmit checksum offload (a veth, most NICs). The kernel hands such a datagram to
the driver with CHECKSUM_PARTIAL: the UDP checksum field holds only the folded one's-complement sum
of the pseudo-header (source, destination, protocol, UDP length), not complemented, and the device
is to finish it. tcpdump sees the packet before that, so every outbound UDP checksum in the file is
"wrong" although nothing on the wire was.

Frames (Ethernet, one millisecond apart), AES-GCM-16/128 tunnel over UDP 4500, SPI 0x0000a0ff:
  1-6  ESP-in-UDP, sequence 1-6, UDP checksum partial (pseudo-header sum), as offload leaves it
  7    ESP-in-UDP, sequence 7, UDP checksum complete and right
  8    ESP-in-UDP, sequence 8, UDP checksum 0 (none, as RFC 3948 allows)
  9    ESP-in-UDP, sequence 9, UDP checksum partial and the IPv4 header checksum 0 as well
  10   IKE on 4500 (non-ESP marker), UDP checksum partial
The expected packets are the inner packets given to scapy, not anything decrypted.
"""
import json

from scapy.all import IP, UDP, Ether, Raw, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

BASE_TIME = 1700000100.0
MAC_A = "02:00:00:00:00:01"
MAC_B = "02:00:00:00:00:02"
OUT_A, OUT_B = "198.51.100.10", "198.51.100.20"
SPI = 0x0000a0ff
KEY = bytes(range(0x70, 0x84))   # AES-128 key + 4-byte salt


def ones_sum(data):
    if len(data) % 2:
        data += b"\x00"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def addr(a):
    return bytes(int(x) for x in a.split("."))


def partial(src, dst, udp_len):
    """What CHECKSUM_PARTIAL leaves in the field: the pseudo-header sum, folded, not complemented."""
    return ones_sum(addr(src) + addr(dst) + bytes([0, 17]) + udp_len.to_bytes(2, "big"))


sa = SecurityAssociation(ESP, spi=SPI, crypt_algo="AES-GCM", crypt_key=KEY, crypt_icv_size=16,
                         tunnel_header=IP(src=OUT_A, dst=OUT_B), nat_t_header=UDP(sport=4500, dport=4500))


def natt(inner, seq, checksum):
    out = sa.encrypt(inner, seq_num=seq, iv=seq.to_bytes(8, "big"))
    out = IP(bytes(out))
    out[UDP].len = len(out[UDP])       # scapy 2.5 writes 8
    out[UDP].chksum = 0
    del out[IP].chksum
    out = IP(bytes(out))
    if checksum == "right":
        del out[UDP].chksum
    elif checksum == "partial":
        out[UDP].chksum = partial(OUT_A, OUT_B, out[UDP].len)
    return IP(bytes(out))


def inner(i):
    return IP(bytes(IP(src="10.1.0.1", dst="10.2.0.1", id=0x400 + i, ttl=64) / UDP(sport=3000 + i, dport=5001)
                    / Raw(bytes((i * 13 + j) & 0xFF for j in range(40 + 97 * i)))))


frames, written = [], []
for seq in range(1, 10):
    kind = "partial" if seq <= 6 or seq == 9 else ("right" if seq == 7 else "zero")
    pkt = natt(inner(seq), seq, kind)
    if seq == 9:
        raw = bytearray(bytes(pkt))
        raw[10:12] = b"\x00\x00"    # IPv4 header checksum left to the device as well
        pkt = IP(bytes(raw))
    frames.append(Ether(src=MAC_A, dst=MAC_B) / pkt)
    written.append({"frame": seq, "packet": bytes(inner(seq)).hex()})

ike = IP(src=OUT_A, dst=OUT_B, id=0x99, ttl=64) / UDP(sport=4500, dport=4500) / Raw(bytes(4) + bytes(28))
ike = IP(bytes(ike))
ike[UDP].chksum = partial(OUT_A, OUT_B, ike[UDP].len)
frames.append(Ether(src=MAC_A, dst=MAC_B) / IP(bytes(ike)))

for i, f in enumerate(frames):
    f.time = BASE_TIME + i / 1000.0
wrpcap("offload-natt.pcap", frames)
with open("offload-natt.esp_sa", "w") as f:
    f.write('"IPv4","%s","%s","0x%08x","AES-GCM with 16 octet ICV [RFC4106]","0x%s","NULL",""\n'
            % (OUT_A, OUT_B, SPI, KEY.hex()))
with open("offload-natt.expected.json", "w") as f:
    json.dump({"written": written, "ike_passed": 1,
               "checksum_not_verified": 8,
               "strict_drops": {"udp bad checksum": 7, "ip bad checksum": 1}}, f, indent=1)
    f.write("\n")
