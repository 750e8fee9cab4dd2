"""synsight against Wireshark's own TCP and ICMP fields, and the window-scale
bound against the truth a full capture holds."""
import os
import subprocess
from collections import defaultdict

from outputs import synsight_output

TCP_FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
              "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags.syn",
              "tcp.flags.ack", "tcp.flags.reset", "tcp.flags.fin", "tcp.options.timestamp.tsval",
              "tcp.options.timestamp.tsecr", "tcp.len", "ip.id"]


def tcp_segments(ts, name, copies=None):
    """Wireshark's TCP segments of name, in file order, each packet once: a
    later copy of a SYN, SYN/ACK or RST (the same header, TSval, IPv4 ID and
    length, less than 100 ms away, or less than 1 s with a TSval or an IPv4
    ID: docs/syn-retries.md) is left out, and put in copies {frame: first
    copy's frame} when given."""
    # the last occurrence: the innermost header of a tunnelled packet
    out = ts.run("-r", ts.capture(name), "-Y", "tcp and not icmp and not icmpv6", "-T", "fields",
                 "-E", "occurrence=l", *sum((["-e", f] for f in TCP_FIELDS), []))
    segs = []
    for line in out.splitlines():
        v = dict(zip(TCP_FIELDS, line.split("\t")))
        if not v["tcp.srcport"] or not v["tcp.seq_raw"]:
            continue                    # a header cut off by the snap length
        segs.append({
            "frame": int(v["frame.number"]), "time": float(v["frame.time_epoch"]),
            "src": (v["ip.src"] or v["ipv6.src"], int(v["tcp.srcport"])),
            "dst": (v["ip.dst"] or v["ipv6.dst"], int(v["tcp.dstport"])),
            "seq": int(v["tcp.seq_raw"]), "ack": int(v["tcp.ack_raw"]),
            "syn": v["tcp.flags.syn"] in ("1", "True"), "ackf": v["tcp.flags.ack"] in ("1", "True"),
            "rst": v["tcp.flags.reset"] in ("1", "True"), "fin": v["tcp.flags.fin"] in ("1", "True"),
            "tsval": v["tcp.options.timestamp.tsval"], "tsecr": v["tcp.options.timestamp.tsecr"],
            "len": int(v["tcp.len"] or 0), "ipid": int(v["ip.id"], 0) if v["ip.id"] else 0,
        })
    kept, seen = [], defaultdict(list)
    for s in segs:
        if s["syn"] or s["rst"]:
            key = (s["src"], s["dst"], s["seq"], s["ack"], s["syn"], s["ackf"], s["rst"], s["fin"], s["tsval"],
                   s["len"], s["ipid"])
            strong = bool(s["tsval"]) or s["ipid"] != 0
            first = next((o for o in seen[key] if abs(s["time"] - o["time"]) < (1.0 if strong else 0.1)), None)
            if first is not None:
                if copies is not None:
                    copies[s["frame"]] = first["frame"]
                continue
            seen[key].append(s)
        kept.append(s)
    return kept


def syn_trains(segs):
    """{(client, server, isn): [SYN segments]} in capture order: the attempts
    as Wireshark's own fields show them (SYN+FIN/RST: probes, not attempts)."""
    trains = defaultdict(list)
    for s in segs:
        if s["syn"] and not s["ackf"] and not s["fin"] and not s["rst"]:
            trains[(s["src"], s["dst"], s["seq"])].append(s)
    for syns in trains.values():    # in time order, as the sender sent them (a file may not be)
        syns.sort(key=lambda s: s["time"])
    return trains


def syn_acked(syns, ack):
    """Whether ack acknowledges the attempt of syns: ISN + 1, or ISN + 1 + the
    data a SYN carried (TCP Fast Open)."""
    isn = syns[0]["seq"]
    return ack in {(isn + 1 + n) % 2**32 for n in {0, *(s["len"] for s in syns)}}


# What the client application really got when the capture was made
# (peer.py's log, see captures/MANIFEST.md): the refusal's errno must say so.
OBSERVED_ERRNO = {
    "icmp-port-unreachable": "ECONNREFUSED", "icmp-admin-prohibited": "EHOSTUNREACH",
    "icmp-host-unreachable": "EHOSTUNREACH", "icmp-net-unreachable": "ENETUNREACH",
    "icmpv6-port-unreachable": "ECONNREFUSED", "icmpv6-admin-prohibited": "EACCES",
    "tcp-reset": "ECONNREFUSED", "closed-port": "ECONNREFUSED", "syn-refused-icmp-midway": "ECONNREFUSED",
    "syn-refused-rst-midway": "ECONNREFUSED", "udp-closed-port": "ECONNREFUSED",
    "ftp-passive-rejected": "ECONNREFUSED", "rpc-dynamic-port-rejected": "EHOSTUNREACH",
}

ICMP_FIELDS = ["frame.number", "icmp.type", "icmpv6.type", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
               "ip.proto", "ipv6.nxt", "tcp.srcport", "tcp.dstport", "tcp.seq", "udp.srcport", "udp.dstport",
               "frame.time_epoch", "ip.id", "icmp.code", "icmpv6.code"]


def check_refusals(ts, name, got, segs):
    """Each ICMP destination unreachable quoting a SYN refuses the latest SYN
    with the quoted addresses, ports and sequence number (as Wireshark itself
    dissects the quote); the errno is what the real client saw."""
    out = ts.run("-r", ts.capture(name), "-Y", "icmp.type == 3 || icmpv6.type == 1", "-T", "fields",
                 "-E", "occurrence=a", *sum((["-e", f] for f in ICMP_FIELDS), []))
    checked = 0
    seen = defaultdict(list)    # an error's bytes -> [(time, frame)]: its copies refuse nothing again
    for line in out.splitlines():
        v = {k: val.split(",") for k, val in zip(ICMP_FIELDS, line.split("\t"))}
        key = tuple(tuple(v[k]) for k in ICMP_FIELDS if k not in ("frame.number", "frame.time_epoch"))
        at, frame = float(v["frame.time_epoch"][0]), int(v["frame.number"][0])
        strong = v["ip.id"][0] not in ("", "0x0000", "0")
        original = next((f for t, f in seen[key] if abs(at - t) < (1.0 if strong else 0.1)), None)
        if original is not None:
            fields = dict(got.get(frame, []))
            assert fields.get("synsight.copy_of") == str(original), (name, frame, "a copy of", original, fields)
            assert "synsight.refusal" not in fields, (name, frame, "a copy refuses again", fields)
            checked += 1
            continue
        seen[key].append((at, frame))

        def quoted(*keys):              # the quote is the second IP header; its transport the first after it
            for k in keys:
                if len(v[k]) > 1 and v[k][1]:
                    return v[k][1]
            return ""
        frame = int(v["frame.number"][0])
        fields = dict(got.get(frame, []))
        quoted_src, quoted_dst = quoted("ip.src", "ipv6.src"), quoted("ip.dst", "ipv6.dst")
        quoted_proto = quoted("ip.proto", "ipv6.nxt")
        prefix = "icmpv6-" if v["icmpv6.type"][0] else "icmp-"
        if quoted_proto not in ("6", "17") or not quoted_src:
            assert "synsight.refusal" not in fields, (name, frame, "refusal for a quote of neither TCP nor UDP")
            checked += 1
            continue
        v = {k: val[0] for k, val in v.items()}
        if quoted_proto == "6":
            if not v["tcp.seq"]:
                # fewer than 8 TCP bytes quoted (a snaplen cut them): a refusal,
                # if any, is unverified and of the latest SYN on the ports
                if "synsight.refusal" in fields:
                    syns = [s for s in segs if s["syn"] and not s["ackf"] and s["frame"] < frame
                            and s["src"] == (quoted_src, int(v["tcp.srcport"] or -1))
                            and s["dst"] == (quoted_dst, int(v["tcp.dstport"] or -1))]
                    assert "synsight.refusal.unverified" in fields and syns, (name, frame, fields)
                    assert fields.get("synsight.refusal.refuses") == str(syns[-1]["frame"]), (name, frame, fields)
                    checked += 1
                continue
            # inside an ICMP quote Wireshark shows the absolute sequence number
            syns = [s for s in segs if s["syn"] and not s["ackf"] and s["frame"] < frame
                    and s["src"] == (quoted_src, int(v["tcp.srcport"]))
                    and s["dst"] == (quoted_dst, int(v["tcp.dstport"])) and s["seq"] == int(v["tcp.seq"])]
            assert syns, (name, frame, "no SYN for the quote")
            assert fields.get("synsight.refusal.refuses") == str(syns[-1]["frame"]), (name, frame, fields)
            assert fields.get("synsight.refusal.proto") == "tcp", (name, frame, fields)
        else:
            assert fields.get("synsight.refusal.proto") == "udp", (name, frame, fields)
        assert fields.get("synsight.refusal", "").startswith(prefix), (name, frame, fields)
        checked += 1
    if name in OBSERVED_ERRNO:
        ends = [dict(f) for f in got.values() if dict(f).get("synsight.refusal")
                and (dict(f).get("synsight.outcome") or dict(f).get("synsight.refusal.proto") == "udp")]
        assert len(ends) == 1, (name, "one frame must end the attempt", ends)
        assert ends[0]["synsight.refusal.errno"] == OBSERVED_ERRNO[name], (name, ends[0])
        checked += 1
    return checked


def first_answer(segs, syns, client, server):
    """The first segment after the attempt's first SYN in the file that
    answers or refuses it, from Wireshark's fields: the server's SYN/ACK or
    RST that acknowledges the SYN (syn_acked), a server segment
    acknowledging it, or a client segment (ACK, data, FIN or RST) with that
    seq. An RST the client ignored (the same SYN sent again after it, as
    Windows retries a refused connect) did not end the attempt."""
    opened = min(s["frame"] for s in syns)
    for s in segs:
        if s["frame"] <= opened:
            continue
        if s["src"] == server and s["dst"] == client and syn_acked(syns, s["ack"]) and \
                (s["syn"] and s["ackf"] or s["rst"] and s["ackf"] or s["ackf"] and not s["syn"]):
            if s["rst"] and any(x["frame"] > s["frame"] for x in syns):
                continue
            return s
        if s["src"] == client and s["dst"] == server and syn_acked(syns, s["seq"]) and not s["syn"] and \
                (s["ackf"] or s["rst"]):
            return s
    return None


ANNOUNCING = {   # announced_by -> (port field, address fields); no address: the sender's own
    "ftp-pasv": ("ftp.passive.port", ["ftp.passive.ip"]),
    "ftp-epsv": ("ftp.epsv.port", ["ftp.epsv.ip", "ftp.epsv.ipv6"]),
    "ftp-port": ("ftp.active.port", ["ftp.active.cip"]),
    "ftp-eprt": ("ftp.eprt.port", ["ftp.eprt.ip", "ftp.eprt.ipv6"]),
    "dcerpc-epm": ("epm.proto.tcp_port", []),  # this project's mappers announce their own address (or 0.0.0.0)
}


def announcements(ts, name):
    """[(frame, (addr, port), announced_by)] from Wireshark's FTP and DCE/RPC
    fields: an endpoint mapper's responses (dcerpc.pkt_type 2) only."""
    fields = ["frame.number", "ip.src", "ipv6.src", "dcerpc.pkt_type"] + \
        sorted({f for port, addrs in ANNOUNCING.values() for f in [port, *addrs]})
    out = ts.run("-r", ts.capture(name), "-Y", " || ".join(port for port, _ in ANNOUNCING.values()), "-T", "fields",
                 "-E", "occurrence=a", "-E", "aggregator=,", *sum((["-e", f] for f in fields), []))
    found = []
    for line in out.splitlines():
        v = dict(zip(fields, line.split("\t")))
        sender = (v["ip.src"] or v["ipv6.src"]).split(",")[0]
        for by, (port_field, addr_fields) in ANNOUNCING.items():
            if not v[port_field] or (by == "dcerpc-epm" and set(v["dcerpc.pkt_type"].split(",")) != {"2"}):
                continue
            addr = next((v[f] for f in addr_fields if v[f]), "")
            for port in v[port_field].split(","):
                if int(port) == 0:
                    continue
                for a in {addr or sender, sender} if addr not in ("", "0.0.0.0", "::") else {sender}:
                    found.append((int(v["frame.number"]), (a, int(port)), by))
    return found


def check_announced(ts, name, got, trains, answers):
    """Every notable attempt to an endpoint handed out before its first SYN
    names the latest such message on its SYNs and outcome frame; no other
    frame names one."""
    ann = announcements(ts, name)
    checked = 0
    expected_of = {}    # first SYN frame -> (announced_in, announced_by)
    for (client, server, isn), syns in trains.items():
        before = [a for a in ann if a[1] == server and a[0] < syns[0]["frame"]]
        expect = (str(before[-1][0]), before[-1][2]) if before else (None, None)
        expected_of[str(syns[0]["frame"])] = expect
        answer, notable = answers[(client, server, isn)]
        frames = [s["frame"] for s in syns] + ([answer["frame"]] if answer is not None else [])
        for frame in frames:
            fields = dict(got.get(frame, []))
            gotten = (fields.get("synsight.announced_in"), fields.get("synsight.announced_by"))
            assert gotten == (expect if notable else (None, None)), (name, frame, expect, gotten)
            checked += notable and before != []
    for frame, fields in got.items():   # a refusal of an attempt names what its attempt names
        fields = dict(fields)
        if fields.get("synsight.refusal.proto") == "tcp" and "synsight.attempt" in fields:
            gotten = (fields.get("synsight.announced_in"), fields.get("synsight.announced_by"))
            assert gotten == expected_of[fields["synsight.attempt"]], (name, frame, gotten)
            checked += gotten != (None, None)
    flagged = {f for f, fields in got.items() if "synsight.announced_in" in dict(fields)}
    allowed = {s["frame"] for syns in trains.values() for s in syns} | \
        {a["frame"] for a, _ in answers.values() if a is not None} | \
        {f for f, fields in got.items() if "synsight.refusal" in dict(fields)}
    assert flagged <= allowed, (name, "announced_in on a frame of no attempt", sorted(flagged - allowed))
    return checked


def check_oracle(ts, name):
    """Recompute every SYN-train number from Wireshark's raw TCP fields and
    compare with synsight's final output."""
    got = synsight_output(ts, name, "final")
    copies = {}
    segs = tcp_segments(ts, name, copies)
    trains = syn_trains(segs)
    checked = 0
    # every later copy of a handshake segment names its first copy
    for frame, original in copies.items():
        fields = dict(got.get(frame, []))
        assert fields.get("synsight.copy_of") == str(original), (name, frame, "a copy of", original, fields)
        checked += 1
    answers = {}
    for (client, server, isn), syns in trains.items():
        first = syns[0]
        answer = first_answer(segs, syns, client, server)
        crossed = any(s["syn"] and not s["ackf"] and s["src"] == server and s["dst"] == client
                      and first["frame"] < s["frame"] < (answer or {"frame": 1 << 62})["frame"] for s in segs)
        data_ignored = answer is not None and answer["syn"] and syns[-1]["len"] > 0 and \
            answer["ack"] == (isn + 1) % 2**32
        notable = len(syns) > 1 or answer is None or not (answer["syn"] and answer["ackf"]) or data_ignored
        answers[(client, server, isn)] = (answer, notable)
        for i, s in enumerate(syns):
            fields = dict(got.get(s["frame"], []))
            if not notable:
                assert "synsight.attempt" not in fields, (name, s["frame"], "ordinary handshake flagged")
                continue
            assert fields.get("synsight.attempt") == str(first["frame"]), (name, s["frame"], fields)
            assert fields.get("synsight.syn.count") == str(len(syns)), (name, s["frame"], fields)
            if i:
                assert fields.get("synsight.syn.retry") == str(i), (name, s["frame"], fields)
                gap = float(fields["synsight.syn.gap"])
                assert abs(gap - (s["time"] - syns[i - 1]["time"])) < 2e-6, (name, s["frame"], gap)
            else:
                assert "synsight.syn.retry" not in fields, (name, s["frame"], fields)
            if answer is not None:
                assert fields.get("synsight.outcome_in") == str(answer["frame"]), (name, s["frame"], fields)
            checked += 1
        if answer is not None and notable:
            fields = dict(got.get(answer["frame"], []))
            assert fields.get("synsight.attempt") == str(first["frame"]), (name, answer["frame"], fields)
            refused = answer["rst"] and answer["src"] == server
            expect = "refused-rst" if refused else "answered"
            assert fields.get("synsight.outcome") == expect, (name, answer["frame"], fields)
            # a proof other than the SYN/ACK: inferred, or through a crossing SYN
            inferred = not refused and not (answer["syn"] and answer["ackf"])
            assert ("synsight.answer_not_captured" in fields) == (inferred and not crossed), (name, answer["frame"], fields)
            assert ("synsight.answered_through_crossing" in fields) == (inferred and crossed), (name, answer["frame"], fields)
            if answer["syn"] and answer["tsecr"]:
                echoed = next(s for s in syns if s["tsval"] == answer["tsecr"])
                assert fields.get("synsight.answers") == str(echoed["frame"]), (name, answer["frame"], fields)
            checked += 1
    # SYN/ACK retransmissions: same server ISN on the same 4-tuple
    synacks = defaultdict(list)
    for s in segs:
        if s["syn"] and s["ackf"]:
            synacks[(s["src"], s["dst"], s["seq"])].append(s)
    for train in synacks.values():
        for i, s in enumerate(train):
            fields = dict(got.get(s["frame"], []))
            if i:
                assert fields.get("synsight.synack.retry") == str(i), (name, s["frame"], fields)
                checked += 1
            else:
                assert "synsight.synack.retry" not in fields, (name, s["frame"], fields)
    checked += check_refusals(ts, name, got, segs)
    checked += check_announced(ts, name, got, trains, answers)
    print(f"{name}: {checked} frames agree with Wireshark's own dissection and the client's errno")


def check_window_soundness(ts, name):
    """NAME is NAME-full with the handshake cut off (captures/make_captures.sh).
    On every segment of NAME, 2^min_shift must not exceed the true scale
    factor that Wireshark reads from NAME-full's handshake; NAME-full itself
    must get no window flags. Prints how close the bound gets."""
    full_fields = ["frame.number", "tcp.srcport", "tcp.window_size_scalefactor", "synsight.window.scale_unknown",
                   "synsight.window.min_shift", "tcp.flags.syn"]
    out = ts.run("-2", "-r", ts.capture(name + "-full"), "-Y", "tcp", "-T", "fields",
                 *sum((["-e", f] for f in full_fields), []))
    truth, offset = {}, 0
    for line in out.splitlines():
        v = dict(zip(full_fields, line.split("\t")))
        assert not v["synsight.window.scale_unknown"] and not v["synsight.window.min_shift"], \
            (name + "-full", v["frame.number"], "window flag on a connection with its handshake")
        if v["tcp.flags.syn"] in ("1", "True"):
            offset = int(v["frame.number"])
        else:
            truth[int(v["frame.number"])] = (v["tcp.srcport"], int(v["tcp.window_size_scalefactor"]))
    cut_fields = ["frame.number", "tcp.srcport", "synsight.window.scale_unknown", "synsight.window.min_shift"]
    out = ts.run("-2", "-r", ts.capture(name), "-Y", "tcp", "-T", "fields", *sum((["-e", f] for f in cut_fields), []))
    best = {}
    segments = 0
    for line in out.splitlines():
        v = dict(zip(cut_fields, line.split("\t")))
        frame = int(v["frame.number"])
        port, factor = truth[frame + offset]
        assert port == v["tcp.srcport"], (name, frame, "frame mapping")
        assert v["synsight.window.scale_unknown"], (name, frame, "segment without scale_unknown")
        shift = int(v["synsight.window.min_shift"] or 0)
        assert 2 ** shift <= factor, (name, frame, f"min_shift {shift} exceeds the true shift of {factor}")
        true_shift = factor.bit_length() - 1
        if shift > best.get(port, (0, 0, 0))[0]:
            best[port] = (shift, true_shift, frame)
        best.setdefault(port, (0, true_shift, 0))
        segments += 1
    for port, (shift, true_shift, frame) in sorted(best.items()):
        print(f"{name}: sender port {port}: true shift {true_shift}, bound {shift}"
              + (f" (from frame {frame})" if frame else ""))
    print(f"{name}: min_shift sound on all {segments} segments")


# --- captures derived by removing a direction or the SYN/ACKs -------------

def attempt_verdicts(ts, capture):
    """{(client, server, isn): (outcome, expert names)} from the first SYN of
    every attempt in capture, on the final view."""
    got = synsight_output(ts, capture, "final")
    verdicts = {}
    for (client, server, isn), syns in syn_trains(tcp_segments(ts, capture)).items():
        fields = got.get(syns[0]["frame"], [])
        outcome = dict(fields).get("synsight.outcome", "answered")     # no subtree: an ordinary handshake
        verdicts[(client, server, isn)] = (outcome, {k for k, _ in fields if k.startswith("expert.")})
    return verdicts


def check_derived(ts, name):
    """What a user gets by cutting NAME down as captures often are: one
    direction only (either), or without its SYN/ACKs. An attempt that NAME
    shows answered stays answered (the evidence rules), and one that NAME
    shows refused or unanswered is never called answered."""
    full = attempt_verdicts(ts, name)
    clients = sorted({client[0] for client, _, _ in full})
    if not clients:
        print(f"{name}: no attempts to derive from")
        return
    # by the outer header's source, as a capture filter sees it (a display
    # filter on ip.src also matches the header an ICMP error quotes)
    sides = ts.run("-r", ts.capture(name), "-T", "fields", "-E", "occurrence=f", "-e", "frame.number", "-e", "ip.src",
                   "-e", "ipv6.src")
    from_client = [f for f, *src in (line.split("\t") for line in sides.splitlines()) if set(src) & set(clients)]
    # one comparison per frame: 3.4 has no comma-separated sets
    client_side = " || ".join(f"frame.number == {f}" for f in from_client)
    variants = {"client side only": client_side, "server side only": f"!({client_side})",
                "without SYN/ACKs": "!(tcp.flags.syn == 1 && tcp.flags.ack == 1)"}
    work = os.path.join(ts.dir, "derived")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o777)
    checked = 0
    for label, dfilter in variants.items():
        path = os.path.join(work, f"{name}.{label.replace(' ', '-').replace('/', '')}.pcapng")
        ts.run("-r", ts.capture(name), "-Y", dfilter, "-w", path)
        for key, (outcome, experts) in attempt_verdicts(ts, path).items():
            was = full[key][0]
            if was == "answered":
                assert outcome == "answered", (name, label, key, "answered in the full capture", outcome)
                assert not {"expert.unanswered", "expert.unanswered_unproven"} & experts, (name, label, key, experts)
            else:
                assert outcome != "answered", (name, label, key, f"{was} in the full capture", outcome)
            checked += 1
    checked += check_duplicated(ts, name, work, full)
    print(f"{name}: {checked} attempts in 4 derived captures: no false unanswered, no false answer, "
          "copies counted once")


def check_duplicated(ts, name, work, full):
    """NAME with every frame written twice, 7 µs apart (as `-i any` on a
    bridged host holds it): every attempt gets NAME's own verdict, SYN count
    and expert items, and every SYN's second copy is marked a copy."""
    path = os.path.join(work, f"{name}.duplicated.pcapng")
    shifted = os.path.join(work, f"{name}.shifted.pcapng")
    # editcap and mergecap load no plugin: without the sanitizer preload
    for cmd in (["editcap", "-t", "0.000007", ts.capture(name), shifted], ["mergecap", "-w", path, ts.capture(name), shifted]):
        subprocess.run(["env", "-u", "LD_PRELOAD", *cmd], check=True, capture_output=True, timeout=120)
    os.chmod(path, 0o644)
    counts = {}
    for capture in (name, path):
        got = synsight_output(ts, capture, "final")
        counts[capture] = {key: dict(got.get(syns[0]["frame"], [])).get("synsight.syn.count")
                           for key, syns in syn_trains(tcp_segments(ts, capture)).items()}
    doubled = attempt_verdicts(ts, path)
    assert doubled.keys() == full.keys(), (name, "duplicated: other attempts", sorted(doubled), sorted(full))
    for key, (outcome, experts) in doubled.items():
        assert (outcome, experts) == full[key], (name, "duplicated", key, (outcome, experts), full[key])
        assert counts[path][key] == counts[name][key], (name, "duplicated: SYN count", key, counts[path][key])
    # each copy names an earlier frame; at least every SYN's copy is one
    copies = {f: dict(fields)["synsight.copy_of"] for f, fields in synsight_output(ts, path, "final").items()
              if "synsight.copy_of" in dict(fields)}
    assert all(int(of) < f for f, of in copies.items()), (name, "duplicated: copies", copies)
    syn_frames = sum(len(syns) for syns in syn_trains(tcp_segments(ts, name)).values())
    assert len(copies) >= syn_frames, (name, "duplicated: a SYN's copy not marked", len(copies), syn_frames)
    return len(doubled)
