#!/usr/bin/env python3
"""ESP by scapy, for dispatchlab's interoperability test (ScapyInteropTest).

Reads one JSON request on stdin, {"jobs": [job, ...]}, and writes {"results": [result, ...]} on
stdout, one result per job in order. A job:

  op          "encrypt" (packet is a plain IP packet) or "decrypt" (packet is an ESP packet)
  crypt       scapy's encryption name: "AES-GCM", "CHACHA20-POLY1305", "AES-CBC", "3DES", "NULL"
  crypt_key   hex keying material (for GCM and ChaCha20 the key then the 4-byte salt); "" for NULL
  icv         the combined mode's ICV length in bytes, or null
  auth        scapy's integrity name ("HMAC-SHA1-96", "SHA2-256-128", ...) or "NULL"
  auth_key    hex, "" for NULL
  spi, seq    the SPI and the 32-bit sequence number on the wire
  esn         true for extended sequence numbers; esn_high is then the high 32 bits
  tunnel      {"v": 4 or 6, "src": ..., "dst": ...} for tunnel mode, null for transport
  natt        true for UDP encapsulation, port 4500 both ways
  packet      hex

A result is {"ok": true, "packet": hex} or {"ok": false, "error": text}. Exits with status 3 and a
message on stderr when scapy cannot be imported (install python3-scapy).

AES-GCM with an 8 or 12-octet ICV: scapy 2.5's "AES-GCM" entry goes through cryptography's AESGCM,
which always writes and expects a 16-byte tag whatever crypt_icv_size says. For those ICVs this
helper registers scapy's other GCM path (a CryptAlgo over modes.GCM, which truncates the tag as
RFC 4106 says) under the name "AES-GCM-SHORT-ICV"; the ESP framing is still scapy's.
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")
try:
    from scapy.layers.inet import IP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.ipsec import CRYPT_ALGOS, ESP, CryptAlgo, SecurityAssociation, _salt_format_mode_iv
    from cryptography.hazmat.primitives.ciphers import algorithms, modes
except Exception as e:  # noqa: BLE001 - any import failure means the same thing here
    print("scapy is not importable (%s); install python3-scapy" % e, file=sys.stderr)
    sys.exit(3)

CRYPT_ALGOS["AES-GCM-SHORT-ICV"] = CryptAlgo("AES-GCM", cipher=algorithms.AES, mode=modes.GCM, block_size=1,
                                             iv_size=8, icv_size=16, salt_size=4, key_size=(16, 24, 32),
                                             format_mode_iv=_salt_format_mode_iv)


def security_association(job):
    tunnel = None
    if job["tunnel"]:
        t = job["tunnel"]
        tunnel = IP(src=t["src"], dst=t["dst"]) if t["v"] == 4 else IPv6(src=t["src"], dst=t["dst"])
    crypt = job["crypt"]
    if crypt == "AES-GCM" and job["icv"] in (8, 12):
        crypt = "AES-GCM-SHORT-ICV"
    return SecurityAssociation(
        ESP,
        spi=job["spi"],
        seq_num=job["seq"],
        crypt_algo=crypt,
        crypt_key=bytes.fromhex(job["crypt_key"]) or None,
        crypt_icv_size=job["icv"],
        auth_algo=None if job["auth"] == "NULL" else job["auth"],
        auth_key=bytes.fromhex(job["auth_key"]) or None,
        tunnel_header=tunnel,
        nat_t_header=UDP(sport=4500, dport=4500) if job["natt"] else None,
        esn_en=job["esn"],
        esn=job["esn_high"],
    )


def run(job):
    sa = security_association(job)
    raw = bytes.fromhex(job["packet"])
    pkt = IP(raw) if raw[0] >> 4 == 4 else IPv6(raw)
    if job["op"] == "encrypt":
        out = sa.encrypt(pkt, seq_num=job["seq"])
    else:
        out = sa.decrypt(pkt)
    return bytes(out).hex()


def main():
    request = json.load(sys.stdin)
    results = []
    for job in request["jobs"]:
        try:
            results.append({"ok": True, "packet": run(job)})
        except Exception as e:  # noqa: BLE001 - reported per job to the Java side
            results.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
