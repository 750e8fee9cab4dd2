#!/usr/bin/env python3
"""Tiny TCP/UDP client and server used by make_captures.sh.

Each sub-command does one thing a real application does, so the kernel
produces the packets (SYN retries, SYN/ACKs, RSTs, ICMP errors) on its own.
"""
import argparse
import errno
import random
import select
import socket
import struct
import sys
import threading
import time


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def log(*words):
    print("peer:", *words, file=sys.stderr, flush=True)


def serve(args):
    """Accept on every port; answer each request with a short response."""
    socks = []
    for port in args.ports:
        s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((args.host, port))
        if args.fastopen:
            # TCP Fast Open on this listener (RFC 7413), queue of 16
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 16)
        s.listen(16)
        socks.append(s)
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        ready, _, _ = select.select(socks, [], [], 0.2)
        for s in ready:
            conn, _ = s.accept()
            threading.Thread(target=answer, args=(conn, args.hold), daemon=True).start()


def answer(conn, hold):
    conn.settimeout(5)
    try:
        data = conn.recv(4096)
        if data:
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        if hold:
            time.sleep(hold)
    except OSError:
        pass
    finally:
        conn.close()


def connect_once(host, port, bind_port, timeout, send, linger0=False, hold=0.0):
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if bind_port:
        s.bind(("::" if ":" in host else "0.0.0.0", bind_port))
    if timeout:
        s.settimeout(timeout)
    started = time.time()
    try:
        s.connect((host, port))
    except OSError as e:
        name = errno.errorcode.get(e.errno, "timeout") if e.errno else "timeout"
        log(f"connect {host}:{port} failed after {time.time() - started:.2f}s: {name}")
        s.close()
        return False
    log(f"connect {host}:{port} ok after {time.time() - started:.2f}s")
    if hold:
        time.sleep(hold)
    if send:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        try:
            s.recv(4096)
        except OSError:
            pass
    if linger0:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    return True


def tfo(args):
    """TCP Fast Open clients, one after another: sendto(MSG_FASTOPEN) puts the
    request in the SYN once the kernel holds a cookie for the server (or,
    with net.ipv4.tcp_fastopen's 0x4, without one)."""
    request = b"GET / HTTP/1.0\r\n\r\n"[: args.bytes]
    for _ in range(args.count):
        s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
        started = time.time()
        try:
            s.sendto(request, socket.MSG_FASTOPEN, (args.host, args.port))
            s.settimeout(5)
            reply = s.recv(4096)
            log(f"tfo {args.host}:{args.port} ok after {time.time() - started:.2f}s: {len(reply)} bytes back")
        except OSError as e:
            log(f"tfo {args.host}:{args.port} failed: {errno.errorcode.get(e.errno, e)}")
        s.close()
        time.sleep(args.gap)


def connect(args):
    ok = connect_once(args.host, args.port, args.bind_port, args.timeout, args.send,
                      args.linger0, args.hold)
    sys.exit(0 if ok else 1)


def retry(args):
    """An application that gives up after --timeout and tries again from the
    same source port: each try is a new attempt with a new ISN."""
    for _ in range(args.tries):
        if connect_once(args.host, args.port, args.bind_port, args.timeout, args.send):
            return
        time.sleep(0.05)


def parallel(args):
    threads = [threading.Thread(target=connect_once, args=(args.host, p, 0, 0, True))
               for p in args.ports]
    for t in threads:
        t.start()
        time.sleep(0.02)
    for t in threads:
        t.join()


def simopen(args):
    """Both ends bind a fixed port and connect to each other (RFC 9293 §3.5)."""
    connect_once(args.host, args.port, args.bind_port, args.timeout, False, hold=0.5)


def udp(args):
    s = socket.socket(family_of(args.host), socket.SOCK_DGRAM)
    s.connect((args.host, args.port))
    s.send(b"ping")
    time.sleep(0.5)
    try:
        s.send(b"ping again")
        log("udp second send ok")
    except OSError as e:
        log("udp second send failed:", errno.errorcode.get(e.errno, str(e)))


def sink(args):
    """Accept one connection and read it slowly, so that the sender fills
    the receive window; with --reply, answer each request instead."""
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.rcvbuf:  # a fixed receive buffer also fixes a small window scale
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    s.bind((args.host, args.port))
    s.listen(1)
    conn, _ = s.accept()
    while True:
        data = conn.recv(args.chunk)
        if not data:
            break
        if args.reply:
            conn.sendall(b"+" + b"x" * (args.reply - 3) + b"\r\n")
        time.sleep(args.pause)
    conn.close()


def source(args):
    """Connect, wait, then send --bytes in --block writes, --gap apart."""
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    s.connect((args.host, args.port))
    time.sleep(args.idle)
    block = b"r" * args.block
    sent = 0
    while sent < args.bytes:
        s.sendall(block[: args.bytes - sent])
        sent += min(args.block, args.bytes - sent)
        if args.reply:
            s.recv(65536)
        time.sleep(args.gap)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close()


def give(args):
    """Accept one connection and send it --bytes as fast as it takes them."""
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.host, args.port))
    s.listen(1)
    conn, _ = s.accept()
    time.sleep(args.idle)
    conn.sendall(b"d" * args.bytes)
    conn.shutdown(socket.SHUT_WR)
    while conn.recv(65536):
        pass
    conn.close()


def fetch(args):
    """Connect with a fixed receive buffer (a fixed window scale) and read slowly."""
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    if args.rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    s.connect((args.host, args.port))
    while s.recv(args.chunk):
        time.sleep(args.pause)
    s.close()


# --- raw TCP segments: what no socket API sends ---------------------------
# A scanner's SYN (no socket behind it, so the kernel resets the SYN/ACK) and
# a server that answers a SYN with a bare SYN (a split handshake). The
# kernel adds the IPv4 header; the other end's kernel does the rest.

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_segment(src, dst, sport, dport, seq, ack, flags, window=64240):
    """A TCP header with an MSS option and a correct checksum (IPv4)."""
    options = struct.pack("!BBH", 2, 4, 1460)
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, window, 0, 0) + options
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(header))
    return header[:16] + struct.pack("!H", checksum(pseudo + header)) + header[18:]


def raw_socket():
    return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)


def receive_tcp(sock, wanted, timeout):
    """The next TCP segment for which wanted(source address, sport, dport,
    flags) holds: (source address, sport, seq, ack, flags), or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            break
        ihl = (data[0] & 0x0F) * 4
        sport, dport, seq, ack, _, flags = struct.unpack("!HHIIBB", data[ihl:ihl + 14])
        if wanted(addr[0], sport, dport, flags):
            return addr[0], sport, seq, ack, flags
    return None


SYN, RST, ACK = 0x02, 0x04, 0x10


def scan(args):
    """One SYN per port from a raw socket, as nmap -sS does: no socket of this
    host expects the SYN/ACK, so this host's kernel answers it with an RST."""
    sock = raw_socket()
    for port in args.ports:
        sport = random.randint(40000, 60000)
        sock.sendto(tcp_segment(args.src, args.host, sport, port, random.getrandbits(32), 0, SYN), (args.host, 0))
        log("scan: SYN to", port, "from", sport)
        time.sleep(args.gap)


def split_server(args):
    """Answers one SYN to port with a bare SYN of its own, then ACKs the
    client's SYN/ACK: the split handshake Linux accepts as a client. This
    host's kernel must not reset the SYN first (make_captures.sh drops its
    RSTs)."""
    sock = raw_socket()
    got = receive_tcp(sock, lambda src, sport, dport, flags: dport == args.port and flags & SYN and not flags & ACK,
                      args.seconds)
    if got is None:
        log("split: no SYN")
        return
    client, cport, client_isn, _, _ = got
    isn = random.getrandbits(32)
    sock.sendto(tcp_segment(args.host, client, args.port, cport, isn, 0, SYN), (client, 0))
    reply = receive_tcp(sock, lambda src, sport, dport, flags: (src, sport, dport) == (client, cport, args.port), 3)
    log("split: the client answered", reply)
    if reply and reply[4] & SYN and reply[4] & ACK:
        sock.sendto(tcp_segment(args.host, client, args.port, cport, isn + 1, (client_isn + 1) % 2**32, ACK),
                    (client, 0))


def backlog_server(args):
    """A listener whose accept queue is nearly always full: listen(backlog),
    and one accept() every --accept-every seconds. The kernel drops the SYNs
    that arrive while the queue is full (nstat: ListenOverflows, ListenDrops)."""
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.host, args.port))
    s.listen(args.backlog)
    deadline = time.time() + args.seconds
    time.sleep(args.first_accept)
    while time.time() < deadline:
        s.settimeout(max(0.1, deadline - time.time()))
        try:
            conn, _ = s.accept()
        except OSError:
            break
        threading.Thread(target=answer, args=(conn, 0), daemon=True).start()
        time.sleep(args.accept_every)


def clients(args):
    """--count clients connecting at once (--stagger apart), each with an
    optional application timeout (settimeout) and a request once connected."""
    threads = []
    for _ in range(args.count):
        t = threading.Thread(target=connect_once, args=(args.host, args.port, 0, args.timeout, True))
        threads.append(t)
        t.start()
        time.sleep(args.stagger)
    for t in threads:
        t.join()


def iptables(*rule):
    import subprocess
    subprocess.run(["iptables", *rule], check=True)


def stale_reconnect(args):
    """A client whose RST is lost: it connects, then (--close-wait: after
    sending its FIN, which leaves the server in CLOSE_WAIT) aborts with
    SO_LINGER 0 while an OUTPUT rule drops its RST, so the server still
    holds the connection. It then connects again from the same port: the
    server answers the SYN with a challenge ACK (RFC 5961 section 4)."""
    rst = ["OUTPUT", "-p", "tcp", "--dport", str(args.port), "--tcp-flags", "RST", "RST", "-j", "DROP"]
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", args.bind_port))
    s.connect((args.host, args.port))
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    time.sleep(0.3)
    if args.close_wait:
        s.shutdown(socket.SHUT_WR)
        time.sleep(0.3)
    iptables("-A", *rst)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    time.sleep(0.3)
    iptables("-D", *rst)
    time.sleep(args.pause)
    connect_once(args.host, args.port, args.bind_port, 0, True)


def defer_server(args):
    """A listener with TCP_DEFER_ACCEPT: the kernel keeps a connection whose
    final ACK carries no data in SYN_RECV, retransmitting its SYN/ACK,
    until data arrives (or the deferral runs out)."""
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, args.defer)
    s.bind((args.host, args.port))
    s.listen(16)
    s.settimeout(args.seconds)
    try:
        conn, _ = s.accept()
        answer(conn, 0)
    except OSError:
        pass


def late_sender(args):
    """Connects, then sends its request only after --wait seconds."""
    ok = connect_once(args.host, args.port, 0, 0, True, hold=args.wait)
    sys.exit(0 if ok else 1)


def give_up_then_retry(args):
    """An application that connects with the kernel's own limit and, when
    connect() fails, tries once more from a new port at once."""
    for _ in range(args.tries):
        if connect_once(args.host, args.port, 0, args.timeout, True):
            return


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("host")
    sv.add_argument("ports", type=int, nargs="+")
    sv.add_argument("--seconds", type=float, default=30)
    sv.add_argument("--hold", type=float, default=0)
    sv.add_argument("--fastopen", action="store_true")
    sv.set_defaults(fn=serve)
    tf = sub.add_parser("tfo")
    tf.add_argument("host")
    tf.add_argument("port", type=int)
    tf.add_argument("--count", type=int, default=2)
    tf.add_argument("--bytes", type=int, default=17)
    tf.add_argument("--gap", type=float, default=0.5)
    tf.set_defaults(fn=tfo)
    for name, fn in (("connect", connect), ("retry", retry), ("simopen", simopen)):
        c = sub.add_parser(name)
        c.add_argument("host")
        c.add_argument("port", type=int)
        c.add_argument("--bind-port", type=int, default=0)
        c.add_argument("--timeout", type=float, default=0)
        c.add_argument("--send", action="store_true")
        c.add_argument("--linger0", action="store_true")
        c.add_argument("--hold", type=float, default=0)
        c.add_argument("--tries", type=int, default=2)
        c.set_defaults(fn=fn)
    pa = sub.add_parser("parallel")
    pa.add_argument("host")
    pa.add_argument("ports", type=int, nargs="+")
    pa.set_defaults(fn=parallel)
    k = sub.add_parser("sink")
    k.add_argument("host")
    k.add_argument("port", type=int)
    k.add_argument("--chunk", type=int, default=65536)
    k.add_argument("--pause", type=float, default=0)
    k.add_argument("--reply", type=int, default=0)
    k.add_argument("--rcvbuf", type=int, default=0)
    k.set_defaults(fn=sink)
    o = sub.add_parser("source")
    o.add_argument("host")
    o.add_argument("port", type=int)
    o.add_argument("--bytes", type=int, required=True)
    o.add_argument("--block", type=int, default=65536)
    o.add_argument("--gap", type=float, default=0)
    o.add_argument("--idle", type=float, default=0.3)
    o.add_argument("--reply", type=int, default=0)
    o.set_defaults(fn=source)
    g = sub.add_parser("give")
    g.add_argument("host")
    g.add_argument("port", type=int)
    g.add_argument("--bytes", type=int, required=True)
    g.add_argument("--idle", type=float, default=0.3)
    g.set_defaults(fn=give)
    f = sub.add_parser("fetch")
    f.add_argument("host")
    f.add_argument("port", type=int)
    f.add_argument("--rcvbuf", type=int, default=0)
    f.add_argument("--chunk", type=int, default=4096)
    f.add_argument("--pause", type=float, default=0.01)
    f.set_defaults(fn=fetch)
    u = sub.add_parser("udp")
    u.add_argument("host")
    u.add_argument("port", type=int)
    u.set_defaults(fn=udp)
    sc = sub.add_parser("scan")
    sc.add_argument("src")
    sc.add_argument("host")
    sc.add_argument("ports", type=int, nargs="+")
    sc.add_argument("--gap", type=float, default=0.2)
    sc.set_defaults(fn=scan)
    sp = sub.add_parser("split-server")
    sp.add_argument("host")
    sp.add_argument("port", type=int)
    sp.add_argument("--seconds", type=float, default=10)
    sp.set_defaults(fn=split_server)
    bl = sub.add_parser("backlog-server")
    bl.add_argument("host")
    bl.add_argument("port", type=int)
    bl.add_argument("--backlog", type=int, default=1)
    bl.add_argument("--first-accept", type=float, default=0)
    bl.add_argument("--accept-every", type=float, default=4)
    bl.add_argument("--seconds", type=float, default=20)
    bl.set_defaults(fn=backlog_server)
    cl = sub.add_parser("clients")
    cl.add_argument("host")
    cl.add_argument("port", type=int)
    cl.add_argument("--count", type=int, default=6)
    cl.add_argument("--stagger", type=float, default=0.05)
    cl.add_argument("--timeout", type=float, default=0)
    cl.set_defaults(fn=clients)
    sr = sub.add_parser("stale-reconnect")
    sr.add_argument("host")
    sr.add_argument("port", type=int)
    sr.add_argument("--bind-port", type=int, default=40000)
    sr.add_argument("--close-wait", action="store_true")
    sr.add_argument("--pause", type=float, default=1)
    sr.set_defaults(fn=stale_reconnect)
    ds = sub.add_parser("defer-server")
    ds.add_argument("host")
    ds.add_argument("port", type=int)
    ds.add_argument("--defer", type=int, default=5)
    ds.add_argument("--seconds", type=float, default=20)
    ds.set_defaults(fn=defer_server)
    ls = sub.add_parser("late-sender")
    ls.add_argument("host")
    ls.add_argument("port", type=int)
    ls.add_argument("--wait", type=float, default=4)
    ls.set_defaults(fn=late_sender)
    gr = sub.add_parser("give-up-then-retry")
    gr.add_argument("host")
    gr.add_argument("port", type=int)
    gr.add_argument("--tries", type=int, default=2)
    gr.add_argument("--timeout", type=float, default=0)
    gr.set_defaults(fn=give_up_then_retry)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
