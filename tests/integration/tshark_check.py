#!/usr/bin/env python3
"""Integration tests: the built plugin inside a real tshark, on real captures.

    tshark_check.py loads                      # the plugin is loaded and registers its fields
    tshark_check.py golden NAME MODE           # synsight output == tests/expected/NAME.MODE.txt
    tshark_check.py oracle NAME                # synsight agrees with Wireshark's own TCP fields
    tshark_check.py expert NAME                # tshark -2 -z expert shows the same sentences as the tree
    tshark_check.py window NAME                # min_shift never exceeds the truth in NAME-full
    tshark_check.py table NAME                 # -z synsight,attempts == tests/expected/NAME.attempts.txt,
                                               # and agrees with Wireshark's own TCP fields
    tshark_check.py table-options              # the table's filter argument, bad filters, the GUI tables
    tshark_check.py annotate                   # synsight-annotate: comments, idempotence, refusals
    tshark_check.py coloring                   # docs/synsight.colorfilters: each rule's filter marks the right frames
    tshark_check.py info NAME                  # the Info column's tags == tests/expected/NAME.info.txt
    tshark_check.py update NAME...             # rewrite expected files (then check them by hand!)

MODE is "single" (one pass, as live capture) or "final" (tshark -2, as the GUI).

Wireshark ignores personal plugins when run as root, so when this runs as root
tshark runs as nobody (65534) with a private plugin folder readable by it.
Every check first proves the plugin is loaded: none can pass without it.
"""
import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CAPTURES = os.path.join(ROOT, "captures")
EXPECTED = os.path.join(ROOT, "tests", "expected")
SPEC = os.path.join(ROOT, "..", "shared", "spec", "fields.md")

# Fields this build must register (the sections of fields.md implemented so far).
REQUIRED_FIELDS = """
synsight.attempt synsight.syn.retry synsight.syn.gap synsight.syn.elapsed synsight.syn.backoff
synsight.syn.count synsight.syn.schedule synsight.syn.initial_rto synsight.outcome synsight.outcome_in
synsight.answers synsight.synack.retry synsight.synack.gap synsight.simultaneous_open
synsight.expert.syn_retry synsight.expert.unanswered synsight.expert.answered_late
synsight.expert.synack_retry synsight.expert.simultaneous_open
synsight.refusal synsight.refusal.errno synsight.refusal.refuses synsight.refusal.proto
synsight.expert.refused_rst synsight.expert.refused_icmp synsight.expert.udp_unreachable
synsight.window.scale_unknown synsight.window.raw synsight.window.min_shift synsight.window.min_size
synsight.window.overrun synsight.window.in_flight synsight.window.one_sided
synsight.expert.scale_unknown synsight.expert.window_misread
""".split()


LSAN_EXIT = 23  # LeakSanitizer's exit status


def sanitizer_problem(stderr):
    """A sanitizer report that concerns synsight: any memory error or
    undefined behaviour, and leaks whose stacks pass through synsight."""
    for marker in ("ERROR: AddressSanitizer", "runtime error:"):
        if marker in stderr:
            return stderr[stderr.index(marker):][:3000]
    if "ERROR: LeakSanitizer" in stderr:
        report = stderr[stderr.index("ERROR: LeakSanitizer"):]
        if "synsight" in report:
            return report[:3000]
    return None


class Tshark:
    """A tshark that loads the plugin under test, run unprivileged if we are root."""

    def __init__(self, plugin, ws_version, preload=None):
        self.dir = tempfile.mkdtemp(prefix="synsight-test-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        epan = os.path.join(self.dir, ws_version, "epan")
        os.makedirs(epan)
        shutil.copy(plugin, os.path.join(epan, "synsight.so"))
        for d, _, files in os.walk(self.dir):
            os.chmod(d, 0o755)
            for f in files:
                os.chmod(os.path.join(d, f), 0o644)
        # No extcap helpers: reading files needs none, and a sanitizer
        # preload would be inherited by (and hang) each one tshark spawns.
        extcap = os.path.join(self.dir, "extcap")
        os.makedirs(extcap)
        self.env = {"HOME": self.dir, "WIRESHARK_PLUGIN_DIR": self.dir, "WIRESHARK_EXTCAP_DIR": extcap,
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        if preload:
            self.env["LD_PRELOAD"] = preload
            # leaks are checked at exit; only those through synsight fail a test
            self.env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
            self.env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        self.prefix = []
        if os.geteuid() == 0:
            self.prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    def capture(self, name):
        """Copy a capture where the unprivileged tshark can read it."""
        ext = ".pcapng" if os.path.exists(os.path.join(CAPTURES, name + ".pcapng")) else ".pcap"
        dst = os.path.join(self.dir, name + ext)
        if not os.path.exists(dst):
            shutil.copy(os.path.join(CAPTURES, name + ext), dst)
            os.chmod(dst, 0o644)
        return dst

    def run(self, *args):
        cmd = self.prefix + ["env", "-i"] + [f"{k}={v}" for k, v in self.env.items()] + ["tshark", *args]
        p = subprocess.run(cmd, capture_output=True, text=True)
        problem = sanitizer_problem(p.stderr)
        foreign_leak = p.returncode == LSAN_EXIT and "LeakSanitizer" in p.stderr
        if problem or (p.returncode != 0 and not foreign_leak):
            raise SystemExit(f"tshark {' '.join(args)} failed ({p.returncode}):\n{problem or p.stderr}")
        return p.stdout

    def command(self, argv, **env):
        """argv as the unprivileged test user, with the plugin's environment."""
        full = dict(self.env, **env)
        return self.prefix + ["env", "-i"] + [f"{k}={v}" for k, v in full.items()] + list(argv)

    def run_unchecked(self, *args, timeout=300):
        """Runs tshark on input that may be damaged: a non-zero exit is fine
        (tshark reports a cut-short file that way); a signal, a sanitizer
        report or a hang is not. Returns the problem, or None."""
        cmd = self.prefix + ["env", "-i"] + [f"{k}={v}" for k, v in self.env.items()] + ["tshark", *args]
        try:
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "hang"
        problem = sanitizer_problem(p.stderr)
        if problem:
            return problem
        if p.returncode < 0 or p.returncode >= 128:
            return f"killed by signal ({p.returncode}): {p.stderr[-2000:]}"
        return None

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def prove_loaded(ts):
    plugins = [line for line in ts.run("-G", "plugins").splitlines() if "synsight" in line]
    if len(plugins) != 1 or ts.dir not in plugins[0]:
        raise SystemExit(f"tshark does not load the synsight.so under test from {ts.dir}:\n" + "\n".join(plugins))
    fields = {line.split("\t")[2] for line in ts.run("-G", "fields").splitlines()
              if line.startswith(("F\t", "P\t")) and line.count("\t") >= 2}
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        raise SystemExit("fields not registered: " + " ".join(missing))
    return fields


def pairs_hook(pairs):
    return pairs  # keep duplicate keys and order


def walk(node, out):
    """Collect (field, value) from a synsight JSON subtree, in tree order."""
    for key, value in node:
        if key == "_ws.expert":
            name = next(k for k, _ in value if k.startswith("synsight.expert."))
            msg = next(v for k, v in value if k == "_ws.expert.message")
            out.append((name[len("synsight."):], msg))
        elif key.endswith("_tree"):
            walk(value, out)
        elif key.startswith("synsight.") and isinstance(value, list):
            out.append((key, ""))           # a presence field (FT_NONE) with children
            walk(value, out)
        elif key.startswith("synsight."):
            if key == "synsight.syn.backoff":
                value = f"{float(value):.4f}"
            out.append((key, value))


def synsight_output(ts, name, mode):
    """{frame: [(field, value), ...]} for every frame with a synsight subtree."""
    args = ["-r", ts.capture(name), "-T", "json", "-J", "synsight"]
    if mode == "final":
        args.insert(0, "-2")
    packets = json.loads(ts.run(*args), object_pairs_hook=pairs_hook)
    result = {}
    for index, packet in enumerate(packets, start=1):  # no display filter: index = frame number
        layers = dict(dict(packet)["_source"])["layers"]
        synsight = [v for k, v in layers if k == "synsight"]
        if synsight:
            out = []
            walk(synsight[0], out)
            result[index] = out
    return result


def render(result):
    lines = ["# frame\tfield\tvalue"]
    for frame in sorted(result):
        for field, value in result[frame]:
            lines.append(f"{frame}\t{field}\t{value}")
    return "\n".join(lines) + "\n"


def expected_path(name, mode):
    return os.path.join(EXPECTED, f"{name}.{mode}.txt")


# Wireshark cuts expert messages at 240 bytes (ITEM_LABEL_LENGTH).
LABEL_MAX = 239


def check_golden(ts, name, mode):
    result = synsight_output(ts, name, mode)
    for frame, fields in result.items():
        for field, value in fields:
            if field.startswith("expert."):
                assert len(value.encode()) < LABEL_MAX, (name, frame, "sentence cut off by Wireshark", value)
    got = render(result)
    with open(expected_path(name, mode)) as f:
        want = f.read()
    if got != want:
        sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                   f"expected/{name}.{mode}.txt", "tshark"))
        raise SystemExit(f"{name} ({mode}): synsight output differs from the expected file")
    print(f"{name} ({mode}): {sum(len(v) for v in load_frames(want).values())} values match")


def load_frames(text):
    frames = defaultdict(list)
    for line in text.splitlines():
        if line and not line.startswith("#"):
            frame, field, value = line.split("\t", 2)
            frames[int(frame)].append((field, value))
    return frames


def check_expert_tap(ts, name):
    """tshark -2 -q -z expert runs its second pass without a tree: the
    sentences must still reach the expert tap, the same as in the tree."""
    out = ts.run("-2", "-r", ts.capture(name), "-q", "-z", "expert")
    got = []
    for line in out.splitlines():
        if " SYNSIGHT " in line:           # "   Frequency   Group   SYNSIGHT  Summary"
            got += [line.split("SYNSIGHT", 1)[1].strip()] * int(line.split()[0])
    got.sort()
    with open(expected_path(name, "final")) as f:
        want = sorted(v for fields in load_frames(f.read()).values() for k, v in fields if k.startswith("expert."))
    if got != want:
        raise SystemExit(f"{name}: expert tap differs from the tree\n  tap:  {got}\n  tree: {want}")
    print(f"{name}: {len(got)} expert sentences reach the expert tap")


# --- oracle: what Wireshark's own TCP fields say --------------------------

TCP_FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
              "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags.syn",
              "tcp.flags.ack", "tcp.flags.reset", "tcp.flags.fin", "tcp.options.timestamp.tsval",
              "tcp.options.timestamp.tsecr"]


def tcp_segments(ts, name):
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
        })
    return segs


# What the client application really got when the capture was made
# (peer.py's log, see captures/MANIFEST.md): the refusal's errno must say so.
OBSERVED_ERRNO = {
    "icmp-port-unreachable": "ECONNREFUSED", "icmp-admin-prohibited": "EHOSTUNREACH",
    "icmp-host-unreachable": "EHOSTUNREACH", "icmp-net-unreachable": "ENETUNREACH",
    "icmpv6-port-unreachable": "ECONNREFUSED", "icmpv6-admin-prohibited": "EACCES",
    "tcp-reset": "ECONNREFUSED", "closed-port": "ECONNREFUSED", "syn-refused-icmp-midway": "ECONNREFUSED",
    "syn-refused-rst-midway": "ECONNREFUSED", "udp-closed-port": "ECONNREFUSED",
}

ICMP_FIELDS = ["frame.number", "icmp.type", "icmpv6.type", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
               "ip.proto", "ipv6.nxt", "tcp.srcport", "tcp.dstport", "tcp.seq", "udp.srcport", "udp.dstport"]


def check_refusals(ts, name, got, segs):
    """Each ICMP destination unreachable quoting a SYN refuses the latest SYN
    with the quoted addresses, ports and sequence number (as Wireshark itself
    dissects the quote); the errno is what the real client saw."""
    out = ts.run("-r", ts.capture(name), "-Y", "icmp.type == 3 || icmpv6.type == 1", "-T", "fields",
                 "-E", "occurrence=a", *sum((["-e", f] for f in ICMP_FIELDS), []))
    checked = 0
    for line in out.splitlines():
        v = {k: val.split(",") for k, val in zip(ICMP_FIELDS, line.split("\t"))}

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
                continue                # fewer than 8 TCP bytes quoted: no refusal can be proven
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


def check_oracle(ts, name):
    """Recompute every SYN-train number from Wireshark's raw TCP fields and
    compare with synsight's final output."""
    got = synsight_output(ts, name, "final")
    segs = tcp_segments(ts, name)
    trains = defaultdict(list)       # (client, server, isn) -> SYN segments
    for s in segs:
        if s["syn"] and not s["ackf"] and not s["fin"] and not s["rst"]:   # SYN+FIN/RST: probes, not attempts
            trains[(s["src"], s["dst"], s["seq"])].append(s)
    checked = 0
    for (client, server, isn), syns in trains.items():
        first = syns[0]
        answer = next((s for s in segs if s["frame"] > first["frame"] and s["src"] == server
                       and s["dst"] == client and s["ack"] == (isn + 1) % 2**32
                       and (s["syn"] and s["ackf"] or s["rst"])), None)
        notable = len(syns) > 1 or answer is None or not answer["syn"]
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
            expect = "answered" if answer["syn"] else "refused-rst"
            assert fields.get("synsight.outcome") == expect, (name, answer["frame"], fields)
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


# --- the Info column's tags ------------------------------------------------

TAG = re.compile(r"\[[^\[\]]+\]")


def info_columns(ts, name, mode, *extra):
    """{frame: Info} from tshark's one-line output (the field's name,
    _ws.col.Info or _ws.col.info, differs between versions)."""
    args = ["-r", ts.capture(name), "-o", 'gui.column.format:"No.","%m","Info","%i"', *extra]
    if mode == "final":
        args.insert(0, "-2")
    return dict(re.fullmatch(r"\s*(\d+) (.*)", line).groups() for line in ts.run(*args).splitlines())


def info_tags(ts, name):
    """{frame: (single-pass tag, final tag)} for frames with a tag. The tag is
    what synsight appends to the Info column: the column with the preference
    off, a space, and one bracketed tag, on exactly the frames that have a
    synsight subtree."""
    tags = defaultdict(lambda: ["", ""])
    for i, mode in enumerate(("single", "final")):
        on = info_columns(ts, name, mode)
        off = info_columns(ts, name, mode, "-o", "synsight.info_column:FALSE")
        flagged = set(synsight_output(ts, name, mode))
        assert on.keys() == off.keys(), (name, mode, "frames differ")
        for frame, text in on.items():
            base = off[frame]
            if int(frame) not in flagged:
                assert text == base, (name, mode, frame, "a tag on a frame without findings", text)
                continue
            assert text.startswith(base + " "), (name, mode, frame, text, base)
            tag = text[len(base) + 1:]
            assert TAG.fullmatch(tag), (name, mode, frame, "not one bracketed tag", tag)
            tags[int(frame)][i] = tag
    return {f: tuple(t) for f, t in tags.items()}


def render_info(tags):
    return "# frame\tsingle pass\tfinal (-2)\n" + "".join(f"{f}\t{s}\t{t}\n" for f, (s, t) in sorted(tags.items()))


def check_info(ts, name):
    got = render_info(info_tags(ts, name))
    with open(os.path.join(EXPECTED, f"{name}.info.txt")) as f:
        want = f.read()
    if got != want:
        sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                   f"expected/{name}.info.txt", "tshark"))
        raise SystemExit(f"{name}: the Info column's tags differ from the expected file")
    print(f"{name}: {want.count(chr(10)) - 1} frames tagged as expected; none without a finding")


# --- the connection-attempts table (-z synsight,attempts) -----------------

VERDICT_ORDER = ["failed", "given up", "late", "ok"]


def attempts_table(ts, name, mode, extra=""):
    args = ["-r", ts.capture(name), "-q", "-z", "synsight,attempts" + extra]
    if mode == "final":
        args.insert(0, "-2")
    return ts.run(*args)


def parse_table(text):
    """(attempt rows, destination rows), each a list of dicts keyed by header."""
    sections, current = [], None
    for line in text.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] in ("Verdict", "Destination"):
            current = {"header": cells, "rows": []}
            sections.append(current)
        elif current is not None and line.strip() and not line.startswith("=") and line != "By destination":
            current["rows"].append(dict(zip(current["header"], cells)))
            assert len(cells) == len(current["header"]), ("ragged row", line)
        elif not line.strip():
            current = None
    assert len(sections) == 2, ("expected an attempts table and a destination summary", text)
    return sections[0]["rows"], sections[1]["rows"]


def endpoint(addr_port):
    addr, port = addr_port
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def check_table(ts, name):
    single = attempts_table(ts, name, "single")
    final = attempts_table(ts, name, "final")
    if single != final:
        sys.stdout.writelines(difflib.unified_diff(final.splitlines(True), single.splitlines(True), "-2", "single"))
        raise SystemExit(f"{name}: the attempts table differs between one pass and two")
    path = os.path.join(EXPECTED, f"{name}.attempts.txt")
    with open(path) as f:
        want = f.read()
    if final != want:
        sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), final.splitlines(True),
                                                   f"expected/{name}.attempts.txt", "tshark"))
        raise SystemExit(f"{name}: the attempts table differs from the expected file")

    rows, dests = parse_table(final)
    # Every SYN train in Wireshark's own dissection is one row, with its SYN
    # count and client/server; the tree's final fields give the outcome.
    got = synsight_output(ts, name, "final")
    segs = tcp_segments(ts, name)
    trains = defaultdict(list)
    for s in segs:
        if s["syn"] and not s["ackf"] and not s["fin"] and not s["rst"]:
            trains[(s["src"], s["dst"], s["seq"])].append(s)
    by_first = {int(r["First SYN frame"]): r for r in rows}
    assert len(by_first) == len(rows) == len(trains), (name, len(rows), len(trains))
    for (client, server, isn), syns in trains.items():
        r = by_first[syns[0]["frame"]]
        assert (r["Client"], r["Server"], int(r["SYNs"])) == (endpoint(client), endpoint(server), len(syns)), (name, r)
        fields = dict(got.get(syns[0]["frame"], []))
        if "synsight.outcome" in fields:
            assert r["Outcome"] == fields["synsight.outcome"], (name, r, fields)
            end = fields.get("synsight.superseded_by" if r["Outcome"] == "superseded" else "synsight.outcome_in", "-")
            assert r["Outcome frame"] == end, (name, r, fields)
        else:   # an ordinary handshake: answered at the first SYN by the next SYN/ACK
            answer = next(s for s in segs if s["frame"] > syns[0]["frame"] and s["syn"] and s["ackf"]
                          and s["src"] == server and s["ack"] == (isn + 1) % 2**32)
            assert (r["Verdict"], r["Outcome"], r["Outcome frame"]) == ("ok", "answered", str(answer["frame"])), (name, r)
    # failures first, then by first SYN
    keys = [(VERDICT_ORDER.index(r["Verdict"]), int(r["First SYN frame"])) for r in rows]
    assert keys == sorted(keys), (name, "rows out of order", keys)
    # the summary adds up the rows
    counted = defaultdict(lambda: [0, 0, 0, 0, 0])
    column = {"answered": 1, "refused-rst": 2, "refused-icmp": 2, "unanswered": 3, "superseded": 4}
    for r in rows:
        counted[r["Server"]][0] += 1
        counted[r["Server"]][column[r["Outcome"]]] += 1
    summary = {d["Destination"]: [int(d[k]) for k in ("Attempts", "Answered", "Refused", "Unanswered", "Superseded")]
               for d in dests}
    assert summary == dict(counted), (name, summary, dict(counted))
    failures = [v[2] + v[3] for v in (summary[d["Destination"]] for d in dests)]
    assert failures == sorted(failures, reverse=True), (name, "destinations with failures not first")
    print(f"{name}: {len(rows)} attempts and {len(dests)} destinations agree with Wireshark's TCP fields")


def check_table_options(ts):
    name = "parallel-one-port-dropped"
    rows, _ = parse_table(attempts_table(ts, name, "single"))
    assert [r["Server"] for r in rows if r["Verdict"] == "failed"] == ["10.0.0.2:49667"], rows
    # the filter selects frames; an attempt is listed when any of its frames matches
    rows_f, dests_f = parse_table(attempts_table(ts, name, "single", ",tcp.dstport==49667 || tcp.srcport==445"))
    assert sorted(r["Server"] for r in rows_f) == ["10.0.0.2:445", "10.0.0.2:49667"], rows_f
    assert [d["Destination"] for d in dests_f] == ["10.0.0.2:49667", "10.0.0.2:445"], dests_f
    rows_n, _ = parse_table(attempts_table(ts, name, "single", ",udp"))
    assert rows_n == [], rows_n
    # a bad filter: a clear message and exit status 1, no table
    cmd = ts.prefix + ["env", "-i"] + [f"{k}={v}" for k, v in ts.env.items()] + \
        ["tshark", "-r", ts.capture(name), "-q", "-z", "synsight,attempts,tcp.port=="]
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert p.returncode == 1 and "synsight,attempts" in p.stderr and "invalid" in p.stderr, (p.returncode, p.stderr)
    assert "Verdict" not in p.stdout, p.stdout
    cmd[-1] = "synsight,attemptsx"        # tshark matches -z by prefix: refused, not read as "attempts"
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert p.returncode == 1 and "invalid -z argument" in p.stderr, (p.returncode, p.stderr)
    # The Statistics-menu tables (Wireshark's generic table format in tshark)
    # hold the same rows and counts as the text table.
    out = ts.run("-2", "-r", ts.capture(name), "-q", "-z", "synsight,attempt_table", "-z", "synsight,destination_table")
    gui_rows = sorted(tuple(c.strip() for c in line.split("|")[:4]) for line in out.splitlines()
                      if line.split(" |")[0] in VERDICT_ORDER)
    assert gui_rows == sorted((r["Verdict"], r["Client"], r["Server"], r["SYNs"]) for r in rows), gui_rows
    gui_dests = sorted(line.replace(" ", "") for line in out.splitlines() if line.count("|") == 6
                       and not line.startswith("Destination"))
    assert gui_dests == ["10.0.0.2:135|1|1|0|0|0|", "10.0.0.2:445|1|1|0|0|0|", "10.0.0.2:49666|1|1|0|0|0|",
                         "10.0.0.2:49667|1|0|0|1|0|", "10.0.0.2:8080|1|1|0|0|0|"], gui_dests
    print("filter argument, bad filter and the GUI tables: as expected")


# --- synsight-annotate ---------------------------------------------------

ANNOTATE = os.path.join(ROOT, "scripts", "synsight-annotate")


def frame_comments(ts, path):
    out = ts.run("-r", path, "-Y", "frame.comment", "-T", "json", "-e", "frame.number", "-e", "frame.comment")
    return {int(p["_source"]["layers"]["frame.number"][0]): p["_source"]["layers"]["frame.comment"]
            for p in json.loads(out or "[]")}


def expected_comments(name):
    """The comment each flagged frame must get: its expert sentences from the
    hand-checked expected file, in tree order."""
    with open(expected_path(name, "final")) as f:
        frames = load_frames(f.read())
    want = {}
    for frame, fields in frames.items():
        sentences = [v for k, v in fields if k.startswith("expert.")]
        if sentences:
            want[frame] = "synsight: " + " | ".join(sentences)
    return want


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_annotate(ts):
    work = os.path.join(ts.dir, "annotate")
    os.makedirs(work)
    os.chmod(work, 0o777)

    # editcap loads no plugin: it runs without the sanitizer preload (which
    # hangs it), through a wrapper handed to synsight-annotate as --editcap
    plain_editcap = os.path.join(ts.dir, "editcap-unpreloaded")
    with open(plain_editcap, "w") as f:
        f.write('#!/bin/sh\nexec env -u LD_PRELOAD editcap "$@"\n')
    os.chmod(plain_editcap, 0o755)

    # A sanitizer build needs its runtime preloaded into tshark, not into
    # python: synsight-annotate gets a tshark wrapper (leaks are the other
    # tests' business; memory errors still abort).
    preload = ts.env.get("LD_PRELOAD")
    annotate_tshark = "tshark"
    if preload:
        annotate_tshark = os.path.join(ts.dir, "tshark-preloaded")
        with open(annotate_tshark, "w") as f:
            f.write(f'#!/bin/sh\nexec env LD_PRELOAD="{preload}" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 '
                    f'UBSAN_OPTIONS=halt_on_error=1 tshark "$@"\n')
        os.chmod(annotate_tshark, 0o755)

    # the test user may not be able to read the checkout (a clone under /root)
    annotate_script = os.path.join(ts.dir, "synsight-annotate")
    shutil.copy(ANNOTATE, annotate_script)
    os.chmod(annotate_script, 0o755)

    def annotate(*args, **env):
        # the system python: the test user may not reach the one running this
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        cmd = [a for a in ts.command([python, annotate_script, "--tshark", annotate_tshark, "--editcap", plain_editcap,
                                      *args], **env) if not a.startswith(("LD_PRELOAD=", "ASAN_OPTIONS="))]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300)

    def editcap(*args):
        p = subprocess.run(ts.command([plain_editcap, *args]), capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr

    # IN: a real capture a colleague already commented (frame 1, and frame 9,
    # which synsight flags too), in pcapng.
    name = "syn-drop-linear"
    src = os.path.join(work, "in.pcapng")
    editcap("-a", "1:first look, by Ann", "-a", "9:retry? (Bob)", ts.capture(name), src)
    before = sha256(src)
    want = expected_comments(name)
    assert len(want) == 11, want

    # Wireshark 4.0's editcap -a adds a comment beside a frame's others; from
    # 4.2 on it replaces them, so synsight's text joins the user's comment.
    editcap("-r", src, os.path.join(work, "probe0.pcapng"), "1")
    editcap("-a", "1:x", os.path.join(work, "probe0.pcapng"), os.path.join(work, "probe1.pcapng"))
    replaces = frame_comments(ts, os.path.join(work, "probe1.pcapng"))[1] == ["x"]
    for f in ("probe0.pcapng", "probe1.pcapng"):
        os.remove(os.path.join(work, f))

    out1 = os.path.join(work, "out1.pcapng")
    p = annotate(src, out1)
    assert p.returncode == 0, p.stderr
    got = frame_comments(ts, out1)
    expect = {f: [c] for f, c in want.items()}
    expect[1] = ["first look, by Ann"]
    expect[9] = ["retry? (Bob) | " + want[9]] if replaces else ["retry? (Bob)", want[9]]
    assert got == expect, (got, expect)
    assert sha256(src) == before, "IN was modified"

    # idempotent: annotating the annotated file changes no comment
    out2 = os.path.join(work, "out2.pcapng")
    p = annotate(out1, out2)
    assert p.returncode == 0 and "0 frame(s) commented" in p.stdout, (p.stdout, p.stderr)
    assert frame_comments(ts, out2) == expect

    # OUT exists: refused, untouched; --force replaces it
    stamp = sha256(out2)
    p = annotate(src, out2)
    assert p.returncode == 1 and "exists" in p.stderr and "--force" in p.stderr, p.stderr
    assert sha256(out2) == stamp
    p = annotate("--force", src, out2)
    assert p.returncode == 0, p.stderr
    assert frame_comments(ts, out2) == expect
    p = annotate(src, src)
    assert p.returncode == 1 and "never modifies" in p.stderr and sha256(src) == before, p.stderr

    # a pcap IN gives a pcapng OUT with the same findings
    out3 = os.path.join(work, "hostile.pcapng")
    p = annotate(ts.capture("synthetic-hostile"), out3)
    assert p.returncode == 0, p.stderr
    with open(out3, "rb") as f:
        assert f.read(4) == b"\x0a\x0d\x0d\x0a", "OUT is not pcapng"
    assert frame_comments(ts, out3) == {f: [c] for f, c in expected_comments("synthetic-hostile").items()}

    # damaged IN: a clear error, no OUT, no temporary file left behind
    with open(ts.capture(name), "rb") as f:
        data = f.read()
    for label, content, message in (("cut", data[:len(data) * 2 // 3], "cut short"),
                                    ("garbage", b"not a capture\n" * 10, "isn't a capture file")):
        bad = os.path.join(work, label + ".pcapng")
        with open(bad, "wb") as f:
            f.write(content)
        os.chmod(bad, 0o644)
        target = os.path.join(work, label + "-out.pcapng")
        p = annotate(bad, target)
        assert p.returncode == 1 and message in p.stderr and "error" in p.stderr, (label, p.returncode, p.stderr)
        assert not os.path.exists(target), label
    assert sorted(os.listdir(work)) == ["cut.pcapng", "garbage.pcapng", "hostile.pcapng", "in.pcapng",
                                        "out1.pcapng", "out2.pcapng"], os.listdir(work)

    # without the plugin: says so, writes nothing
    empty = os.path.join(work, "no-plugins")
    os.makedirs(empty)
    target = os.path.join(work, "no-plugin-out.pcapng")
    p = annotate(src, target, WIRESHARK_PLUGIN_DIR=empty)
    assert p.returncode == 1 and "does not load the synsight plugin" in p.stderr, p.stderr
    assert not os.path.exists(target)

    # a synsight comment that no longer matches the findings: replaced where
    # editcap replaces, kept with a warning where it can only add
    stale_in = os.path.join(work, "stale.pcapng")
    editcap("-a", "5:synsight: an older finding", src, stale_in)
    target = os.path.join(work, "stale-out.pcapng")
    p = annotate(stale_in, target)
    assert p.returncode == 0, p.stderr
    if replaces:
        assert "outdated" not in p.stderr, p.stderr
        assert frame_comments(ts, target) == expect, frame_comments(ts, target)
    else:
        assert "1 outdated synsight comment(s) stay" in p.stderr, p.stderr
        assert frame_comments(ts, target) == {**expect, 5: ["synsight: an older finding", want[5]]}
    print(f"synsight-annotate: {len(want)} frames commented, idempotent, input kept, bad input refused")


# --- docs/synsight.colorfilters --------------------------------------------

COLORFILTERS = os.path.join(ROOT, "docs", "synsight.colorfilters")

# For each rule, which frames of the expected (hand-checked, two-pass)
# output it must color: a predicate over a frame's synsight fields.
COLOR_RULES = {
    "synsight: connection refused (RST or ICMP)":
        lambda f: f.get("synsight.refusal.proto") == "tcp" or f.get("synsight.outcome", "").startswith("refused"),
    "synsight: SYN never answered": lambda f: f.get("synsight.outcome") == "unanswered",
    "synsight: window misread (scale unknown, apparent overrun)": lambda f: "synsight.window.overrun" in f,
    "synsight: UDP port unreachable": lambda f: f.get("synsight.refusal.proto") == "udp",
    "synsight: SYN retransmission": lambda f: "synsight.syn.retry" in f,
}
COLOR_CAPTURES = ["syn-drop-linear", "syn-refused-icmp-midway", "tcp-reset", "icmpv6-port-unreachable",
                  "udp-closed-port", "window-upload-large-shift", "ordinary-connection"]


def parse_colorfilters(path):
    rules = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"@([^@]+)@([^@]+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]", line)
            assert m, ("not a Wireshark coloring rule", line)
            assert all(0 <= int(v) <= 65535 for v in m.groups()[2:]), line
            rules.append((m.group(1), m.group(2)))
    return rules


def check_coloring(ts):
    rules = parse_colorfilters(COLORFILTERS)
    assert [name for name, _ in rules] == list(COLOR_RULES), [name for name, _ in rules]
    hits = defaultdict(int)
    for name in COLOR_CAPTURES:
        with open(expected_path(name, "final")) as f:
            frames = {n: dict(fields) for n, fields in load_frames(f.read()).items()}
        for rule, dfilter in rules:
            out = ts.run("-2", "-r", ts.capture(name), "-Y", dfilter, "-T", "fields", "-e", "frame.number")
            got = [int(n) for n in out.split()]
            want = sorted(n for n, fields in frames.items() if COLOR_RULES[rule](fields))
            assert got == want, (name, rule, got, want)
            hits[rule] += len(got)
    assert all(hits[r] for r in COLOR_RULES), ("a rule colors nothing in the bundled captures", dict(hits))
    print("coloring rules:", ", ".join(f"{r.split(': ', 1)[1]} {n} frames" for r, n in hits.items()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--plugin", required=True)
    p.add_argument("--ws-version", required=True, help="major.minor of the Wireshark built against")
    p.add_argument("--preload", default="", help="LD_PRELOAD for a sanitizer build")
    p.add_argument("what", choices=["loads", "golden", "oracle", "expert", "window", "table",
                                          "table-options", "annotate", "coloring", "info", "update"])
    p.add_argument("args", nargs="*")
    a = p.parse_args()
    ts = Tshark(a.plugin, a.ws_version, a.preload or None)
    try:
        prove_loaded(ts)
        if a.what == "loads":
            print("synsight.so loaded; all required fields registered")
        elif a.what == "golden":
            check_golden(ts, a.args[0], a.args[1])
        elif a.what == "oracle":
            check_oracle(ts, a.args[0])
        elif a.what == "expert":
            check_expert_tap(ts, a.args[0])
        elif a.what == "window":
            check_window_soundness(ts, a.args[0])
        elif a.what == "info":
            check_info(ts, a.args[0])
        elif a.what == "table":
            check_table(ts, a.args[0])
        elif a.what == "table-options":
            check_table_options(ts)
        elif a.what == "annotate":
            check_annotate(ts)
        elif a.what == "coloring":
            check_coloring(ts)
        elif a.what == "update":
            os.makedirs(EXPECTED, exist_ok=True)
            for name in a.args:
                for mode in ("single", "final"):
                    with open(expected_path(name, mode), "w") as f:
                        f.write(render(synsight_output(ts, name, mode)))
                    print("wrote", expected_path(name, mode))
                with open(os.path.join(EXPECTED, f"{name}.attempts.txt"), "w") as f:
                    f.write(attempts_table(ts, name, "final"))
                with open(os.path.join(EXPECTED, f"{name}.info.txt"), "w") as f:
                    f.write(render_info(info_tags(ts, name)))
    finally:
        ts.close()


if __name__ == "__main__":
    main()
