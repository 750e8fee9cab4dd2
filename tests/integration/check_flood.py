"""The SYN-flood summary (synsight.expert.syn_flood) on a generated flood:
one item per destination with enough distinct sources, on the first lone
SYN, with exact counts; the preference moves the line; the attempts keep
their own items."""
import re
import subprocess

FLOOD = "synthetic-syn-flood"   # captures/make_synthetic.py: 1,500 lone SYNs to 10.9.0.2:80 from 1,200 sources
SENTENCE = ("10.9.0.2:80 received 1,500 unanswered SYNs from 1,200 sources in 1.5 s: a SYN flood or a scan, "
            "not a firewall drop")


def summaries(ts, *args):
    out = ts.run("-r", ts.capture(FLOOD), "-Y", "synsight.expert.syn_flood", "-T", "fields", "-E", "aggregator=|",
                 "-e", "frame.number", "-e", "_ws.expert.message", *args)
    return [(int(line.split("\t")[0]), [m for m in line.split("\t")[1].split("|") if "SYN flood" in m])
            for line in out.splitlines()]


def check_flood(ts):
    # final view: one summary, on frame 1 (the first lone SYN to :80)
    got = summaries(ts, "-2")
    assert got == [(1, [SENTENCE])], got
    # the same through the expert tap, once
    out = ts.run("-2", "-r", ts.capture(FLOOD), "-q", "-z", "expert,warn")
    assert len(re.findall(r"SYN flood or a scan", out)) == 1, out
    # the preference: at most as many sources as there are, or off
    assert summaries(ts, "-2", "-o", "synsight.flood_sources:1200") == [(1, [SENTENCE])]
    assert summaries(ts, "-2", "-o", "synsight.flood_sources:1201") == []
    assert summaries(ts, "-2", "-o", "synsight.flood_sources:0") == []
    # 5 lone SYNs to :443 make a summary only when 5 sources are enough
    five = summaries(ts, "-2", "-o", "synsight.flood_sources:5")
    assert [f for f, _ in five] == [1, 1501], five
    assert five[1][1] == ["10.9.0.2:443 received 5 unanswered SYNs from 5 sources in 0.0 s: a SYN flood or a scan, "
                          "not a firewall drop"], five
    # a single pass cannot know a SYN was never answered: no summary there
    assert summaries(ts) == [], "a flood summary in a single pass"
    # every attempt keeps its own item (and filter fields)
    out = ts.run("-2", "-r", ts.capture(FLOOD), "-Y", "synsight.outcome == \"unanswered\"", "-T", "fields",
                 "-e", "frame.number")
    assert len(out.splitlines()) == 1505, len(out.splitlines())
    p = subprocess.run(ts.command(["tshark", "-r", ts.capture(FLOOD), "-o", "synsight.flood_sources:x"]),
                       capture_output=True, text=True)
    assert p.returncode != 0 and "flood_sources" in p.stderr, (p.returncode, p.stderr[-500:])
    print(f"{FLOOD}: one flood summary with exact counts; the preference moves it; 1505 attempts keep their items")
