"""docs/synsight.colorfilters: every rule's filter marks the right frames."""
import os
import re
from collections import defaultdict

from harness import ROOT
from outputs import expected_path, load_frames

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
