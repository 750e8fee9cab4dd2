"""synsight-annotate: comments per frame, idempotence, input kept, bad input refused."""
import hashlib
import json
import os
import subprocess
import sys

from outputs import expected_path, load_frames



def frame_comments(ts, path):
    out = ts.run_uncached("-r", path, "-Y", "frame.comment", "-T", "json", "-e", "frame.number", "-e", "frame.comment")
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

    annotate_tshark = ts.tshark_for_scripts()

    annotate_script = ts.script("synsight-annotate")

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

    # Wireshark 4.0's editcap -a adds a comment beside a frame's others; 3.4's
    # and 4.2's on replace them, so synsight's text joins the user's comment.
    editcap("-r", src, os.path.join(work, "probe0.pcapng"), "1")
    editcap("-a", "1:x", os.path.join(work, "probe0.pcapng"), os.path.join(work, "probe1.pcapng"))
    replaces = frame_comments(ts, os.path.join(work, "probe1.pcapng"))[1] == ["x"]
    assert replaces == (not (4, 0) <= ts.ws_version < (4, 2)), ("editcap -a replaced comments", replaces, ts.ws_version)
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
