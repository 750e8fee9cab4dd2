#!/usr/bin/env python3
"""Synthetic captures for what no kernel produces on purpose: hostile and
malformed packets, and extreme reuse. Deterministic; no root needed.

    python3 captures/make_synthetic.py [OUTDIR]

synthetic-hostile.pcap       one frame per hostile case (see CASES below)
synthetic-tuple-reuse.pcap   one 4-tuple reused by 2000 attempts with new ISNs
synthetic-syn-flood.pcap     a SYN flood: 1,500 one-SYN attempts to 10.9.0.2:80 from 1,200
                             sources (300 of them twice, from another port), 1 ms apart,
                             5 to 10.9.0.2:443, and a last frame 3 s later
"""
import os
import struct
import sys

ETH_HDR = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
A, B, C, D, R = (10, 9, 0, 1), (10, 9, 0, 2), (10, 9, 0, 3), (10, 9, 0, 4), (10, 9, 0, 254)
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08


def ipv4(src, dst, proto, payload, total=None, ihl=5):
    total = 20 + len(payload) if total is None else total
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 0, 0x4000, 64, proto, 0, bytes(src), bytes(dst)) + payload


def ipv6(src_last, dst_last, nh, payload):
    src = bytes([0xfd] + [0] * 14 + [src_last])
    dst = bytes([0xfd] + [0] * 14 + [dst_last])
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + src + dst + payload


def tcp(sport, dport, seq, ack, flags, payload=b"", opts=b"", hlen=None):
    hlen = 20 + len(opts) if hlen is None else hlen
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hlen // 4) << 4, flags, 64240, 0, 0) + opts + payload


def icmp_unreach(code, quote):
    return struct.pack("!BBHI", 3, code, 0, 0) + quote


def eth(payload, ethertype=0x0800, vlan=None):
    if vlan is not None:
        return ETH_HDR + struct.pack("!HHH", 0x8100, vlan, ethertype) + payload
    return ETH_HDR + struct.pack("!H", ethertype) + payload


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1_795_000_000.0

    def add(self, data, dt=0.5, snap=None):
        self.t += dt
        cap = data[:snap] if snap else data
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int(round((self.t - sec) * 1e6)), len(cap), len(data)) + cap)

    def close(self):
        self.f.close()


def hostile(path):
    p = Pcap(path)
    syn_a = tcp(40001, 80, 1000, 0, SYN, payload=b"hello")                 # 1 SYN carrying data
    p.add(eth(ipv4(A, B, 6, syn_a)))
    p.add(eth(ipv4(A, B, 6, tcp(40002, 80, 2000, 0, SYN | FIN))))          # 2 SYN+FIN
    p.add(eth(ipv4(A, B, 6, tcp(40003, 80, 3000, 0, SYN | RST))))          # 3 SYN+RST
    p.add(eth(ipv4(A, B, 6, tcp(40004, 80, 4000, 0, SYN, opts=b"\x02\x00\x05\xb4\x08\xff\x00\x00"))))  # 4 bad option lengths
    p.add(eth(ipv4(A, B, 6, tcp(40005, 80, 5000, 0, SYN, hlen=60))))       # 5 header longer than the packet
    inner_icmp = icmp_unreach(3, ipv4(A, B, 6, syn_a))
    p.add(eth(ipv4(R, A, 1, icmp_unreach(3, ipv4(A, R, 1, inner_icmp)))))  # 6 ICMP quoting ICMP quoting TCP
    p.add(eth(ipv4(B, A, 1, icmp_unreach(3, ipv4(A, B, 6, syn_a, total=9999)))))     # 7 quoted length bogus
    p.add(eth(ipv4(B, A, 1, icmp_unreach(3, struct.pack("!B", 0x4f) + bytes(19)))))  # 8 quoted ihl 15, 20 bytes
    syn_c = tcp(40009, 443, 9000, 0, SYN)
    p.add(eth(ipv4(C, D, 6, syn_c)))                                        # 9 SYN C->D
    p.add(eth(ipv4(D, C, 1, icmp_unreach(13, ipv4(C, D, 6, syn_c[:8])))))  # 10 quote of only 8 TCP bytes
    syn_v = tcp(40011, 22, 11000, 0, SYN)
    p.add(eth(ipv4(A, D, 6, syn_v), vlan=42))                              # 11 VLAN SYN
    p.add(eth(ipv4(A, D, 6, syn_v), vlan=42), dt=1.0)                      # 12 its retransmission
    syn_t = tcp(40013, 25, 13000, 0, SYN)
    p.add(eth(ipv4(R, D, 4, ipv4(A, B, 6, syn_t))))                        # 13 IP-in-IP SYN
    p.add(eth(ipv4(D, R, 4, ipv4(B, A, 6, tcp(25, 40013, 0, 13001, RST | ACK)))))  # 14 RST refuses it
    hop_by_hop = b"\x06\x00" + bytes(6)                                     # next header TCP, 8 bytes
    syn6 = tcp(40015, 80, 15000, 0, SYN)
    p.add(eth(ipv6(1, 2, 0, hop_by_hop + syn6), ethertype=0x86DD))         # 15 IPv6 with an extension header
    p.add(eth(ipv4(A, B, 6, tcp(40016, 80, 16000, 0, SYN, opts=b"\x02\x04\x05\xb4" * 4))), snap=40)  # 16 cut by snaplen
    p.add(eth(ipv4(A, B, 6, tcp(40016, 80, 16000, 0, SYN, opts=b"\x02\x04\x05\xb4" * 4))), dt=1.0)   # 17 its retransmission
    p.close()


def tuple_reuse(path, count=2000):
    p = Pcap(path)
    for i in range(count):
        p.add(eth(ipv4(A, B, 6, tcp(40000, 80, 100000 + i * 7919, 0, SYN))), dt=0.01)
    p.close()


def syn_flood(path):
    p = Pcap(path)
    p.t -= 0.001
    for i in range(1500):
        n = i % 1200                                     # sources 0..1199, the first 300 twice
        src = (10, 8, n // 250, 1 + n % 250)
        p.add(eth(ipv4(src, B, 6, tcp(20000 + i, 80, 0x10000000 + i * 7919, 0, SYN))), dt=0.001)
    for i in range(5):
        p.add(eth(ipv4((10, 7, 0, 1 + i), B, 6, tcp(30000 + i, 443, 0x20000000 + i, 0, SYN))), dt=0.001)
    # an unrelated datagram 3 s later: the capture went on, so the lone SYNs are not too recent to tell
    p.add(eth(ipv4(A, C, 17, struct.pack("!HHHH", 5353, 5353, 8, 0))), dt=3.0)
    p.close()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    hostile(os.path.join(out, "synthetic-hostile.pcap"))
    tuple_reuse(os.path.join(out, "synthetic-tuple-reuse.pcap"))
    syn_flood(os.path.join(out, "synthetic-syn-flood.pcap"))


if __name__ == "__main__":
    main()
