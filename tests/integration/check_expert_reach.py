"""Expert items reach everyone who reads them when the tree is not shown.

synsight formats an expert sentence only when something will read it
(render.c, expert_read): tshark's one-line output and its -2 first pass
build an invisible tree, where a sentence nobody reads is skipped. This
checks, against the hand-checked expected files (made from a visible tree),
that each reader still gets every item, in a single pass and in two:

- a display filter on the item's own field (synsight.expert.NAME);
- a display filter on _ws.expert.message, for the exact sentence;
- the Expert Info column (%a), which each item sets to its severity: the
  same with and without a filter that asks for every expert item.

The expert tap (tshark -z expert) is checked by check_golden.py.
"""
import re

from outputs import expected_path, load_frames

CAPTURES = ["syn-drop-linear", "syn-refused-icmp-midway", "tcp-reset", "bridge-any", "window-upload-large-shift",
            "filtered-lone-syn", "challenge-ack-established"]
MODES = {"single": [], "final": ["-2"]}
# one line per frame: its number (and its Expert Info column)
NUMBER_ONLY = ["-o", 'gui.column.format:"No.","%m"']
WITH_EXPERT_COLUMN = ["-o", 'gui.column.format:"No.","%m","Expert","%a"']


def expected_items(name, mode):
    """{item name: {frame: [sentences]}} from the expected file."""
    with open(expected_path(name, mode)) as f:
        frames = load_frames(f.read())
    items = {}
    for frame, fields in frames.items():
        for field, value in fields:
            if field.startswith("expert."):
                items.setdefault(field[len("expert."):], {}).setdefault(frame, []).append(value)
    return items


def frames_of(out):
    return [int(line.split()[0]) for line in out.splitlines() if line.strip()]


def filter_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_expert_reach(ts):
    checked = 0
    for name in CAPTURES:
        cap = ts.capture(name)
        for mode, args in MODES.items():
            items = expected_items(name, mode)
            assert items or mode == "single", (name, mode, "no expert items to check")
            for item, frames in sorted(items.items()):
                got = frames_of(ts.run(*args, "-r", cap, "-Y", f"synsight.expert.{item}", *NUMBER_ONLY))
                assert got == sorted(frames), (name, mode, item, got, sorted(frames))
                # the first sentence of each kind, found by its exact text
                frame, sentences = min(frames.items())
                dfilter = f"_ws.expert.message == {filter_string(sentences[0])}"
                got = frames_of(ts.run(*args, "-r", cap, "-Y", dfilter, *NUMBER_ONLY))
                want = sorted(f for f, s in frames.items() if sentences[0] in s)
                assert got == want, (name, mode, item, dfilter, got, want)
                checked += 1
            # the Expert Info column: each frame's severity, as when every item is asked for
            plain = ts.run(*args, "-r", cap, *WITH_EXPERT_COLUMN)
            asked = ts.run(*args, "-r", cap, "-Y", "_ws.expert or not _ws.expert", *WITH_EXPERT_COLUMN)
            assert plain == asked, (name, mode, "Expert Info column", plain, asked)
            # and ours is on every frame that has an item of ours
            columns = {int(m.group(1)): m.group(2) for m in re.finditer(r"^\s*(\d+)\s*(\S*)$", plain, re.M)}
            ours = {f for frames in items.values() for f in frames}
            assert all(columns.get(f) for f in ours), (name, mode, "no severity in the Expert column",
                                                       sorted(f for f in ours if not columns.get(f)))
    print(f"expert items: {checked} kinds on {len(CAPTURES)} captures, single pass and -2, reach a filter on "
          "their field, a filter on their sentence and the Expert Info column")
