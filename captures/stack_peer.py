#!/usr/bin/env python3
"""A raw-socket TCP client that connects as another stack does, for what no
Linux kernel sends: the SYN options, their order and the retransmission
schedule of macOS/iOS/FreeBSD and of Windows, as those stacks are documented
to behave (docs/syn-retries.md, "Whose stack", has the sources). The server
is a real Linux listener; make_captures.sh drops this host's own RSTs (no
socket of the kernel's expects the SYN/ACK). The captures it makes are
marked synthetic in MANIFEST.md.

    stack_peer.py apple SRC DST PORT      macOS: 1 s steps, then doubling;
                                          no window scale or timestamps
                                          from the 3rd retransmission on
    stack_peer.py windows SRC DST PORT    Windows: RTO 3 s, 2 retransmissions,
                                          connect() fails after 21 s
    stack_peer.py windows-refused SRC DST PORT
                                          Windows: a refused connect() sent
                                          again twice, 0.5 s apart, then a new
                                          source port
"""
import argparse
import random
import socket
import struct
import sys
import time

from peer import checksum   # the same directory: make_captures.sh's other peer

SYN, RST, ACK, PSH, FIN = 0x02, 0x04, 0x10, 0x08, 0x01

# option layouts (p0f's signatures)
MSS = struct.pack("!BBH", 2, 4, 1460)
NOP = b"\x01"
EOL = b"\x00"


def ws(shift):
    return struct.pack("!BBB", 3, 3, shift)


def ts(val, ecr=0):
    return struct.pack("!BBII", 8, 10, val, ecr)


SACK_OK = b"\x04\x02"


def log(*words):
    print("stack_peer:", *words, file=sys.stderr, flush=True)


def segment(src, dst, sport, dport, seq, ack, flags, options=b"", payload=b"", window=65535):
    while len(options) % 4:
        options += EOL
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, window, 0, 0) + options
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(header) + len(payload))
    csum = checksum(pseudo + header + payload)
    return header[:16] + struct.pack("!H", csum) + header[18:] + payload


def receive(sock, dst, dport, sport, timeout):
    """The next segment from dst:dport to sport: (seq, ack, flags, payload), or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        sock.settimeout(max(0.005, deadline - time.time()))
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            break
        ihl = (data[0] & 0x0F) * 4
        s, d, seq, ack, off, flags = struct.unpack("!HHIIBB", data[ihl:ihl + 14])
        if addr[0] == dst and s == dport and d == sport:
            return seq, ack, flags, data[ihl + (off >> 4) * 4:]
    return None


class Clock:
    """A 1 kHz TSval clock with a random offset, as macOS and Linux run theirs."""

    def __init__(self):
        self.base = random.getrandbits(32)
        self.start = time.time()

    def now(self):
        return (self.base + int((time.time() - self.start) * 1000)) % 2**32


def finish(sock, a, isn, reply, with_ts, clock):
    """The handshake's ACK, a request, and an orderly close."""
    seq, ack, flags, _ = reply
    server_isn = seq
    opts = NOP + NOP + ts(clock.now(), 0) if with_ts else b""
    me, nxt = isn + 1, (server_isn + 1) % 2**32
    sock.sendto(segment(a.src, a.dst, a.sport, a.port, me, nxt, ACK, opts), (a.dst, 0))
    request = b"GET / HTTP/1.0\r\n\r\n"
    sock.sendto(segment(a.src, a.dst, a.sport, a.port, me, nxt, ACK | PSH, opts, request), (a.dst, 0))
    me = (me + len(request)) % 2**32
    deadline = time.time() + 3
    fin_seen = False
    while time.time() < deadline and not fin_seen:
        got = receive(sock, a.dst, a.port, a.sport, deadline - time.time())
        if not got:
            break
        seq, _, flags, payload = got
        nxt = (seq + len(payload) + (1 if flags & FIN else 0)) % 2**32
        if payload or flags & FIN:
            sock.sendto(segment(a.src, a.dst, a.sport, a.port, me, nxt, ACK, opts), (a.dst, 0))
        fin_seen = bool(flags & FIN)
    sock.sendto(segment(a.src, a.dst, a.sport, a.port, me, nxt, FIN | ACK, opts), (a.dst, 0))
    receive(sock, a.dst, a.port, a.sport, 1)


def apple(a):
    """XNU and FreeBSD: tcp_syn_backoff[] = 1, 1, 1, 1, 1, 2, 4, 8, ... times
    the 1 s initial RTO; at the 3rd retransmission (t_rxtshift == 3) the
    window scale and timestamp options are dropped from the SYN
    (FreeBSD: net.inet.tcp.rexmit_drop_options; XNU tcp_timer.c)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    clock = Clock()
    isn = random.getrandbits(32)
    backoff = [1, 1, 1, 1, 1, 2, 4, 8]
    for shift in range(len(backoff) + 1):
        if shift < 3:
            opts = MSS + NOP + ws(6) + NOP + NOP + ts(clock.now()) + SACK_OK + EOL
        else:
            opts = MSS + NOP + NOP + SACK_OK    # no window scale, no timestamps
        sock.sendto(segment(a.src, a.dst, a.sport, a.port, isn, 0, SYN, opts), (a.dst, 0))
        log(f"SYN {shift} ({len(opts)} option bytes)")
        wait = backoff[shift] if shift < len(backoff) else 8
        got = receive(sock, a.dst, a.port, a.sport, wait)
        if got and got[2] & SYN and got[2] & ACK:
            log("answered after", shift + 1, "SYNs")
            finish(sock, a, isn, got, shift < 3, clock)
            return
    log("gave up")


def windows(a):
    """Windows: MSS, NOP, WS, NOP, NOP, SACK-permitted, no timestamps; an
    initial RTO of 3 s (InitialRto), MaxSynRetransmissions=2: SYNs at 0, 3
    and 9 s, connect() fails at 21 s."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    isn = random.getrandbits(32)
    opts = MSS + NOP + ws(8) + NOP + NOP + SACK_OK
    for wait in (3, 6, 12):
        sock.sendto(segment(a.src, a.dst, a.sport, a.port, isn, 0, SYN, opts, window=64240), (a.dst, 0))
        got = receive(sock, a.dst, a.port, a.sport, wait)
        if got and got[2] & SYN and got[2] & ACK:
            log("answered")
            return
    log("connect() fails: WSAETIMEDOUT")


def windows_refused(a):
    """Windows: a connect() refused by an RST is tried again twice, 0.5 s
    apart, with the same port and ISN, before WSAECONNREFUSED; the
    application's next connect() comes from a new port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    opts = MSS + NOP + ws(8) + NOP + NOP + SACK_OK
    for sport in (a.sport, a.sport + 1):
        isn = random.getrandbits(32)
        for _ in range(3):
            sock.sendto(segment(a.src, a.dst, sport, a.port, isn, 0, SYN, opts, window=64240), (a.dst, 0))
            got = receive(sock, a.dst, a.port, sport, 0.5)
            if got and got[2] & SYN and got[2] & ACK:
                log("answered")
                return
            if got and got[2] & RST:
                log("refused from", sport)
                time.sleep(max(0.0, 0.5 - 0.001))
        log("connect() fails: WSAECONNREFUSED")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stack", choices=["apple", "windows", "windows-refused"])
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("port", type=int)
    p.add_argument("--sport", type=int, default=51000)
    a = p.parse_args()
    {"apple": apple, "windows": windows, "windows-refused": windows_refused}[a.stack](a)


if __name__ == "__main__":
    main()
