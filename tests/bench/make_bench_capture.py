#!/usr/bin/env python3
"""Writes a large synthetic pcap for the synsight benchmark.

    make_bench_capture.py OUT.pcap [--connections 27000]
    make_bench_capture.py OUT.pcap --syn-flood 1000000   # distinct unanswered SYNs
    make_bench_capture.py OUT.pcap --midstream 200000    # connections without handshake, two segments each
    make_bench_capture.py OUT.pcap --syn-trains 200000   # attempts of 7 SYNs each, never answered
    make_bench_capture.py OUT.pcap --long-stream 400000  # one connection mid-stream, this many segments

The mix is what a busy capture holds: mostly ordinary connections with data
(handshake, request/response exchanges, close), plus unanswered SYN trains,
ICMP and RST refusals, mid-stream connections without handshake, and UDP.
Packets of concurrent connections are interleaved in time. Checksums are
left zero (Wireshark does not verify them by default). Deterministic.
"""
import argparse
import heapq
import random
import struct

ETH = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04


def ip4(a):
    return bytes(a)


def ipv4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
    return hdr + payload


def tcp(sport, dport, seq, ack, flags, win, payload=b"", syn_opts=False, tsval=None):
    opts = b""
    if syn_opts:
        opts = b"\x02\x04\x05\xb4\x04\x02\x08\x0a" + struct.pack("!II", (tsval or 1) & 0xFFFFFFFF, 0) + b"\x01\x03\x03\x07"
    hlen = 20 + len(opts)
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (hlen // 4) << 4,
                       flags, win, 0, 0) + opts + payload


def frame(src, dst, l4, proto=6):
    return ETH + ipv4(src, dst, proto, l4)


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1))  # ns-resolution pcap
        self.count = 0

    def write(self, t_ns, data):
        self.f.write(struct.pack("<IIII", t_ns // 10**9, t_ns % 10**9, len(data), len(data)) + data)
        self.count += 1


def ordinary(rng, client, server, sport, dport, t):
    """Handshake, a few request/response exchanges, close."""
    c_isn, s_isn = rng.getrandbits(32), rng.getrandbits(32)
    c, s = c_isn + 1, s_isn + 1
    yield t, frame(client, server, tcp(sport, dport, c_isn, 0, SYN, 64240, syn_opts=True, tsval=t // 10**6))
    t += 200_000
    yield t, frame(server, client, tcp(dport, sport, s_isn, c, SYN | ACK, 65160, syn_opts=True, tsval=7))
    t += 100_000
    yield t, frame(client, server, tcp(sport, dport, c, s, ACK, 502))
    for _ in range(rng.randint(4, 9)):
        req = b"G" * rng.randint(80, 400)
        t += rng.randint(1, 50) * 1_000_000
        yield t, frame(client, server, tcp(sport, dport, c, s, PSH | ACK, 502, req))
        c += len(req)
        t += 150_000
        yield t, frame(server, client, tcp(dport, sport, s, c, ACK, 509))
        for _ in range(rng.randint(1, 3)):
            resp = b"R" * rng.randint(500, 1400)
            t += 50_000
            yield t, frame(server, client, tcp(dport, sport, s, c, PSH | ACK, 509, resp))
            s += len(resp)
        t += 100_000
        yield t, frame(client, server, tcp(sport, dport, c, s, ACK, 502))
    t += 10_000_000
    yield t, frame(client, server, tcp(sport, dport, c, s, FIN | ACK, 502))
    t += 100_000
    yield t, frame(server, client, tcp(dport, sport, s, c + 1, FIN | ACK, 509))
    t += 100_000
    yield t, frame(client, server, tcp(sport, dport, c + 1, s + 1, ACK, 502))


def syn_train(rng, client, server, sport, dport, t):
    isn = rng.getrandbits(32)
    for gap in (0, 1, 2, 4, 8, 16):
        t += gap * 10**9 + rng.randint(0, 20) * 1_000_000
        yield t, frame(client, server, tcp(sport, dport, isn, 0, SYN, 64240, syn_opts=True, tsval=t // 10**6))


def refused(rng, client, server, sport, dport, t, icmp):
    isn = rng.getrandbits(32)
    syn_l4 = tcp(sport, dport, isn, 0, SYN, 64240, syn_opts=True, tsval=1)
    yield t, frame(client, server, syn_l4)
    t += 100_000
    if icmp:
        quote = ipv4(client, server, 6, syn_l4)
        yield t, frame(server, client, struct.pack("!BBHI", 3, 3, 0, 0) + quote, proto=1)
    else:
        yield t, frame(server, client, tcp(dport, sport, 0, isn + 1, RST | ACK, 0))


def midstream(rng, client, server, sport, dport, t):
    """A bulk transfer whose handshake is not in the capture."""
    c, s = rng.getrandbits(32), rng.getrandbits(32)
    for _ in range(250):
        t += 1_000_000
        yield t, frame(client, server, tcp(sport, dport, c, s, ACK, 300, b"D" * 1448))
        c += 1448
        t += 100_000
        yield t, frame(server, client, tcp(dport, sport, s, c, ACK, 127))


def udp(rng, client, server, sport, t):
    payload = b"q" * 40
    l4 = struct.pack("!HHHH", sport, 53, 8 + len(payload), 0) + payload
    yield t, frame(client, server, l4, proto=17)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--connections", type=int, default=27000)
    p.add_argument("--syn-flood", type=int, default=0, help="write this many distinct unanswered SYNs instead")
    p.add_argument("--midstream", type=int, default=0, help="this many two-segment connections without handshake")
    p.add_argument("--syn-trains", type=int, default=0, help="this many unanswered attempts of 7 SYNs each")
    p.add_argument("--long-stream", type=int, default=0, help="one connection without handshake, this many segments")
    a = p.parse_args()
    rng = random.Random(20261124)
    w = Writer(a.out)
    server = (10, 250, 0, 1)
    if a.midstream or a.syn_trains or a.long_stream:
        t = 1_795_000_000 * 10**9
        if a.midstream:
            for i in range(a.midstream):
                client = (10, 1 + (i >> 16) % 250, (i >> 8) % 256, i % 256)
                c, sq = rng.getrandbits(32), rng.getrandbits(32)
                t += 10_000
                w.write(t, frame(client, server, tcp(1024 + i % 60000, 6379, c, sq, ACK | PSH, 300, b"D" * 300)))
                w.write(t + 5_000, frame(server, client, tcp(6379, 1024 + i % 60000, sq, c + 300, ACK, 127)))
        elif a.syn_trains:
            # 7 SYNs each, 1 s apart, the attempts interleaved: 200,000 of them in 200 s
            heap = []
            for i in range(a.syn_trains):
                client = (10, 1 + (i >> 16) % 250, (i >> 8) % 256, i % 256)
                heap.append((t + i * 1_000, i, client, rng.getrandbits(32), 0))
            heapq.heapify(heap)
            while heap:
                when, i, client, isn, k = heapq.heappop(heap)
                w.write(when, frame(client, server, tcp(1024 + i % 60000, 80, isn, 0, SYN, 64240, syn_opts=True,
                                                        tsval=when // 10**6)))
                if k < 6:
                    heapq.heappush(heap, (when + 10**9, i, client, isn, k + 1))
        else:
            client = (10, 1, 0, 1)
            c, sq = rng.getrandbits(32), rng.getrandbits(32)
            for i in range(a.long_stream // 2):
                t += 100_000
                w.write(t, frame(client, server, tcp(40000, 33333, c, sq, ACK, 300, b"D" * 1448)))
                c += 1448
                w.write(t + 50_000, frame(server, client, tcp(33333, 40000, sq, c, ACK, 127)))
        w.f.close()
        print(f"{a.out}: {w.count} packets")
        return
    if a.syn_flood:
        t = 1_795_000_000 * 10**9
        for i in range(a.syn_flood):
            client = (10, 1 + (i >> 16) % 250, (i >> 8) % 256, i % 256)
            w.write(t + i * 10_000, frame(client, (10, 250, 0, 1), tcp(1024 + i % 60000, 80, rng.getrandbits(32), 0,
                                                                       SYN, 64240, syn_opts=True, tsval=i)))
        w.f.close()
        print(f"{a.out}: {w.count} packets")
        return
    streams = []
    t0 = 1_795_000_000 * 10**9
    for i in range(a.connections):
        client = (10, 1 + i % 200, (i // 200) % 250, 1 + i % 250)
        server = (10, 250, (i * 7) % 250, 1 + (i * 13) % 250)
        sport, dport = 1024 + i % 60000, (80, 443, 8080, 135, 445)[i % 5]
        start = t0 + i * 2_000_000
        kind = i % 100
        if kind < 8:
            gen = syn_train(rng, client, server, sport, 49667, start)
        elif kind < 12:
            gen = refused(rng, client, server, sport, 81, start, icmp=kind < 10)
        elif kind == 12:
            gen = midstream(rng, client, server, sport, 6379, start)
        elif kind < 16:
            gen = udp(rng, client, server, sport, start)
        else:
            gen = ordinary(rng, client, server, sport, dport, start)
        streams.append(gen)
    # merge the streams in time order
    heap = []
    for idx, gen in enumerate(streams):
        first = next(gen, None)
        if first:
            heap.append((first[0], idx, first[1]))
    heapq.heapify(heap)
    while heap:
        t, idx, data = heapq.heappop(heap)
        w.write(t, data)
        nxt = next(streams[idx], None)
        if nxt:
            heapq.heappush(heap, (nxt[0], idx, nxt[1]))
    w.f.close()
    print(f"{a.out}: {w.count} packets")


if __name__ == "__main__":
    main()
