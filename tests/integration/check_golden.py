"""The tree, the expert tap and the Info column against the expected files."""
import os
import re
import subprocess
from collections import defaultdict

from outputs import LABEL_MAX, expected_path, load_frames, render, same_as_expected, synsight_output


def check_golden(ts, name, mode):
    result = synsight_output(ts, name, mode)
    for frame, fields in result.items():
        for field, value in fields:
            if field.startswith("expert."):
                assert len(value.encode()) < LABEL_MAX, (name, frame, "sentence cut off by Wireshark", value)
    got = render(result)
    want = same_as_expected(got, f"{name}.{mode}.txt", f"{name} ({mode}): synsight output")
    print(f"{name} ({mode}): {sum(len(v) for v in load_frames(want).values())} values match")


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


TAG = re.compile(r"\[[^\[\]]+\]")


def info_columns(ts, name, mode, *extra, plugin=True):
    """{frame: Info} from tshark's one-line output (the field's name,
    _ws.col.Info or _ws.col.info, differs between versions); plugin=False:
    the same tshark without synsight."""
    args = ["-r", ts.capture(name), "-o", 'gui.column.format:"No.","%m","Info","%i"', *extra]
    if mode == "final":
        args.insert(0, "-2")
    if plugin:
        out = ts.run(*args)
    else:
        empty = os.path.join(ts.dir, "no-plugins")
        os.makedirs(empty, exist_ok=True)
        p = subprocess.run(ts.command(["tshark", *args], WIRESHARK_PLUGIN_DIR=empty, LD_PRELOAD=""),
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        out = p.stdout
    return dict(re.fullmatch(r"\s*(\d+) (.*)", line).groups() for line in out.splitlines())


def info_tags(ts, name):
    """{frame: (single-pass tag, final tag)} for frames with a tag. The tag is
    what synsight appends to the Info column: tshark's one-line output
    without synsight, a space, and one bracketed tag, on exactly the frames
    that have a synsight subtree; with the preference off, nothing."""
    tags = defaultdict(lambda: ["", ""])
    for i, mode in enumerate(("single", "final")):
        on = info_columns(ts, name, mode)
        off = info_columns(ts, name, mode, plugin=False)
        assert info_columns(ts, name, mode, "-o", "synsight.info_column:FALSE") == off, \
            (name, mode, "synsight.info_column:FALSE leaves a tag")
        flagged = synsight_output(ts, name, mode)
        assert on.keys() == off.keys(), (name, mode, "frames differ")
        for frame, text in on.items():
            base = off[frame]
            if int(frame) not in flagged:
                assert text == base, (name, mode, frame, "a tag on a frame without findings", text)
                continue
            assert text.startswith(base + " "), (name, mode, frame, text, base)
            tag = text[len(base) + 1:]
            assert TAG.fullmatch(tag), (name, mode, frame, "not one bracketed tag", tag)
            # the same words in the field a packet-list column shows
            summary = [v for k, v in flagged[int(frame)] if k == "synsight.summary"]
            assert summary == [tag[1:-1]], (name, mode, frame, summary, tag)
            tags[int(frame)][i] = tag
    return {f: tuple(t) for f, t in tags.items()}


def render_info(tags):
    return "# frame\tsingle pass\tfinal (-2)\n" + "".join(f"{f}\t{s}\t{t}\n" for f, (s, t) in sorted(tags.items()))


def check_info(ts, name):
    got = render_info(info_tags(ts, name))
    want = same_as_expected(got, f"{name}.info.txt", f"{name}: the Info column's tags")
    print(f"{name}: {want.count(chr(10)) - 1} frames tagged as expected; none without a finding")
