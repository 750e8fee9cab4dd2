"""synsight's output as tshark shows it, and the hand-checked expected files."""
import difflib
import json
import os
import sys
from collections import defaultdict

from harness import EXPECTED

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


def same_as_expected(got, filename, what):
    """got must equal tests/expected/filename; otherwise prints the diff and
    fails with what differs. Returns the expected text."""
    with open(os.path.join(EXPECTED, filename)) as f:
        want = f.read()
    if got != want:
        sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                   f"expected/{filename}", "tshark"))
        raise SystemExit(f"{what} differs from the expected file")
    return want


def load_frames(text):
    frames = defaultdict(list)
    for line in text.splitlines():
        if line and not line.startswith("#"):
            frame, field, value = line.split("\t", 2)
            frames[int(frame)].append((field, value))
    return frames
